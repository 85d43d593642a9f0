package io.xceptionspark.model;

import java.util.Locale;

/** The number format the built-in network computes in ({@code model.precision}). */
public enum Precision {
    /** Keras-exact: every weight and activation in float32 (the default). */
    FLOAT32,
    /**
     * Weights and activations in bfloat16 inside libtorch (float32 in and out); about twice as fast on
     * CPUs that compute bfloat16 natively ({@link CpuBfloat16}), within ~1e-4 in embedding cosine.
     */
    BFLOAT16;

    public static final String VALUES = "float32, bfloat16";

    public static Precision parse(String value) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "float32", "fp32", "" -> FLOAT32;
            case "bfloat16", "bf16" -> BFLOAT16;
            default -> throw new IllegalArgumentException(
                    "precision must be one of " + VALUES + " (got '" + value + "')");
        };
    }

    /** The configuration spelling: float32 or bfloat16. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
