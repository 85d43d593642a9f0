package io.xceptionspark.model;

import io.xceptionspark.weights.KerasLayer;
import io.xceptionspark.weights.KerasTensor;
import java.util.ArrayList;
import java.util.List;

/**
 * The formula weights of ../shared/fixtures/keras-formula as Keras layers for a network, computed
 * directly ({@link io.xceptionspark.testing.FormulaWeights}), so the network can be checked against
 * golden.json independently of any HDF5 reading.
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
                tensors.add(new KerasTensor(name, shapes.get(w), values(name, shapes.get(w))));
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
        return new String[] {"kernel", "bias"};
    }

    private static float[] values(String name, int[] shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = io.xceptionspark.testing.FormulaWeights.expected(name, shape, i);
        }
        return v;
    }
}
