package io.xceptionspark.config;

import java.util.Locale;

/** What a run computes from its one forward pass per image. */
public enum ScoringMode {
    /** Top-k ImageNet classes (needs the classifier). */
    LABELS,
    /** The 2048-d pooled embedding. */
    EMBEDDINGS,
    /** Both, from the same forward pass. */
    BOTH;

    public static ScoringMode parse(String value) {
        String v = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "labels" -> LABELS;
            case "embeddings" -> EMBEDDINGS;
            case "both" -> BOTH;
            default -> throw new IllegalArgumentException("must be labels, embeddings or both (got '" + value + "')");
        };
    }

    public boolean labels() {
        return this != EMBEDDINGS;
    }

    public boolean embeddings() {
        return this != LABELS;
    }

    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
