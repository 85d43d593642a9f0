package io.xceptionspark.model;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtSymbolBlock;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.function.Consumer;

/**
 * What the two shipped bfloat16 programs ({@link Bfloat16Xception}, {@link Bfloat16AlignedXception}) share:
 * loading a code-only TorchScript resource through DJL, the pooling code their {@code load} methods take, and
 * handing DJL tensors to them.
 */
final class Bfloat16Programs {
    private Bfloat16Programs() {}

    /**
     * A new model running the jar's TorchScript resource {@code program}, filled once by {@code fill} (which
     * calls the program's {@code load}); the model is closed if either step fails.
     */
    static Model load(String name, String program, Consumer<PtSymbolBlock> fill) {
        Model model = Model.newInstance(name, XceptionModels.ENGINE);
        try {
            try (InputStream in = Bfloat16Programs.class.getResourceAsStream(program)) {
                if (in == null) {
                    throw new IllegalStateException(program + " is missing from the jar: rebuild it");
                }
                model.load(in);
            }
            fill.accept((PtSymbolBlock) model.getBlock());
            return model;
        } catch (IOException e) {
            model.close();
            throw new UncheckedIOException("cannot read the bfloat16 program " + program, e);
        } catch (MalformedModelException | RuntimeException e) {
            model.close();
            throw new IllegalStateException("cannot load the bfloat16 program " + program + ": " + e.getMessage(), e);
        }
    }

    /** The programs' pooling codes: 0 none, 1 avg, 2 max. */
    static int poolingCode(XceptionOptions options) {
        return switch (options.effectivePooling()) {
            case NONE -> 0;
            case AVG -> 1;
            case MAX -> 2;
        };
    }

    static PtNDArray[] pt(List<NDArray> arrays) {
        return arrays.stream().map(PtNDArray.class::cast).toArray(PtNDArray[]::new);
    }
}
