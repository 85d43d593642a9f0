package io.xceptionspark.model;

import java.util.Locale;

/** Keras' {@code pooling} option: what happens to the last feature map when include_top is false. */
public enum Pooling {
    /** Return the 4-D feature map itself ([N, 2048, h, w]). */
    NONE,
    /** Global average pooling to [N, 2048] (also what the classifier head uses). */
    AVG,
    /** Global max pooling to [N, 2048]. */
    MAX;

    /** The configuration spelling: none, avg or max. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Pooling parse(String value) {
        String v = value == null ? "none" : value.trim().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "none", "" -> NONE;
            case "avg" -> AVG;
            case "max" -> MAX;
            default -> throw new IllegalArgumentException(
                    "pooling must be one of none, avg, max (got '" + value + "')");
        };
    }
}
