package io.xceptionspark.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;

/**
 * Keras MaxPooling2D(3, strides=2, padding='same'). TF pads 'same' asymmetrically: for a side of n the
 * total padding is max((ceil(n/2) - 1) * 2 + 3 - n, 0), i.e. 2 for odd n (1 each side) and 1 for even n
 * (bottom/right only), and max-pool padding acts like -infinity. Both cases map onto PyTorch's max-pool
 * without a padded copy: odd sides use padding 1; even sides use padding 0 with ceil_mode, whose extra
 * window hangs over the bottom/right edge exactly like TF's one-sided pad. Output side: ceil(n/2).
 */
final class SameMaxPool {
    private static final Shape KERNEL = new Shape(3, 3);
    private static final Shape STRIDE = new Shape(2, 2);

    private SameMaxPool() {}

    static NDArray apply(NDArray input) {
        Shape shape = input.getShape();
        long padRows = shape.get(2) % 2;
        long padCols = shape.get(3) % 2;
        return Pool.maxPool2d(input, KERNEL, STRIDE, new Shape(padRows, padCols), true);
    }
}
