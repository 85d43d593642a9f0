package io.xceptionspark.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A convolution without bias (as every Xception convolution): Keras Conv2D, kernel (kh, kw, in, out) in Keras
 * files; or, with groups = in = out, the depthwise convolution timm's exit block runs apart from its pointwise one.
 */
final class Conv2dLayer extends KerasWeightedLayer {
    private final int in;
    private final int out;
    private final int kernel;
    private final int stride;
    private final int padding;
    private final int groups;
    private final Parameter weight;

    /**
     * @param padding symmetric zero padding; Xception only needs 0 ('valid', and 'same' for its 1x1
     *     stride-2 shortcuts, where TF pads nothing)
     */
    Conv2dLayer(String kerasName, int in, int out, int kernel, int stride, int padding) {
        this(kerasName, in, out, kernel, stride, padding, 1);
    }

    /** @param groups input channel groups (in: depthwise); the weight is [out, in / groups, k, k] */
    Conv2dLayer(String kerasName, int in, int out, int kernel, int stride, int padding, int groups) {
        super(kerasName);
        this.groups = groups;
        this.in = in;
        this.out = out;
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
        this.weight = addParameter(parameter("weight", Parameter.Type.WEIGHT));
    }

    /** A depthwise convolution: one group per channel (timm's exit block runs it apart from its pointwise one). */
    boolean isDepthwise() {
        return groups > 1 && groups == in && in == out;
    }

    int outputSize(int n) {
        return (n + 2 * padding - kernel) / stride + 1;
    }

    private Shape weightShape() {
        return new Shape(out, in / groups, kernel, kernel);
    }

    NDArray weight() {
        return weight.getArray();
    }

    @Override
    List<int[]> kerasShapes() {
        return List.of(new int[] {kernel, kernel, in, out});
    }

    @Override
    void setFromKeras(List<float[]> kerasValues, NDManager manager) {
        float[] keras = kerasValues.get(0);
        float[] torch = new float[keras.length];
        // Keras (y, x, i, o) -> PyTorch (o, i, y, x)
        for (int y = 0; y < kernel; y++) {
            for (int x = 0; x < kernel; x++) {
                for (int i = 0; i < in; i++) {
                    int src = ((y * kernel + x) * in + i) * out;
                    for (int o = 0; o < out; o++) {
                        torch[((o * in + i) * kernel + y) * kernel + x] = keras[src + o];
                    }
                }
            }
        }
        assign(weight, torch, weightShape(), manager);
    }

    @Override
    void initialiseRandom(SplittableRandom random, NDManager manager) {
        int area = kernel * kernel;
        int fanIn = in / groups * area;
        assign(weight, glorotUniform(random, out * fanIn, fanIn, out * area / groups), weightShape(), manager);
    }

    /** The convolution with an explicit (possibly BatchNorm-folded) weight and optional bias. */
    NDArray convolve(NDArray input, NDArray kernelWeight, NDArray bias) {
        return Conv2d.conv2d(input, kernelWeight, bias, new Shape(stride, stride), new Shape(padding, padding),
                new Shape(1, 1), groups).singletonOrThrow();
    }

    @Override
    NDArray apply(NDArray input) {
        return convolve(input, weight(), null);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        return new Shape[] {new Shape(s.get(0), out, outputSize((int) s.get(2)), outputSize((int) s.get(3)))};
    }

    Foldable foldable() {
        return new Foldable(this);
    }

    /** This convolution seen as a {@link ChannelConvolution}. */
    record Foldable(Conv2dLayer layer) implements ChannelConvolution {
        @Override
        public NDArray convolve(NDArray input) {
            return layer.apply(input);
        }

        @Override
        public FusedConvolution fuse(float[] scale, float[] shift, NDManager manager) {
            NDArray weight;
            try (NDArray scaled = ChannelsLast.scaleRows(layer.weight(), scale, manager)) {
                weight = ChannelsLast.of(scaled);
            }
            NDArray bias = manager.create(shift);
            return FusedConvolution.of(input -> layer.convolve(input, weight, bias),
                    program -> program.conv(weight, bias, layer.stride, layer.padding, layer.isDepthwise()),
                    weight, bias);
        }
    }
}
