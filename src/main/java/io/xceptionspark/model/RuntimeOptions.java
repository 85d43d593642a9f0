package io.xceptionspark.model;

import java.io.Serializable;

/**
 * How a built-in network runs (not what it is): the number format and whether BatchNorms are folded into the
 * convolutions. Threads and batch size, also runtime choices, are the scoring side's ({@code scoring.*}).
 *
 * @param precision float32 (Keras-exact) or bfloat16 (built-in networks only)
 * @param foldBatchNorm fold BatchNorms at load time and run the compiled program (float32: the same numbers up to
 *                      round-off, ~1e-5 in logits, and faster); bfloat16 always folds
 */
public record RuntimeOptions(Precision precision, boolean foldBatchNorm) implements Serializable {
    private static final long serialVersionUID = 1L;

    /** float32, folded: the defaults. */
    public static final RuntimeOptions DEFAULT = new RuntimeOptions(Precision.FLOAT32, true);

    public RuntimeOptions {
        precision = precision == null ? Precision.FLOAT32 : precision;
    }

    /** Whether the network runs folded: asked for, or implied by bfloat16 (which only the program computes). */
    public boolean folded() {
        return foldBatchNorm || precision == Precision.BFLOAT16;
    }
}
