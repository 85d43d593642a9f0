package io.xceptionspark.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Channels-last (NHWC) memory layout for 4-D tensors that keep their logical NCHW shape. oneDNN's
 * convolutions work natively in this layout (with NCHW tensors libtorch reorders activations and weights
 * around every call), and in it a 1x1 convolution is one matrix product over all pixels of the batch:
 * [N*H*W, C] x [C, O]. A convolution's output keeps its input's layout, and so do element-wise ops.
 */
final class ChannelsLast {
    private ChannelsLast() {}

    /** A copy of {@code x} ([N, C, H, W]) laid out NHWC in memory, still indexed as NCHW. */
    static NDArray of(NDArray x) {
        Shape s = x.getShape();
        // Flattening the permuted view is what forces the dense NHWC copy: reshaping it to its own
        // shape would return the same strided view (libtorch only copies when no view is possible).
        try (NDArray nhwcView = x.transpose(0, 2, 3, 1);
             NDArray flat = nhwcView.reshape(-1);
             NDArray nhwc = flat.reshape(s.get(0), s.get(2), s.get(3), s.get(1))) {
            return nhwc.transpose(0, 3, 1, 2);
        }
    }

    /** Scales row o of a [O, ...] weight by scale[o]. */
    static NDArray scaleRows(NDArray weight, float[] scale, ai.djl.ndarray.NDManager manager) {
        long[] shape = new long[weight.getShape().dimension()];
        java.util.Arrays.fill(shape, 1);
        shape[0] = scale.length;
        try (NDArray s = manager.create(scale).reshape(new Shape(shape))) {
            return weight.mul(s);
        }
    }
}
