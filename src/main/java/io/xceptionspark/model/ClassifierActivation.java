package io.xceptionspark.model;

import java.util.Locale;

/** Keras' {@code classifier_activation}: softmax probabilities, or raw logits ("none"/"linear"). */
public enum ClassifierActivation {
    SOFTMAX,
    NONE;

    public static ClassifierActivation parse(String value) {
        String v = value == null ? "none" : value.trim().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "softmax" -> SOFTMAX;
            case "none", "linear", "" -> NONE;
            default -> throw new IllegalArgumentException(
                    "classifier activation must be softmax or none (got '" + value + "')");
        };
    }
}
