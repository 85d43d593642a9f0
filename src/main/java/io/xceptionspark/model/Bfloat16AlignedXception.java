package io.xceptionspark.model;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;
import java.util.ArrayList;
import java.util.List;

/**
 * timm's aligned Xceptions (xception41/65/71) in bfloat16, run by libtorch as a TorchScript program: the
 * counterpart of {@link Bfloat16Xception} for {@link AlignedXceptionNetwork}, with the same precision design.
 *
 * <p>The shipped program {@code aligned_xception_bf16.pt} (code only, no weights, no variant; made by
 * scripts/make-bf16-program.sh from scripts/aligned_xception_bf16.py) mirrors
 * {@link AlignedXceptionNetwork#forwardFeatures} and {@link AlignedXceptionNetwork#forwardHead}. At load its
 * {@code load} method receives the network's float32 folded weights ({@link AlignedXceptionNetwork#foldedWeights()}:
 * one definition of the folding) and the variant's block structure ({@link #structure}), so one program runs
 * all three variants. Same precision design as Keras' program: the stem and the entry flow in float32, then
 * bfloat16 convolutions with float32 residual sums, pooling and classifier.
 */
final class Bfloat16AlignedXception {
    static final String PROGRAM = "aligned_xception_bf16.pt";
    private static final int FIELDS = 5;

    private Bfloat16AlignedXception() {}

    /**
     * A new model running {@code network} (weights in place, BatchNorms folded) in bfloat16. The program
     * holds its own copies: the caller may close the float32 network's model afterwards.
     */
    static Model compile(AlignedXceptionNetwork network) {
        return Bfloat16Programs.load(network.variant().id() + "-bf16", PROGRAM, program -> fill(program, network));
    }

    /**
     * The variant's blocks in forward order as the program reads them, 5 ints per block: stride, ReLU before
     * each separable convolution, skip, projection shortcut, and whether the block computes in float32. The
     * entry flow does (with the stem, which always does): rounding there is amplified by every later layer,
     * see scripts/aligned_xception_bf16.py and docs/MODEL.md.
     */
    static long[] structure(AlignedXception variant) {
        List<AlignedXception.Block> blocks = new ArrayList<>(variant.entryFlow());
        int entry = blocks.size();
        blocks.addAll(variant.middleFlow());
        blocks.addAll(variant.exitFlow());
        long[] codes = new long[FIELDS * blocks.size()];
        for (int i = 0; i < blocks.size(); i++) {
            AlignedXception.Block b = blocks.get(i);
            codes[FIELDS * i] = b.stride();
            codes[FIELDS * i + 1] = b.startWithRelu() ? 1 : 0;
            codes[FIELDS * i + 2] = b.skip() ? 1 : 0;
            codes[FIELDS * i + 3] = b.projects() ? 1 : 0;
            codes[FIELDS * i + 4] = i < entry ? 1 : 0;
        }
        return codes;
    }

    private static void fill(PtSymbolBlock program, AlignedXceptionNetwork network) {
        XceptionOptions options = network.options();
        int pooling = Bfloat16Programs.poolingCode(options);
        boolean softmax = options.classifierActivation() == ClassifierActivation.SOFTMAX;
        List<NDArray> weights = network.foldedWeights();
        try (IValue folded = IValue.listFrom(Bfloat16Programs.pt(weights));
             IValue dense = IValue.listFrom(Bfloat16Programs.pt(network.classifierWeights()));
             IValue blocks = IValue.listFrom(structure(network.variant()));
             IValue poolingCode = IValue.from(pooling);
             IValue softmaxFlag = IValue.from(softmax);
             IValue loaded = IValueUtils.runMethod(program, "load", folded, dense, blocks, poolingCode, softmaxFlag)) {
            if (loaded.toLong() != weights.size()) {
                throw new IllegalStateException("the program took " + loaded.toLong() + " tensors, expected "
                        + weights.size());
            }
        }
    }
}
