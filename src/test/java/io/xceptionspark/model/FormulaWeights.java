package io.xceptionspark.model;

import io.xceptionspark.weights.KerasLayer;
import io.xceptionspark.weights.KerasTensor;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The formula weights of ../shared/fixtures/keras-formula (see its README), computed directly, so the
 * network can be checked against golden.json independently of any HDF5 reading.
 */
final class FormulaWeights {
    private FormulaWeights() {}

    static List<KerasLayer> forNetwork(XceptionNetwork network) {
        List<KerasLayer> layers = new ArrayList<>();
        for (KerasWeightedLayer layer : network.kerasLayers()) {
            String[] suffixes = suffixes(layer);
            List<KerasTensor> tensors = new ArrayList<>();
            List<int[]> shapes = layer.kerasShapes();
            for (int w = 0; w < shapes.size(); w++) {
                String name = layer.kerasName() + "/" + suffixes[w] + ":0";
                tensors.add(new KerasTensor(name, shapes.get(w), values(name, suffixes[w], shapes.get(w))));
            }
            layers.add(new KerasLayer(layer.kerasName(), tensors));
        }
        return layers;
    }

    private static String[] suffixes(KerasWeightedLayer layer) {
        if (layer instanceof Conv2dLayer) {
            return new String[] {"kernel"};
        } else if (layer instanceof SeparableConv2dLayer) {
            return new String[] {"depthwise_kernel", "pointwise_kernel"};
        } else if (layer instanceof BatchNormLayer) {
            return new String[] {"gamma", "beta", "moving_mean", "moving_variance"};
        }
        return new String[] {"dense_kernel", "bias"};
    }

    static int fnv1a32(String s) {
        int h = 0x811C9DC5;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= (b & 0xff);
            h *= 0x01000193;
        }
        return h;
    }

    static float[] values(String name, String kind, int[] shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        String fullName = kind.equals("dense_kernel") ? name.replace("dense_kernel", "kernel") : name;
        long h = Integer.toUnsignedLong(fnv1a32(fullName));
        double fanIn = switch (kind) {
            case "kernel" -> shape[0] * shape[1] * shape[2];
            case "depthwise_kernel" -> shape[0] * shape[1];
            case "pointwise_kernel" -> shape[2];
            default -> 1;
        };
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            double u = (((long) (i % 1009) * 7919 + h) % 1009) / 1009.0;
            double x = switch (kind) {
                case "kernel", "depthwise_kernel", "pointwise_kernel" -> (u - 0.5) * Math.sqrt(24.0 / fanIn);
                case "dense_kernel" -> (u - 0.5) * Math.sqrt(10800.0 / 2048);
                case "bias" -> (u - 0.5) * 0.02;
                case "gamma" -> 0.5 + u;
                case "beta", "moving_mean" -> (u - 0.5) * 0.2;
                case "moving_variance" -> 0.5 + 1.5 * u;
                default -> throw new IllegalArgumentException(kind);
            };
            v[i] = (float) x;
        }
        return v;
    }
}
