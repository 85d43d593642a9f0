package io.xceptionspark.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * A convolution followed by its BatchNorm, the unit Xception is made of. Once weights are in place,
 * {@link #fold} merges the BatchNorm into the convolution (weight scaled per output channel, plus a
 * bias), which saves a full pass over every activation map at inference; until then, or when folding
 * is off, the two layers run one after the other exactly as Keras computes them.
 */
final class ConvBatchNorm implements AutoCloseable {
    private final ChannelConvolution convolution;
    private final BatchNormLayer batchNorm;
    private ChannelConvolution.FusedConvolution fused;

    ConvBatchNorm(ChannelConvolution convolution, BatchNormLayer batchNorm) {
        this.convolution = convolution;
        this.batchNorm = batchNorm;
    }

    NDArray apply(NDArray input) {
        if (fused != null) {
            return fused.apply(input);
        }
        try (NDArray convolved = convolution.convolve(input)) {
            return batchNorm.apply(convolved);
        }
    }

    /** Computes the folded weights from the current weights (call again after reloading). */
    void fold(NDManager manager) {
        close();
        float[][] scaleShift = batchNorm.scaleAndShift();
        fused = convolution.fuse(scaleShift[0], scaleShift[1], manager);
    }

    /** Writes the folded unit's ops into the network program; needs {@link #fold}. */
    NetworkProgram emit(NetworkProgram program) {
        if (fused == null) {
            throw new IllegalStateException("fold the BatchNorms first");
        }
        fused.emit(program);
        return program;
    }

    boolean isFolded() {
        return fused != null;
    }

    @Override
    public void close() {
        if (fused != null) {
            fused.close();
            fused = null;
        }
    }
}
