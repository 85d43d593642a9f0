package io.xceptionspark.model;

import ai.djl.ndarray.NDArray;

/**
 * A convolution whose last linear map has one output row per channel, so a following BatchNorm can be
 * folded into it: Conv2D itself, or the pointwise half of a SeparableConv2D.
 */
sealed interface ChannelConvolution permits Conv2dLayer.Foldable, SeparableConv2dLayer.Foldable {
    /** The weight whose output channels the BatchNorm scales (PyTorch layout, out channels first). */
    NDArray lastWeight();

    /** Runs the convolution with {@code lastWeight} replaced and an optional per-channel bias. */
    NDArray convolve(NDArray input, NDArray lastWeight, NDArray bias);
}
