package io.xceptionspark.model;

import io.xceptionspark.weights.KerasLayer;
import java.util.List;

/**
 * The formula weights of src/test/data/fixtures/keras-formula as Keras layers for a network, computed
 * directly ({@link io.xceptionspark.testing.FormulaWeights}), so the network can be checked against
 * golden.json independently of any HDF5 reading.
 */
final class FormulaWeights {
    private FormulaWeights() {}

    static List<KerasLayer> forNetwork(XceptionNetwork network) {
        return KerasNetworkWeights.of(network, FormulaWeights::values);
    }

    private static float[] values(String name, int[] shape) {
        float[] v = new float[KerasNetworkWeights.count(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = io.xceptionspark.testing.FormulaWeights.expected(name, shape, i);
        }
        return v;
    }
}
