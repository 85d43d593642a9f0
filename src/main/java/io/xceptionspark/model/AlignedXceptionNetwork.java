package io.xceptionspark.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

/**
 * timm's aligned Xception ({@link AlignedXception}: xception41, xception65, xception71) as a DJL block, with
 * timm's semantics: BatchNorm epsilon 1e-3, PyTorch symmetric padding ({@code ((s - 1) + (k - 1)) / 2}, so
 * pad 1 for every 3x3 and 0 for the 1x1 shortcuts, never TF 'same'), no max-pooling (strided depthwise
 * convolutions instead), and the skip adding each block's input before its first ReLU.
 *
 * <p>{@link #forwardFeatures} runs the stem and the entry, middle and exit flows; {@link #forwardHead} pools
 * the 2048-channel map (the embedding is timm's pre-logits) and applies {@code head.fc}. Every tensor is
 * listed under its timm state_dict key by {@link #torchWeights()}, the order of {@code model.state_dict()}.
 * Once the weights are in, BatchNorms fold into the convolutions as in {@link XceptionNetwork}.
 */
public final class AlignedXceptionNetwork extends AbstractBlock implements XceptionFamily {
    private final AlignedXception variant;
    private final XceptionOptions options;
    private final List<KerasWeightedLayer> layers = new ArrayList<>();
    private final List<TorchWeight> torchWeights = new ArrayList<>();
    private final List<ConvBatchNorm> units = new ArrayList<>();

    private final ConvBatchNorm stemConv1;
    private final ConvBatchNorm stemConv2;
    private final List<Module> entryFlow = new ArrayList<>();
    private final List<Module> middleFlow = new ArrayList<>();
    private final List<Module> exitFlow = new ArrayList<>();
    private final DenseLayer fc;
    private int blockIndex;

    public AlignedXceptionNetwork(AlignedXception variant, XceptionOptions options) {
        this.variant = variant;
        this.options = options;
        stemConv1 = conv("stem.0", 3, 32, 3, 2, 1);
        stemConv2 = conv("stem.1", 32, 64, 3, 1, 1);
        for (AlignedXception.Block b : variant.entryFlow()) {
            entryFlow.add(module(b));
        }
        for (AlignedXception.Block b : variant.middleFlow()) {
            middleFlow.add(module(b));
        }
        for (AlignedXception.Block b : variant.exitFlow()) {
            exitFlow.add(module(b));
        }
        if (options.includeTop()) {
            fc = register(new DenseLayer("head.fc", XceptionOptions.EMBEDDING_SIZE, options.classes()));
            bind("head.fc.weight", fc, "kernel", new Shape(options.classes(), XceptionOptions.EMBEDDING_SIZE));
            bind("head.fc.bias", fc, "bias", new Shape(options.classes()));
        } else {
            fc = null;
        }
    }

    public AlignedXception variant() {
        return variant;
    }

    @Override
    public XceptionOptions options() {
        return options;
    }

    /** Every tensor under its timm key, in state_dict order (without num_batches_tracked). */
    public List<TorchWeight> torchWeights() {
        return Collections.unmodifiableList(torchWeights);
    }

    /** The number of learned parameters (timm's published count, e.g. 39,916,312 for xception65). */
    public long parameterCount() {
        return torchWeights.stream().filter(TorchWeight::learned).mapToLong(w -> w.shape().size()).sum();
    }

    /** Glorot-uniform kernels and identity BatchNorms from one seed (for benchmarks; labels mean nothing). */
    void initialiseRandom(long seed, NDManager manager) {
        SplittableRandom root = new SplittableRandom(seed);
        for (KerasWeightedLayer layer : layers) {
            layer.initialiseRandom(root.split(), manager);
        }
    }

    /** Folds every BatchNorm into its convolution (after the weights are final). */
    void foldBatchNorms(NDManager manager) {
        for (ConvBatchNorm unit : units) {
            unit.fold(manager);
        }
    }

    /**
     * The folded network's forward pass (features only; the head is the program's) as the network program's
     * ops, in the order {@link #forwardFeatures} runs them. The weights stay owned by this network; needs
     * {@link #foldBatchNorms}.
     */
    /** How many blocks after the stem compute in float32 in a bfloat16 program. */
    static final int FLOAT32_BLOCKS = 5;

    NetworkProgram program() {
        NetworkProgram program = new NetworkProgram();
        stemConv1.emit(program).relu();
        stemConv2.emit(program).relu();
        // In bfloat16 the stem and the first FLOAT32_BLOCKS blocks compute in float32, the rest in bfloat16: with
        // fewer, the deep variants leave the bounds on the hash fixtures (docs/MODEL.md: with the stem only,
        // xception71's average-pooled cosine is 0.99889 and xception65's 0.99949; with 3 blocks xception41 and
        // xception71 flip a top-1 whose float32 gap is 2.01-2.02% of the logits' range).
        int block = 0;
        for (List<Module> flow : List.of(entryFlow, middleFlow, exitFlow)) {
            for (Module module : flow) {
                if (block++ == FLOAT32_BLOCKS) {
                    program.bfloat16From();
                }
                module.emit(program);
            }
        }
        return program;
    }

    /** The classifier's (weight [classes, 2048], bias), or an empty list without the top. */
    List<NDArray> classifierWeights() {
        return fc == null ? List.of() : fc.weights();
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        return forwardHead(forwardFeatures(inputs.singletonOrThrow()));
    }

    /** Stem, entry flow, middle flow, exit flow: the 2048-channel map after exit2's last ReLU. */
    @Override
    public NDArray forwardFeatures(NDArray input) {
        NDArray x;
        if (stemConv1.isFolded()) {
            // The folded weights are laid out channels-last; the activations follow from the input.
            try (NDArray channelsLast = ChannelsLast.of(input)) {
                x = XceptionNetwork.reluReplacing(stemConv1.apply(channelsLast));
            }
        } else {
            x = XceptionNetwork.reluReplacing(stemConv1.apply(input));
        }
        x = convRelu(stemConv2, x);
        for (List<Module> flow : List.of(entryFlow, middleFlow, exitFlow)) {
            for (Module module : flow) {
                x = module.forward(x);
            }
        }
        return x;
    }

    /** Global average pooling (the pre-logits embedding), then head.fc; consumes {@code features}. */
    @Override
    public NDList forwardHead(NDArray features) {
        return GlobalPoolHead.apply(features, options, fc);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape in = inputShapes[0];
        int h = symmetric3x3((int) in.get(2), 2);
        int w = symmetric3x3((int) in.get(3), 2);
        for (List<Module> flow : List.of(entryFlow, middleFlow, exitFlow)) {
            for (Module module : flow) {
                h = symmetric3x3(h, module.stride());
                w = symmetric3x3(w, module.stride());
            }
        }
        return GlobalPoolHead.outputShapes(in.get(0), h, w, options);
    }

    /** Output size of a 3x3 convolution with padding 1. */
    private static int symmetric3x3(int n, int stride) {
        return (n - 1) / stride + 1;
    }

    /** A conv + BatchNorm unit's output after ReLU; consumes {@code x}. */
    private static NDArray convRelu(ConvBatchNorm unit, NDArray x) {
        NDArray y = unit.apply(x);
        x.close();
        return XceptionNetwork.reluReplacing(y);
    }

    /** One timm XceptionModule; {@link #forward} consumes its input. */
    private interface Module {
        NDArray forward(NDArray x);

        /** Writes this block's ops (folded) into the network program. */
        void emit(NetworkProgram program);

        int stride();
    }

    /**
     * Entry, middle and exit1 blocks: {@code y = S3(relu(S2(relu(S1(relu(x))))))}, each S a separable
     * convolution with BatchNorms after both halves and nothing in between, then {@code y + skip(x)}.
     */
    private record ResidualModule(ConvBatchNorm[] separables, ConvBatchNorm shortcut, int stride) implements Module {
        @Override
        public NDArray forward(NDArray x) {
            NDArray y = x;
            for (ConvBatchNorm separable : separables) {
                NDArray activated = Activation.relu(y);
                if (y != x) {
                    y.close();
                }
                y = separable.apply(activated);
                activated.close();
            }
            if (shortcut == null) {
                y.addi(x);
            } else {
                try (NDArray projected = shortcut.apply(x)) {
                    y.addi(projected);
                }
            }
            x.close();
            return y;
        }

        @Override
        public void emit(NetworkProgram program) {
            program.save();
            if (shortcut != null) {
                shortcut.emit(program).swap();
            }
            for (ConvBatchNorm separable : separables) {
                separable.emit(program.relu());
            }
            program.add();
        }
    }

    /**
     * exit2: the depthwise and pointwise halves each followed by BatchNorm and ReLU, starting on the signed
     * exit1 sum, no skip. Units alternate depthwise, pointwise.
     */
    private record ReluInsideModule(List<ConvBatchNorm> units) implements Module {
        @Override
        public NDArray forward(NDArray x) {
            for (ConvBatchNorm unit : units) {
                x = convRelu(unit, x);
            }
            return x;
        }

        @Override
        public void emit(NetworkProgram program) {
            units.forEach(unit -> unit.emit(program).relu());
        }

        @Override
        public int stride() {
            return 1;
        }
    }

    private Module module(AlignedXception.Block b) {
        String p = "blocks." + blockIndex++;
        ConvBatchNorm shortcut = b.projects() ? conv(p + ".shortcut", b.in(), b.outChannels(), 1, b.stride(), 0) : null;
        int in = b.in();
        ConvBatchNorm[] separables = new ConvBatchNorm[3];
        List<ConvBatchNorm> units = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String s = p + ".stack.conv" + (i + 1);
            int stride = i == 2 ? b.stride() : 1;
            int out = b.out()[i];
            if (b.startWithRelu()) {
                separables[i] = separable(s, in, out, stride);
            } else {
                units.add(conv(s, "conv_dw", "bn_dw", in, in, 3, stride, 1, in));
                units.add(conv(s, "conv_pw", "bn_pw", in, out, 1, 1, 0, 1));
            }
            in = out;
        }
        return b.startWithRelu() ? new ResidualModule(separables, shortcut, b.stride()) : new ReluInsideModule(units);
    }

    /** timm ConvNormAct ({@code prefix.conv}, {@code prefix.bn}). */
    private ConvBatchNorm conv(String prefix, int in, int out, int kernel, int stride, int padding) {
        return conv(prefix, "conv", "bn", in, out, kernel, stride, padding, 1);
    }

    private ConvBatchNorm conv(String prefix, String convName, String bnName, int in, int out, int kernel,
                               int stride, int padding, int groups) {
        Conv2dLayer conv = register(new Conv2dLayer(prefix + "." + convName, in, out, kernel, stride, padding, groups));
        bind(prefix + "." + convName + ".weight", conv, "weight", new Shape(out, in / groups, kernel, kernel));
        BatchNormLayer bn = batchNorm(prefix + "." + bnName, out);
        return unit(new ConvBatchNorm(conv.foldable(), bn));
    }

    /** timm SeparableConv2d: conv_dw, bn_dw, conv_pw, bn_pw, with no activation inside. */
    private ConvBatchNorm separable(String prefix, int in, int out, int stride) {
        SeparableConv2dLayer sep = register(new SeparableConv2dLayer(prefix, in, out, stride));
        bind(prefix + ".conv_dw.weight", sep, "depthwise_kernel", new Shape(in, 1, 3, 3));
        BatchNormLayer bnDw = batchNorm(prefix + ".bn_dw", in);
        bind(prefix + ".conv_pw.weight", sep, "pointwise_kernel", new Shape(out, in, 1, 1));
        BatchNormLayer bnPw = batchNorm(prefix + ".bn_pw", out);
        return unit(new ConvBatchNorm(sep.foldable(bnDw), bnPw));
    }

    private BatchNormLayer batchNorm(String prefix, int channels) {
        BatchNormLayer bn = register(new BatchNormLayer(prefix, channels));
        Shape shape = new Shape(channels);
        bind(prefix + ".weight", bn, "gamma", shape);
        bind(prefix + ".bias", bn, "beta", shape);
        bind(prefix + ".running_mean", bn, "moving_mean", shape);
        bind(prefix + ".running_var", bn, "moving_variance", shape);
        return bn;
    }

    private void bind(String key, KerasWeightedLayer layer, String parameter, Shape shape) {
        torchWeights.add(new TorchWeight(key, layer.getParameters().get(parameter), shape));
    }

    private ConvBatchNorm unit(ConvBatchNorm unit) {
        units.add(unit);
        return unit;
    }

    private <L extends KerasWeightedLayer> L register(L layer) {
        layers.add(addChildBlock(layer.kerasName(), layer));
        return layer;
    }
}
