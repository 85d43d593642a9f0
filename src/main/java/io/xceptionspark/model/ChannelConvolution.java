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

        /** Writes this convolution's ops (with its weights) into the network program. */
        void emit(NetworkProgram program);

        @Override
        void close();

        /**
         * A fused convolution computed by {@code apply}, written into a program by {@code emit}, that owns (and
         * closes) {@code weights}.
         */
        static FusedConvolution of(java.util.function.UnaryOperator<NDArray> apply,
                                   java.util.function.Consumer<NetworkProgram> emit, NDArray... weights) {
            return new FusedConvolution() {
                @Override
                public NDArray apply(NDArray input) {
                    return apply.apply(input);
                }

                @Override
                public void emit(NetworkProgram program) {
                    emit.accept(program);
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
