package io.xceptionspark.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;

/**
 * Keras MaxPooling2D(3, strides=2, padding='same'). TF pads 'same' asymmetrically: for a side of n the
 * total padding is max((ceil(n/2) - 1) * 2 + 3 - n, 0), i.e. 2 for odd n (1 each side) and 1 for even n
 * (bottom/right only), and max-pool padding acts like -infinity. Output side: ceil(n/2).
 *
 * <p>libtorch's max-pool expresses both cases without an explicit padded copy: its implicit padding is
 * -infinity, so an odd side gets padding 1 on both ends, and an even side gets no padding plus ceil mode,
 * whose extra last window overhangs the bottom/right edge by exactly TF's one padded row or column.
 * On channels-last maps this is libtorch's vectorised pooling kernel (2-3x faster than padding and
 * taking strided maxima, measured in docs/PERFORMANCE.md).
 */
final class SameMaxPool {
    private static final Shape WINDOW = new Shape(3, 3);
    private static final Shape STRIDE = new Shape(2, 2);

    private SameMaxPool() {}

    static NDArray apply(NDArray input) {
        Shape shape = input.getShape();
        Shape padding = new Shape(shape.get(2) % 2, shape.get(3) % 2);
        return Pool.maxPool2d(input, WINDOW, STRIDE, padding, true);
    }
}
