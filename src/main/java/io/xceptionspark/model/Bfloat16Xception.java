package io.xceptionspark.model;

import ai.djl.Model;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;

/**
 * The built-in network in bfloat16, run by libtorch as a TorchScript program.
 *
 * <p>DJL's JNI has no bfloat16 type (a bfloat16 NDArray aborts the JVM), so bfloat16 lives inside a
 * graph: the shipped program {@code xception_bf16.pt} (code only, no weights; made by
 * scripts/make-bf16-program.sh from scripts/xception_bf16.py) mirrors {@link XceptionNetwork#forward}
 * on folded weights. At load, its {@code load} method receives the float32 folded weights the float32
 * network computed ({@link XceptionNetwork#foldedWeights()}: one definition of the folding) and keeps
 * channels-last copies, bfloat16 for the pointwise and shortcut convolutions after block 3's first
 * separable one; its forward takes float32 [N, 3, H, W], casts inside, and returns float32 outputs in the
 * network's layout ({@link NetworkOutput}). The early layers, the depthwise convolutions and everything
 * between convolutions stay float32 (docs/MODEL.md: where the bfloat16 error comes from).
 */
final class Bfloat16Xception {
    static final String PROGRAM = "xception_bf16.pt";
    /** Tensors load() expects: 6 convolutions x (weight, bias), 34 separable x (depthwise, pointwise, bias). */
    static final int FOLDED_TENSORS = 114;

    private Bfloat16Xception() {}

    /**
     * A new model running {@code network} (weights in place, BatchNorms folded) in bfloat16. The program
     * holds its own copies: the caller may close the float32 network's model afterwards.
     */
    static Model compile(XceptionNetwork network) {
        return Bfloat16Programs.load("xception-bf16", PROGRAM, program -> fill(program, network));
    }

    private static void fill(PtSymbolBlock program, XceptionNetwork network) {
        XceptionOptions options = network.options();
        int pooling = Bfloat16Programs.poolingCode(options);
        boolean softmax = options.classifierActivation() == ClassifierActivation.SOFTMAX;
        try (IValue folded = IValue.listFrom(Bfloat16Programs.pt(network.foldedWeights()));
             IValue dense = IValue.listFrom(Bfloat16Programs.pt(network.classifierWeights()));
             IValue poolingCode = IValue.from(pooling);
             IValue softmaxFlag = IValue.from(softmax);
             IValue loaded = IValueUtils.runMethod(program, "load", folded, dense, poolingCode, softmaxFlag)) {
            if (loaded.toLong() != FOLDED_TENSORS) {
                throw new IllegalStateException("the program took " + loaded.toLong() + " tensors, expected "
                        + FOLDED_TENSORS);
            }
        }
    }
}
