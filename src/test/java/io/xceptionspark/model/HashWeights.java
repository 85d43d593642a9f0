package io.xceptionspark.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.xceptionspark.testing.FormulaWeights;
import io.xceptionspark.testing.TestData;
import io.xceptionspark.weights.KerasLayer;
import io.xceptionspark.weights.SafetensorsFile;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The weights of the hash fixtures (src/test/data/fixtures/hash, see its README) rebuilt in Java: every weight but
 * the BatchNorm moving statistics and the classifier bias is a splitmix64 hash of its name and flat index, scaled
 * by its kind; those few come from the fixture's {@code stats.safetensors}. Keras' xception by Keras weight name
 * in Keras layout, timm's aligned xception41/65/71 by state_dict key in PyTorch layout. The names and shapes are
 * the network's own, so a wrong name or layout gives other values and the golden outputs catch it.
 */
public final class HashWeights {
    static final String DIR = "fixtures/hash/";
    /** Keras' BatchNorms that end a residual branch (gamma 0.25 + 0.5u): block5..12_sepconv3_bn. */
    private static final Pattern KERAS_RESIDUAL_LAST = Pattern.compile("block(\\d+)_sepconv3_bn");
    /** timm's: blocks.N.stack.conv3.bn_pw of every block but the last (which has no skip). */
    private static final Pattern TIMM_RESIDUAL_LAST = Pattern.compile("blocks\\.(\\d+)\\.stack\\.conv3\\.bn_pw\\.weight");

    private HashWeights() {}

    private enum Kind { KERNEL, CLASSIFIER, GAMMA, GAMMA_RESIDUAL_LAST, BETA }

    /** One state_dict entry; its values are computed when asked for (xception71 has 42 million). */
    public record StateEntry(String key, long[] shape, Supplier<float[]> values) {}

    /** The fixture's u in [0, 1) for element {@code index} of the weight named {@code name}. */
    static double uniform(String name, long index) {
        long z = (Integer.toUnsignedLong(FormulaWeights.fnv1a32(name)) << 32) + index;
        z += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z ^= z >>> 31;
        return (z >>> 11) * 0x1.0p-53;
    }

    private static float[] hashed(String name, int count, Kind kind, int fanIn) {
        float[] v = new float[count];
        double scale = switch (kind) {
            case KERNEL -> Math.sqrt(24.0 / fanIn);
            case CLASSIFIER -> Math.sqrt(1200.0 / 2048);
            default -> 0;
        };
        for (int i = 0; i < count; i++) {
            double u = uniform(name, i);
            v[i] = (float) switch (kind) {
                case KERNEL, CLASSIFIER -> (u - 0.5) * scale;
                case GAMMA -> 0.5 + u;
                case GAMMA_RESIDUAL_LAST -> 0.25 + 0.5 * u;
                case BETA -> (u - 0.5) * 0.2;
            };
        }
        return v;
    }

    /** Keras' xception, 1000 classes with the top or none without: the layers of its .h5 weights file. */
    public static List<KerasLayer> keras(boolean includeTop) {
        Map<String, float[]> stats = stats("keras");
        XceptionOptions options = includeTop ? XceptionOptions.defaults() : XceptionOptions.notop(Pooling.AVG, 299, 299);
        return KerasNetworkWeights.of(new XceptionNetwork(options), (name, shape) -> kerasValues(name, shape, stats));
    }

    private static float[] kerasValues(String name, int[] shape, Map<String, float[]> stats) {
        String layer = name.substring(0, name.indexOf('/'));
        String suffix = name.substring(name.indexOf('/') + 1, name.lastIndexOf(':'));
        int n = KerasNetworkWeights.count(shape);
        Matcher residual = KERAS_RESIDUAL_LAST.matcher(layer);
        return switch (suffix) {
            case "moving_mean", "moving_variance", "bias" -> stored(stats, name, n);
            case "kernel" -> layer.equals("predictions") ? hashed(name, n, Kind.CLASSIFIER, 0)
                    : hashed(name, n, Kind.KERNEL, shape[0] * shape[1] * shape[2]);
            case "depthwise_kernel" -> hashed(name, n, Kind.KERNEL, shape[0] * shape[1]);
            case "pointwise_kernel" -> hashed(name, n, Kind.KERNEL, shape[2]);
            case "gamma" -> hashed(name, n, residual.matches() && Integer.parseInt(residual.group(1)) >= 5
                    && Integer.parseInt(residual.group(1)) <= 12 ? Kind.GAMMA_RESIDUAL_LAST : Kind.GAMMA, 0);
            case "beta" -> hashed(name, n, Kind.BETA, 0);
            default -> throw new IllegalArgumentException("no rule for Keras weight " + name);
        };
    }

    /** timm's state_dict of {@code variant} with its 1000-class head, in state_dict order, without counters. */
    public static List<StateEntry> timm(AlignedXception variant) {
        Map<String, float[]> stats = stats(variant.id());
        List<TorchWeight> weights = new AlignedXceptionNetwork(variant, XceptionOptions.defaults()).torchWeights();
        int lastBlock = weights.stream().map(TorchWeight::key).filter(k -> k.startsWith("blocks."))
                .mapToInt(k -> Integer.parseInt(k.split("\\.")[1])).max().orElseThrow();
        List<StateEntry> entries = new ArrayList<>();
        for (TorchWeight w : weights) {
            String key = w.key();
            long[] shape = w.shape().getShape();
            int n = Math.toIntExact(w.shape().size());
            Matcher residual = TIMM_RESIDUAL_LAST.matcher(key);
            Supplier<float[]> values;
            if (key.endsWith(".running_mean") || key.endsWith(".running_var") || key.equals("head.fc.bias")) {
                values = () -> stored(stats, key, n);
            } else if (shape.length == 4) {
                values = () -> hashed(key, n, Kind.KERNEL, Math.toIntExact(shape[1] * shape[2] * shape[3]));
            } else if (key.equals("head.fc.weight")) {
                values = () -> hashed(key, n, Kind.CLASSIFIER, 0);
            } else if (key.endsWith(".weight")) {
                boolean last = residual.matches() && Integer.parseInt(residual.group(1)) != lastBlock;
                values = () -> hashed(key, n, last ? Kind.GAMMA_RESIDUAL_LAST : Kind.GAMMA, 0);
            } else if (key.endsWith(".bias")) {
                values = () -> hashed(key, n, Kind.BETA, 0);
            } else {
                throw new IllegalArgumentException("no rule for timm key " + key);
            }
            entries.add(new StateEntry(key, shape, values));
        }
        return entries;
    }

    private static float[] stored(Map<String, float[]> stats, String name, int count) {
        float[] v = stats.get(name);
        if (v == null || v.length != count) {
            throw new IllegalStateException(name + ": " + (v == null ? "not in" : v.length + " values in")
                    + " the fixture's stats.safetensors, the network expects " + count);
        }
        return v;
    }

    /** The stored tensors of one fixture (keras, xception41, ...). */
    private static Map<String, float[]> stats(String model) {
        Map<String, float[]> stats = new HashMap<>();
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            for (Map.Entry<String, NDArray> e
                    : SafetensorsFile.read(TestData.path(DIR + model + "/stats.safetensors"), manager).entrySet()) {
                stats.put(e.getKey(), e.getValue().toFloatArray());
            }
        }
        return stats;
    }
}
