package io.xceptionspark.model;

import io.xceptionspark.weights.KerasLayer;
import io.xceptionspark.weights.KerasTensor;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * The weighted layers of a network as the Keras layers of a weights file (Keras names, layouts and weight order),
 * with values from a function of the full weight name (e.g. {@code block2_sepconv1/depthwise_kernel:0}) and its
 * Keras shape: how the formula and hash fixtures' weights are rebuilt for a network.
 */
final class KerasNetworkWeights {
    private KerasNetworkWeights() {}

    static List<KerasLayer> of(XceptionNetwork network, BiFunction<String, int[], float[]> values) {
        List<KerasLayer> layers = new ArrayList<>();
        for (KerasWeightedLayer layer : network.kerasLayers()) {
            String[] suffixes = suffixes(layer);
            List<KerasTensor> tensors = new ArrayList<>();
            List<int[]> shapes = layer.kerasShapes();
            for (int w = 0; w < shapes.size(); w++) {
                String name = layer.kerasName() + "/" + suffixes[w] + ":0";
                tensors.add(new KerasTensor(name, shapes.get(w), values.apply(name, shapes.get(w))));
            }
            layers.add(new KerasLayer(layer.kerasName(), tensors));
        }
        return layers;
    }

    /** Keras' weight names of a layer, in its weight_names order. */
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

    static int count(int[] shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }
}
