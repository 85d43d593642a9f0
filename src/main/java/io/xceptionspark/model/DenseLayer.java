package io.xceptionspark.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import java.util.List;
import java.util.SplittableRandom;

/** Keras Dense (the {@code predictions} layer): kernel (in, out) and bias (out) in Keras files. */
final class DenseLayer extends KerasWeightedLayer {
    private final int in;
    private final int out;
    private final Parameter weight;
    private final Parameter bias;

    DenseLayer(String kerasName, int in, int out) {
        super(kerasName);
        this.in = in;
        this.out = out;
        weight = addParameter(parameter("kernel", Parameter.Type.WEIGHT));
        bias = addParameter(parameter("bias", Parameter.Type.BIAS));
    }

    int units() {
        return out;
    }

    @Override
    List<int[]> kerasShapes() {
        return List.of(new int[] {in, out}, new int[] {out});
    }

    @Override
    void setFromKeras(List<float[]> kerasValues, NDManager manager) {
        float[] keras = kerasValues.get(0);
        float[] torch = new float[keras.length];
        for (int i = 0; i < in; i++) {
            for (int o = 0; o < out; o++) {
                torch[o * in + i] = keras[i * out + o];
            }
        }
        assign(weight, torch, new Shape(out, in), manager);
        assign(bias, kerasValues.get(1), new Shape(out), manager);
    }

    @Override
    void initialiseRandom(SplittableRandom random, NDManager manager) {
        assign(weight, glorotUniform(random, in * out, in, out), new Shape(out, in), manager);
        assign(bias, filled(out, 0f), new Shape(out), manager);
    }

    /** (weight [out, in], bias [out]), as {@code apply} uses them. */
    List<NDArray> weights() {
        return List.of(weight.getArray(), bias.getArray());
    }

    @Override
    NDArray apply(NDArray input) {
        return Linear.linear(input, weight.getArray(), bias.getArray()).singletonOrThrow();
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), out)};
    }
}
