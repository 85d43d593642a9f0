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
import java.util.function.BiConsumer;

/**
 * {@code keras.applications.Xception} as a DJL block, with Keras semantics: BatchNorm epsilon 1e-3,
 * 'valid' padding in block 1, TF 'same' padding elsewhere (asymmetric for max-pooling on even sides).
 *
 * <p>The forward pass reads like the paper's figure: entry flow (blocks 1-4, strided 1x1 shortcut
 * convolutions), middle flow (blocks 5-12, identity shortcuts), exit flow (blocks 13-14), then the head.
 * Layers are created in the order of Keras' {@code model.layers}, which is the order weight files use.
 *
 * <p>Output ({@link NetworkOutput}): index 0 the embedding (global average or max pooling of
 * block14_sepconv2_act, [N, 2048]) or, with include_top false and pooling none, the feature map itself;
 * with include_top, index 1 the classifier logits and index 2 its predictions (softmax or logits).
 */
public final class XceptionNetwork extends AbstractBlock implements XceptionFamily {
    private static final int MIDDLE_CHANNELS = 728;

    private final XceptionOptions options;
    private final List<KerasWeightedLayer> kerasLayers = new ArrayList<>();

    private final ConvBatchNorm block1Conv1;
    private final ConvBatchNorm block1Conv2;
    private final List<ResidualBlock> entryAndExit = new ArrayList<>();
    private final List<ConvBatchNorm[]> middle = new ArrayList<>();
    private final ConvBatchNorm block14Sep1;
    private final ConvBatchNorm block14Sep2;
    private final DenseLayer predictions;
    private final List<ConvBatchNorm> units = new ArrayList<>();

    /** A block with a strided 1x1 shortcut: two separable convs, a 'same' max-pool, and the add. */
    private record ResidualBlock(String name, boolean reluFirst, ConvBatchNorm sep1, ConvBatchNorm sep2,
                                 ConvBatchNorm shortcut) {}

    public XceptionNetwork(XceptionOptions options) {
        this.options = options;
        block1Conv1 = conv("block1_conv1", "block1_conv1_bn", 3, 32, 3, 2);
        block1Conv2 = conv("block1_conv2", "block1_conv2_bn", 32, 64, 3, 1);
        int[][] entry = {{2, 64, 128}, {3, 128, 256}, {4, 256, MIDDLE_CHANNELS}};
        for (int[] e : entry) {
            entryAndExit.add(residual(e[0], e[0] - 1, e[1], e[2], e[2]));
        }
        for (int block = 5; block <= 12; block++) {
            ConvBatchNorm[] seps = new ConvBatchNorm[3];
            for (int j = 0; j < 3; j++) {
                seps[j] = separable("block" + block + "_sepconv" + (j + 1), MIDDLE_CHANNELS, MIDDLE_CHANNELS);
            }
            middle.add(seps);
        }
        entryAndExit.add(residual(13, 4, MIDDLE_CHANNELS, MIDDLE_CHANNELS, 1024));
        block14Sep1 = separable("block14_sepconv1", 1024, 1536);
        block14Sep2 = separable("block14_sepconv2", 1536, XceptionOptions.EMBEDDING_SIZE);
        predictions = options.includeTop()
                ? register(new DenseLayer("predictions", XceptionOptions.EMBEDDING_SIZE, options.classes()))
                : null;
    }

    @Override
    public XceptionOptions options() {
        return options;
    }

    /** The layers that own weights, in Keras order (the order of a Keras weights file). */
    List<KerasWeightedLayer> kerasLayers() {
        return Collections.unmodifiableList(kerasLayers);
    }

    /** Fills every weight with Keras' default initialisers from one seed: same seed, same network. */
    void initialiseRandom(long seed, NDManager manager) {
        SplittableRandom root = new SplittableRandom(seed);
        for (KerasWeightedLayer layer : kerasLayers) {
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
    NetworkProgram program() {
        // In bfloat16 the whole network computes in bfloat16: within the bounds on weights like trained ones
        // (docs/MODEL.md); keeping block 1 in float32 would cost 7% of the speed for no bound.
        NetworkProgram program = new NetworkProgram().bfloat16From();
        block1Conv1.emit(program).relu();
        block1Conv2.emit(program).relu();
        for (int i = 0; i < 3; i++) {
            residualBlock(entryAndExit.get(i), program);
        }
        for (ConvBatchNorm[] seps : middle) {
            program.save();
            for (ConvBatchNorm sep : seps) {
                sep.emit(program.relu());
            }
            program.add();
        }
        residualBlock(entryAndExit.get(3), program);
        block14Sep1.emit(program).relu();
        block14Sep2.emit(program).relu();
        return program;
    }

    /** A strided block's ops: the shortcut on the saved input first, then the separables, the pooling, the sum. */
    private static void residualBlock(ResidualBlock block, NetworkProgram program) {
        block.shortcut().emit(program.save()).swap();
        if (block.reluFirst()) {
            program.relu();
        }
        block.sep1().emit(program).relu();
        block.sep2().emit(program).sameMaxPool().add();
    }

    /** The classifier's (weight [classes, 2048], bias), or an empty list without the top. */
    List<NDArray> classifierWeights() {
        return predictions == null ? List.of() : predictions.weights();
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        return forward(inputs.singletonOrThrow(), (stage, array) -> { });
    }

    /**
     * The forward pass; {@code stages} sees each named stage's output as Keras names it (for tests and
     * diagnostics), e.g. block1_conv1 (after its BatchNorm), block2_pool, ..., block14_sepconv2_act.
     */
    public NDList forward(NDArray input, BiConsumer<String, NDArray> stages) {
        return forwardHead(forwardFeatures(input, stages));
    }

    @Override
    public NDArray forwardFeatures(NDArray input) {
        return forwardFeatures(input, (stage, array) -> { });
    }

    @Override
    public NDList forwardHead(NDArray features) {
        return GlobalPoolHead.apply(features, options, predictions);
    }

    /** Entry flow (blocks 1-4), middle flow (5-12), exit flow (13-14): block14_sepconv2_act. */
    private NDArray forwardFeatures(NDArray input, BiConsumer<String, NDArray> stages) {
        NDArray x;
        if (block1Conv1.isFolded()) {
            // The folded weights are laid out channels-last; the activations follow from the input.
            try (NDArray channelsLast = ChannelsLast.of(input)) {
                x = block1Conv1.apply(channelsLast);
            }
        } else {
            x = block1Conv1.apply(input);
        }
        stages.accept("block1_conv1", x);
        x = reluReplacing(x);
        NDArray next = block1Conv2.apply(x);
        x.close();
        x = next;
        stages.accept("block1_conv2", x);
        x = reluReplacing(x);

        for (int i = 0; i < 3; i++) {
            x = residualBlock(entryAndExit.get(i), x, stages);
        }
        for (int i = 0; i < middle.size(); i++) {
            ConvBatchNorm[] seps = middle.get(i);
            NDArray y = x;
            for (ConvBatchNorm sep : seps) {
                NDArray activated = Activation.relu(y);
                if (y != x) {
                    y.close();
                }
                y = sep.apply(activated);
                activated.close();
            }
            x = x.addi(y);
            y.close();
            stages.accept("add_" + (i + 4), x);
        }
        x = residualBlock(entryAndExit.get(3), x, stages);

        next = block14Sep1.apply(x);
        x.close();
        x = reluReplacing(next);
        stages.accept("block14_sepconv1_act", x);
        next = block14Sep2.apply(x);
        x.close();
        x = reluReplacing(next);
        stages.accept("block14_sepconv2_act", x);
        return x;
    }

    private NDArray residualBlock(ResidualBlock block, NDArray x, BiConsumer<String, NDArray> stages) {
        NDArray shortcut = block.shortcut().apply(x);
        NDArray y = block.reluFirst() ? Activation.relu(x) : x;
        NDArray sep1 = block.sep1().apply(y);
        if (y != x) {
            y.close();
        }
        x.close();
        sep1 = reluReplacing(sep1);
        NDArray sep2 = block.sep2().apply(sep1);
        sep1.close();
        NDArray pooled = SameMaxPool.apply(sep2);
        sep2.close();
        stages.accept(block.name() + "_pool", pooled);
        pooled.addi(shortcut);
        shortcut.close();
        return pooled;
    }

    /** ReLU of an intermediate nobody else holds: returns the activation and frees the input at once. */
    static NDArray reluReplacing(NDArray x) {
        NDArray activated = Activation.relu(x);
        x.close();
        return activated;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape in = inputShapes[0];
        long n = in.get(0);
        int h = InputShape.valid3x3(InputShape.valid3x3((int) in.get(2), 2), 1);
        int w = InputShape.valid3x3(InputShape.valid3x3((int) in.get(3), 2), 1);
        for (int i = 0; i < 4; i++) {
            h = InputShape.halfSame(h);
            w = InputShape.halfSame(w);
        }
        return GlobalPoolHead.outputShapes(n, h, w, options);
    }

    private ResidualBlock residual(int block, int shortcutIndex, int in, int mid, int out) {
        String p = "block" + block;
        ConvBatchNorm sep1 = separable(p + "_sepconv1", in, mid);
        ConvBatchNorm sep2 = separable(p + "_sepconv2", mid, out);
        ConvBatchNorm shortcut = conv("conv2d_" + shortcutIndex, "batch_normalization_" + shortcutIndex,
                in, out, 1, 2);
        return new ResidualBlock(p, block != 2, sep1, sep2, shortcut);
    }

    private ConvBatchNorm conv(String name, String bnName, int in, int out, int kernel, int stride) {
        Conv2dLayer conv = register(new Conv2dLayer(name, in, out, kernel, stride, 0));
        return unit(conv.foldable(), register(new BatchNormLayer(bnName, out)));
    }

    private ConvBatchNorm separable(String name, int in, int out) {
        SeparableConv2dLayer sep = register(new SeparableConv2dLayer(name, in, out));
        return unit(sep.foldable(), register(new BatchNormLayer(name + "_bn", out)));
    }

    private ConvBatchNorm unit(ChannelConvolution conv, BatchNormLayer bn) {
        ConvBatchNorm unit = new ConvBatchNorm(conv, bn);
        units.add(unit);
        return unit;
    }

    private <L extends KerasWeightedLayer> L register(L layer) {
        kerasLayers.add(addChildBlock(layer.kerasName(), layer));
        return layer;
    }
}
