package io.xceptionspark.image;

import java.util.Locale;

/**
 * Resampling filter, with PIL's semantics (see {@link PilResampler}): the bicubic and bilinear
 * kernels widen by the scale factor when shrinking, so they antialias like PIL does.
 */
public enum Interpolation {
    BICUBIC,
    BILINEAR,
    NEAREST;

    /** Parses a config value such as {@code "bicubic"} (case-insensitive). */
    public static Interpolation parse(String value) {
        return ResizePolicy.EnumValues.parse(Interpolation.class, values(), value, "interpolation");
    }

    /** The config spelling of this value. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
