package io.xceptionspark.model;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

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
        Model model = Model.newInstance("xception-bf16", XceptionModels.ENGINE);
        try {
            try (InputStream program = Bfloat16Xception.class.getResourceAsStream(PROGRAM)) {
                if (program == null) {
                    throw new IllegalStateException(PROGRAM + " is missing from the jar: rebuild it");
                }
                model.load(program);
            }
            fill((PtSymbolBlock) model.getBlock(), network);
            return model;
        } catch (IOException e) {
            model.close();
            throw new UncheckedIOException("cannot read the bfloat16 program " + PROGRAM, e);
        } catch (MalformedModelException | RuntimeException e) {
            model.close();
            throw new IllegalStateException("cannot load the bfloat16 program " + PROGRAM + ": " + e.getMessage(), e);
        }
    }

    private static void fill(PtSymbolBlock program, XceptionNetwork network) {
        XceptionOptions options = network.options();
        int pooling = switch (options.effectivePooling()) {
            case NONE -> 0;
            case AVG -> 1;
            case MAX -> 2;
        };
        boolean softmax = options.classifierActivation() == ClassifierActivation.SOFTMAX;
        try (IValue folded = IValue.listFrom(pt(network.foldedWeights()));
             IValue dense = IValue.listFrom(pt(network.classifierWeights()));
             IValue poolingCode = IValue.from(pooling);
             IValue softmaxFlag = IValue.from(softmax);
             IValue loaded = IValueUtils.runMethod(program, "load", folded, dense, poolingCode, softmaxFlag)) {
            if (loaded.toLong() != FOLDED_TENSORS) {
                throw new IllegalStateException("the program took " + loaded.toLong() + " tensors, expected "
                        + FOLDED_TENSORS);
            }
        }
    }

    private static PtNDArray[] pt(List<NDArray> arrays) {
        return arrays.stream().map(PtNDArray.class::cast).toArray(PtNDArray[]::new);
    }
}
