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
import java.util.ArrayList;
import java.util.List;

/**
 * A folded network as an op table for the shipped network program, and the model that runs it.
 *
 * <p>The program {@code xception_program.pt} (TorchScript code only: no weights, no architecture; made by
 * scripts/make-program.sh from scripts/xception_program.py) runs any built-in network in float32 or bfloat16
 * on oneDNN tensors: activations stay in oneDNN's blocked layout from the first convolution to the last, and each
 * convolution weight is reordered once, at load, into the layout its kernel reads. The networks write their
 * forward pass as ops ({@link XceptionNetwork#program}, {@link AlignedXceptionNetwork#program}); {@link #compile}
 * hands the table and the folded weights to the program's {@code load}, which keeps its own copies.
 *
 * <p>The ops: CONV (a convolution with its weight, optional bias, stride, padding, depthwise or not), RELU, SAVE
 * (push the current map: a residual block's input), SWAP (exchange the current map and the top of the stack:
 * after a projection shortcut computed on the saved input), ADD (add the popped map), MAXPOOL (TF 'same' 3x3
 * stride-2 max-pooling). Codes and field layout are kept in step with scripts/xception_program.py.
 */
final class NetworkProgram {
    static final String RESOURCE = "xception_program.pt";
    private static final int FIELDS = 6;
    private static final int CONV = 0;
    private static final int RELU = 1;
    private static final int SAVE = 2;
    private static final int SWAP = 3;
    private static final int ADD = 4;
    private static final int MAXPOOL = 5;
    private static final int BFLOAT16 = 6;

    private final List<NDArray> weights = new ArrayList<>();
    private final List<Long> ops = new ArrayList<>();

    /** A convolution of the current map; {@code bias} may be null; a depthwise one has groups = channels. */
    NetworkProgram conv(NDArray weight, NDArray bias, int stride, int padding, boolean depthwise) {
        int w = add(weight);
        int b = bias == null ? -1 : add(bias);
        return op(CONV, w, b, stride, padding, depthwise ? 1 : 0);
    }

    NetworkProgram relu() {
        return op(RELU);
    }

    /** Keeps the current map (a residual block's input) on the stack. */
    NetworkProgram save() {
        return op(SAVE);
    }

    /** Exchanges the current map and the top of the stack. */
    NetworkProgram swap() {
        return op(SWAP);
    }

    /** Adds the map on top of the stack (and pops it). */
    NetworkProgram add() {
        return op(ADD);
    }

    /** TF 'same' 3x3 stride-2 max-pooling ({@link SameMaxPool}). */
    NetworkProgram sameMaxPool() {
        return op(MAXPOOL);
    }

    /** In bfloat16, the ops after this one compute in bfloat16, those before in float32 (no-op in float32). */
    NetworkProgram bfloat16From() {
        return op(BFLOAT16);
    }

    int opCount() {
        return ops.size() / FIELDS;
    }

    private int add(NDArray weight) {
        weights.add(weight);
        return weights.size() - 1;
    }

    private NetworkProgram op(int code, int... fields) {
        ops.add((long) code);
        for (int i = 0; i < FIELDS - 1; i++) {
            ops.add(i < fields.length ? (long) fields[i] : 0L);
        }
        return this;
    }

    /**
     * A new model running this program (whose weights are the network's folded ones) in {@code precision},
     * with the head {@code options} ask for and the network's {@code classifier} (weight [classes, 2048], bias;
     * or empty). The program holds its own copies: the caller may close the network's model.
     */
    Model compile(String name, XceptionOptions options, List<NDArray> classifier, Precision precision) {
        Model model = Model.newInstance(name, XceptionModels.ENGINE);
        try {
            try (InputStream in = NetworkProgram.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException(RESOURCE + " is missing from the jar: rebuild it");
                }
                model.load(in);
            }
            load((PtSymbolBlock) model.getBlock(), options, classifier, precision);
            return model;
        } catch (IOException e) {
            model.close();
            throw new UncheckedIOException("cannot read the network program " + RESOURCE, e);
        } catch (MalformedModelException | RuntimeException e) {
            model.close();
            throw new IllegalStateException("cannot load the network program " + RESOURCE + ": " + e.getMessage(), e);
        }
    }

    private void load(PtSymbolBlock program, XceptionOptions options, List<NDArray> classifier, Precision precision) {
        int pooling = switch (options.effectivePooling()) {
            case NONE -> 0;
            case AVG -> 1;
            case MAX -> 2;
        };
        boolean softmax = options.classifierActivation() == ClassifierActivation.SOFTMAX;
        try (IValue weightList = IValue.listFrom(pt(weights));
             IValue opTable = IValue.listFrom(ops.stream().mapToLong(Long::longValue).toArray());
             IValue dense = IValue.listFrom(pt(classifier));
             IValue poolingCode = IValue.from(pooling);
             IValue softmaxFlag = IValue.from(softmax);
             IValue bfloat16 = IValue.from(precision == Precision.BFLOAT16);
             IValue loaded = IValueUtils.runMethod(program, "load", weightList, opTable, dense, poolingCode,
                     softmaxFlag, bfloat16)) {
            if (loaded.toLong() != opCount()) {
                throw new IllegalStateException("the program took " + loaded.toLong() + " ops, expected " + opCount());
            }
        }
    }

    private static PtNDArray[] pt(List<NDArray> arrays) {
        return arrays.stream().map(PtNDArray.class::cast).toArray(PtNDArray[]::new);
    }
}
