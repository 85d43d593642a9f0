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
import java.util.Map;

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
 * stride-2 max-pooling), BFLOAT16 (where bfloat16 starts). This class names ops and their arguments only: the
 * op codes, the ints per op and each argument's field are defined once, in the program (scripts/xception_program.py),
 * and read from its {@code layout()} when it loads ({@link OpLayout}); the pooling goes by its name too. The
 * program checks each weight reference against the channels flowing through the table, so an index out of step
 * fails at load.
 */
final class NetworkProgram {
    static final String RESOURCE = "xception_program.pt";

    /** One op as this side writes it: the program's name for it and its arguments by the program's names. */
    record Op(String name, Map<String, Integer> arguments) {
    }

    private final List<NDArray> weights = new ArrayList<>();
    private final List<Op> ops = new ArrayList<>();

    /** A convolution of the current map; {@code bias} may be null; a depthwise one has groups = channels. */
    NetworkProgram conv(NDArray weight, NDArray bias, int stride, int padding, boolean depthwise) {
        int w = add(weight);
        int b = bias == null ? -1 : add(bias);
        return op("CONV", Map.of("weight", w, "bias", b, "stride", stride, "padding", padding,
                "depthwise", depthwise ? 1 : 0));
    }

    NetworkProgram relu() {
        return op("RELU", Map.of());
    }

    /** Keeps the current map (a residual block's input) on the stack. */
    NetworkProgram save() {
        return op("SAVE", Map.of());
    }

    /** Exchanges the current map and the top of the stack. */
    NetworkProgram swap() {
        return op("SWAP", Map.of());
    }

    /** Adds the map on top of the stack (and pops it). */
    NetworkProgram add() {
        return op("ADD", Map.of());
    }

    /** TF 'same' 3x3 stride-2 max-pooling ({@link SameMaxPool}). */
    NetworkProgram sameMaxPool() {
        return op("MAXPOOL", Map.of());
    }

    /** In bfloat16, the ops after this one compute in bfloat16, those before in float32 (no-op in float32). */
    NetworkProgram bfloat16From() {
        return op("BFLOAT16", Map.of());
    }

    int opCount() {
        return ops.size();
    }

    private int add(NDArray weight) {
        weights.add(weight);
        return weights.size() - 1;
    }

    private NetworkProgram op(String name, Map<String, Integer> arguments) {
        ops.add(new Op(name, arguments));
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
        boolean softmax = options.classifierActivation() == ClassifierActivation.SOFTMAX;
        long[] table = OpLayout.of(program).encode(ops);
        try (IValue weightList = IValue.listFrom(pt(weights));
             IValue opTable = IValue.listFrom(table);
             IValue dense = IValue.listFrom(pt(classifier));
             IValue pooling = IValue.from(options.effectivePooling().configName());
             IValue softmaxFlag = IValue.from(softmax);
             IValue bfloat16 = IValue.from(precision == Precision.BFLOAT16);
             IValue loaded = IValueUtils.runMethod(program, "load", weightList, opTable, dense, pooling,
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
