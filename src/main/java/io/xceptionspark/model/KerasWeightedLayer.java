package io.xceptionspark.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A Keras layer that owns weights. It knows its Keras name, the shapes a Keras weights file stores
 * for it (in Keras' layout and weight order), and how to take those values into the PyTorch layout
 * DJL computes with. The network is a composition of these; weight files are matched to them in order.
 */
abstract class KerasWeightedLayer extends AbstractBlock {
    private final String kerasName;

    KerasWeightedLayer(String kerasName) {
        this.kerasName = kerasName;
    }

    String kerasName() {
        return kerasName;
    }

    /** Shapes of this layer's weights in a Keras file, in the order of its {@code weight_names}. */
    abstract List<int[]> kerasShapes();

    /** Takes values in Keras layout (same order as {@link #kerasShapes()}), already shape-checked. */
    abstract void setFromKeras(List<float[]> kerasValues, NDManager manager);

    /** Keras' default initialisers (glorot-uniform kernels, zero bias, identity BatchNorm), seeded. */
    abstract void initialiseRandom(SplittableRandom random, NDManager manager);

    /** Keras' glorot_uniform: U(-limit, limit) with limit = sqrt(6 / (fan_in + fan_out)). */
    static float[] glorotUniform(SplittableRandom random, int count, int fanIn, int fanOut) {
        double limit = Math.sqrt(6.0 / (fanIn + fanOut));
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = (float) ((random.nextDouble() * 2 - 1) * limit);
        }
        return values;
    }

    static float[] filled(int count, float value) {
        float[] values = new float[count];
        java.util.Arrays.fill(values, value);
        return values;
    }

    /** A parameter whose array is set later from a file or an initialiser (DJL forbids shape + array). */
    static Parameter parameter(String name, Parameter.Type type) {
        return Parameter.builder().setName(name).setType(type)
                .optRequiresGrad(type != Parameter.Type.RUNNING_MEAN && type != Parameter.Type.RUNNING_VAR)
                .build();
    }

    static void assign(Parameter parameter, float[] values, Shape shape, NDManager manager) {
        NDArray array = manager.create(values, shape);
        array.setName(parameter.getName());
        NDArray previous = parameter.isInitialized() ? parameter.getArray() : null;
        parameter.close();
        parameter.setArray(array);
        if (previous != null) {
            previous.close();
        }
    }

    /** Single-input forward used by the network's straight-line graph. */
    abstract NDArray apply(NDArray input);

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        return new NDList(apply(inputs.singletonOrThrow()));
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "(" + kerasName + ")";
    }
}
