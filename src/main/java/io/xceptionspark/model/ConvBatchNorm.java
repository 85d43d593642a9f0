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
    private NDArray foldedWeight;
    private NDArray foldedBias;

    ConvBatchNorm(ChannelConvolution convolution, BatchNormLayer batchNorm) {
        this.convolution = convolution;
        this.batchNorm = batchNorm;
    }

    NDArray apply(NDArray input) {
        if (foldedWeight != null) {
            return convolution.convolve(input, foldedWeight, foldedBias);
        }
        try (NDArray convolved = convolution.convolve(input, convolution.lastWeight(), null)) {
            return batchNorm.apply(convolved);
        }
    }

    /** Computes the folded weight and bias from the current weights (call again after reloading). */
    void fold(NDManager manager) {
        close();
        float[][] scaleShift = batchNorm.scaleAndShift();
        NDArray weight = convolution.lastWeight();
        long outChannels = weight.getShape().get(0);
        try (NDArray scale = manager.create(scaleShift[0]).reshape(outChannels, 1, 1, 1)) {
            foldedWeight = weight.mul(scale);
        }
        foldedBias = manager.create(scaleShift[1]);
    }

    boolean isFolded() {
        return foldedWeight != null;
    }

    @Override
    public void close() {
        if (foldedWeight != null) {
            foldedWeight.close();
            foldedBias.close();
            foldedWeight = null;
            foldedBias = null;
        }
    }
}
