package io.xceptionspark.weights;

import java.util.Arrays;
import java.util.Objects;

/**
 * One weight tensor exactly as Keras stores it: float32 values in C (row-major) order, in Keras'
 * layout (e.g. a Conv2D kernel is (kh, kw, in, out)). Reordering for the network is the model's job.
 *
 * @param name  the full Keras weight name, e.g. {@code block1_conv1/kernel:0}
 * @param shape the dimensions, outermost first (a scalar has none)
 * @param data  the values; its length is the product of {@code shape}. Not copied (Xception's weights are
 *              90 MB): callers must not modify it.
 */
public record KerasTensor(String name, int[] shape, float[] data) {

    public KerasTensor {
        Objects.requireNonNull(name, "name");
        shape = shape.clone();
        Objects.requireNonNull(data, "data");
        long size = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException(name + ": negative dimension in " + Arrays.toString(shape));
            }
            size *= d;
        }
        if (size != data.length) {
            throw new IllegalArgumentException(name + ": shape " + Arrays.toString(shape) + " holds " + size
                    + " values but " + data.length + " were given");
        }
    }

    /** A copy of the dimensions (the record keeps its own). */
    @Override
    public int[] shape() {
        return shape.clone();
    }

    /** The number of values. */
    public int size() {
        return data.length;
    }

    /** The last part of the name without the {@code :0} suffix, e.g. {@code kernel} or {@code moving_mean}. */
    public String shortName() {
        String s = name.substring(name.lastIndexOf('/') + 1);
        int colon = s.lastIndexOf(':');
        return colon < 0 ? s : s.substring(0, colon);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KerasTensor t && name.equals(t.name) && Arrays.equals(shape, t.shape)
                && Arrays.equals(data, t.data);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * name.hashCode() + Arrays.hashCode(shape)) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "KerasTensor[" + name + " " + Arrays.toString(shape) + "]";
    }
}
