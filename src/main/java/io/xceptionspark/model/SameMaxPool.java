package io.xceptionspark.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * Keras MaxPooling2D(3, strides=2, padding='same'). TF pads 'same' asymmetrically: for a side of n the
 * total padding is max((ceil(n/2) - 1) * 2 + 3 - n, 0), i.e. 2 for odd n (1 each side) and 1 for even n
 * (bottom/right only), and max-pool padding acts like -infinity. Output side: ceil(n/2).
 *
 * <p>Computed as two separable 1-D passes of element-wise maxima over strided views of the -inf padded
 * input. libtorch's CPU max_pool2d always computes argmax indices too, which made the four pools a
 * fifth of the whole forward pass; maxima of the same values are exact, so the result is identical.
 */
final class SameMaxPool {
    private SameMaxPool() {}

    static NDArray apply(NDArray input) {
        Shape shape = input.getShape();
        int rows = (int) shape.get(2);
        int cols = (int) shape.get(3);
        int padTop = rows % 2;
        int padLeft = cols % 2;
        try (NDArray padded = input.pad(new Shape(padLeft, 1, padTop, 1), Double.NEGATIVE_INFINITY);
             NDArray rowMax = max3(padded, 2, (rows + 1) / 2)) {
            return max3(rowMax, 3, (cols + 1) / 2);
        }
    }

    /** out[i] = max(x[2i], x[2i+1], x[2i+2]) along one axis, for i < outSize. */
    private static NDArray max3(NDArray x, int axis, int outSize) {
        try (NDArray a = x.get(slice(axis, 0, outSize));
             NDArray b = x.get(slice(axis, 1, outSize));
             NDArray c = x.get(slice(axis, 2, outSize));
             NDArray ab = a.maximum(b)) {
            return ab.maximum(c);
        }
    }

    private static NDIndex slice(int axis, int start, int count) {
        String range = start + ":" + (start + 2 * count - 1) + ":2";
        return new NDIndex(axis == 2 ? ":, :, " + range : ":, :, :, " + range);
    }
}
