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
 * Keras SeparableConv2D as Xception uses it: a depthwise 3x3 convolution (stride 1, TF 'same', which for
 * an odd kernel at stride 1 is symmetric padding 1) followed by a pointwise 1x1 convolution, no bias.
 * Keras files store depthwise_kernel (3, 3, in, 1) then pointwise_kernel (1, 1, in, out).
 */
final class SeparableConv2dLayer extends KerasWeightedLayer {
    private static final int KERNEL = 3;
    private final int in;
    private final int out;
    private final Parameter depthwise;
    private final Parameter pointwise;

    SeparableConv2dLayer(String kerasName, int in, int out) {
        super(kerasName);
        this.in = in;
        this.out = out;
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
        Shape one = new Shape(1, 1);
        try (NDArray spatial = depthwise(input, depthwise.getArray())) {
            return Conv2d.conv2d(spatial, pointwise.getArray(), null, one, new Shape(0, 0), one, 1).singletonOrThrow();
        }
    }

    private NDArray depthwise(NDArray input, NDArray weight) {
        Shape one = new Shape(1, 1);
        return Conv2d.conv2d(input, weight, null, one, one, one, in).singletonOrThrow();
    }

    /**
     * The fused inference form: the depthwise convolution on channels-last maps, then the pointwise
     * convolution (BatchNorm folded in) as one matrix product over every pixel of the batch,
     * [N*H*W, in] x [in, out] + bias, whose result is already the channels-last output map.
     */
    private NDArray fusedApply(NDArray input, NDArray depthwiseCl, NDArray pointwiseMatrix, NDArray bias) {
        try (NDArray spatial = depthwise(input, depthwiseCl)) {
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
        return new Shape[] {new Shape(s.get(0), out, s.get(2), s.get(3))};
    }

    Foldable foldable() {
        return new Foldable(this);
    }

    /** This convolution seen as a {@link ChannelConvolution}: the pointwise kernel takes the fold. */
    record Foldable(SeparableConv2dLayer layer) implements ChannelConvolution {
        @Override
        public NDArray convolve(NDArray input) {
            return layer.apply(input);
        }

        @Override
        public FusedConvolution fuse(float[] scale, float[] shift, NDManager manager) {
            NDArray depthwiseCl = ChannelsLast.of(layer.depthwise.getArray());
            NDArray matrix;
            try (NDArray scaled = ChannelsLast.scaleRows(layer.pointwise.getArray(), scale, manager)) {
                matrix = scaled.reshape(layer.out, layer.in);
            }
            NDArray bias = manager.create(shift);
            return FusedConvolution.of(input -> layer.fusedApply(input, depthwiseCl, matrix, bias),
                    depthwiseCl, matrix, bias);
        }
    }
}
