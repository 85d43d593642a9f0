package io.xceptionspark.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A separable convolution as the Xceptions use it: a depthwise 3x3 convolution (symmetric padding 1)
 * followed by a pointwise 1x1 convolution, no bias. Keras' SeparableConv2D has stride 1 (TF 'same', which
 * for an odd kernel at stride 1 is padding 1); timm's aligned Xceptions put stride 2 on some depthwise
 * convolutions (PyTorch padding 1 on every side, not TF 'same') and a BatchNorm between the two halves.
 * Keras files store depthwise_kernel (3, 3, in, 1) then pointwise_kernel (1, 1, in, out).
 */
final class SeparableConv2dLayer extends KerasWeightedLayer {
    private static final int KERNEL = 3;
    private final int in;
    private final int out;
    private final int stride;
    private final Parameter depthwise;
    private final Parameter pointwise;

    SeparableConv2dLayer(String kerasName, int in, int out) {
        this(kerasName, in, out, 1);
    }

    /** @param stride the depthwise convolution's stride (timm's strided blocks: 2) */
    SeparableConv2dLayer(String kerasName, int in, int out, int stride) {
        super(kerasName);
        this.in = in;
        this.out = out;
        this.stride = stride;
        this.depthwise = addParameter(parameter("depthwise_kernel", Parameter.Type.WEIGHT));
        this.pointwise = addParameter(parameter("pointwise_kernel", Parameter.Type.WEIGHT));
    }

    @Override
    List<int[]> kerasShapes() {
        return List.of(new int[] {KERNEL, KERNEL, in, 1}, new int[] {1, 1, in, out});
    }

    @Override
    void setFromKeras(List<float[]> kerasValues, NDManager manager) {
        float[] dwKeras = kerasValues.get(0);
        float[] dw = new float[dwKeras.length];
        // Keras (y, x, c, 1) -> PyTorch (c, 1, y, x)
        for (int y = 0; y < KERNEL; y++) {
            for (int x = 0; x < KERNEL; x++) {
                for (int c = 0; c < in; c++) {
                    dw[(c * KERNEL + y) * KERNEL + x] = dwKeras[(y * KERNEL + x) * in + c];
                }
            }
        }
        float[] pwKeras = kerasValues.get(1);
        float[] pw = new float[pwKeras.length];
        // Keras (1, 1, i, o) -> PyTorch (o, i, 1, 1)
        for (int i = 0; i < in; i++) {
            for (int o = 0; o < out; o++) {
                pw[o * in + i] = pwKeras[i * out + o];
            }
        }
        assign(depthwise, dw, new Shape(in, 1, KERNEL, KERNEL), manager);
        assign(pointwise, pw, new Shape(out, in, 1, 1), manager);
    }

    @Override
    void initialiseRandom(SplittableRandom random, NDManager manager) {
        int area = KERNEL * KERNEL;
        assign(depthwise, glorotUniform(random, in * area, in * area, area), new Shape(in, 1, KERNEL, KERNEL), manager);
        assign(pointwise, glorotUniform(random, out * in, in, out), new Shape(out, in, 1, 1), manager);
    }

    /** Depthwise then pointwise, as Keras computes them (NCHW). */
    @Override
    NDArray apply(NDArray input) {
        return apply(input, null);
    }

    /** Depthwise, then {@code between} (a BatchNorm, if not null), then pointwise (NCHW, unfused). */
    private NDArray apply(NDArray input, BatchNormLayer between) {
        Shape one = new Shape(1, 1);
        try (NDArray spatial = depthwise(input, depthwise.getArray(), null);
             NDArray normalised = between == null ? null : between.apply(spatial)) {
            return Conv2d.conv2d(normalised == null ? spatial : normalised, pointwise.getArray(), null, one,
                    new Shape(0, 0), one, 1).singletonOrThrow();
        }
    }

    private NDArray depthwise(NDArray input, NDArray weight, NDArray bias) {
        Shape one = new Shape(1, 1);
        return Conv2d.conv2d(input, weight, bias, new Shape(stride, stride), one, one, in).singletonOrThrow();
    }

    int outputSize(int n) {
        return (n + 2 - KERNEL) / stride + 1;
    }

    /**
     * The fused inference form: the depthwise convolution on channels-last maps, then the pointwise
     * convolution (BatchNorm folded in) as one matrix product over every pixel of the batch,
     * [N*H*W, in] x [in, out] + bias, whose result is already the channels-last output map.
     */
    private NDArray fusedApply(NDArray input, NDArray depthwiseCl, NDArray pointwiseMatrix, NDArray bias) {
        try (NDArray spatial = depthwise(input, depthwiseCl, null)) {
            Shape s = spatial.getShape();
            long n = s.get(0);
            long h = s.get(2);
            long w = s.get(3);
            try (NDArray nhwc = spatial.transpose(0, 2, 3, 1);
                 NDArray pixels = nhwc.reshape(n * h * w, in);
                 NDArray product = Linear.linear(pixels, pointwiseMatrix, bias).singletonOrThrow();
                 NDArray outNhwc = product.reshape(n, h, w, out)) {
                return outNhwc.transpose(0, 3, 1, 2);
            }
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        return new Shape[] {new Shape(s.get(0), out, outputSize((int) s.get(2)), outputSize((int) s.get(3)))};
    }

    Foldable foldable() {
        return new Foldable(this, null);
    }

    /** With a BatchNorm between the depthwise and the pointwise halves (timm's SeparableConv2d). */
    Foldable foldable(BatchNormLayer depthwiseNorm) {
        return new Foldable(this, depthwiseNorm);
    }

    /**
     * This convolution seen as a {@link ChannelConvolution}: the pointwise kernel takes the fold. A
     * BatchNorm between the halves (y = a * x + b per input channel, nothing non-linear after it) folds too:
     * a scales the depthwise kernel, and b goes through the pointwise kernel into its bias (W b).
     */
    record Foldable(SeparableConv2dLayer layer, BatchNormLayer depthwiseNorm) implements ChannelConvolution {
        @Override
        public NDArray convolve(NDArray input) {
            return layer.apply(input, depthwiseNorm);
        }

        @Override
        public FusedConvolution fuse(float[] scale, float[] shift, NDManager manager) {
            NDArray depthwiseCl;
            float[] bias = shift;
            if (depthwiseNorm == null) {
                depthwiseCl = ChannelsLast.of(layer.depthwise.getArray());
            } else {
                float[][] inner = depthwiseNorm.scaleAndShift();
                try (NDArray scaled = ChannelsLast.scaleRows(layer.depthwise.getArray(), inner[0], manager)) {
                    depthwiseCl = ChannelsLast.of(scaled);
                }
                bias = throughPointwise(inner[1], scale, shift);
            }
            NDArray matrix;
            try (NDArray scaled = ChannelsLast.scaleRows(layer.pointwise.getArray(), scale, manager)) {
                matrix = scaled.reshape(layer.out, layer.in);
            }
            return fused(depthwiseCl, matrix, manager.create(bias));
        }

        /** scale * (W innerShift) + shift, in double: the bias once the inner shift went through W. */
        private float[] throughPointwise(float[] innerShift, float[] scale, float[] shift) {
            float[] w = layer.pointwise.getArray().toFloatArray();
            float[] bias = new float[layer.out];
            for (int o = 0; o < layer.out; o++) {
                double sum = 0;
                for (int i = 0; i < layer.in; i++) {
                    sum += (double) w[o * layer.in + i] * innerShift[i];
                }
                bias[o] = (float) (scale[o] * sum + shift[o]);
            }
            return bias;
        }

        private FusedConvolution fused(NDArray depthwiseCl, NDArray matrix, NDArray bias) {
            return FusedConvolution.of(input -> layer.fusedApply(input, depthwiseCl, matrix, bias),
                    program -> program.conv(depthwiseCl, null, layer.stride, 1, true).conv(matrix, bias, 1, 0, false),
                    depthwiseCl, matrix, bias);
        }
    }
}
