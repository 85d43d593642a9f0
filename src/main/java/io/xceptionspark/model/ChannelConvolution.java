package io.xceptionspark.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * A convolution whose last linear map has one output row per channel, so a following BatchNorm can be
 * folded into it: Conv2D itself, or the pointwise half of a SeparableConv2D.
 */
sealed interface ChannelConvolution permits Conv2dLayer.Foldable, SeparableConv2dLayer.Foldable {
    /** The convolution as Keras computes it (NCHW, no bias); the BatchNorm runs after it. */
    NDArray convolve(NDArray input);

    /**
     * The convolution with the BatchNorm y = scale * x + shift folded in (last weight scaled per output
     * channel, shift as bias), its weights laid out for channels-last inference (see {@link ChannelsLast}).
     */
    FusedConvolution fuse(float[] scale, float[] shift, NDManager manager);

    /** A convolution with its BatchNorm folded in; owns its weight copies. */
    interface FusedConvolution extends AutoCloseable {
        NDArray apply(NDArray input);

        /**
         * The folded weights, in the order {@code apply} uses them: a convolution's (weight, bias), a
         * separable convolution's (depthwise, pointwise [out, in], bias). Still owned by this object.
         */
        java.util.List<NDArray> weights();

        @Override
        void close();

        /** A fused convolution computed by {@code apply} that owns (and closes) {@code weights}. */
        static FusedConvolution of(java.util.function.UnaryOperator<NDArray> apply, NDArray... weights) {
            return new FusedConvolution() {
                @Override
                public NDArray apply(NDArray input) {
                    return apply.apply(input);
                }

                @Override
                public java.util.List<NDArray> weights() {
                    return java.util.List.of(weights);
                }

                @Override
                public void close() {
                    for (NDArray weight : weights) {
                        weight.close();
                    }
                }
            };
        }
    }
}
