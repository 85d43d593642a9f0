package io.xceptionspark.image;

import java.util.Locale;

/**
 * {@code preprocess.jpeg-draft}: whether a large JPEG may be decoded at a reduced size in the DCT
 * domain, as PIL's {@code Image.draft} does, before the usual resize.
 */
public enum JpegDraft {
    /** Decode every JPEG at full size: the exact path, equal to PIL without draft. */
    OFF,
    /**
     * Decode at the smallest of 1/2, 1/4, 1/8 whose sides are both still at least the resize target
     * (PIL's rule), then resize as usual. Needs TurboJPEG; without it, the exact path.
     */
    AUTO;

    /** Parses a config value such as {@code "auto"} (case-insensitive). */
    public static JpegDraft parse(String value) {
        return ResizePolicy.EnumValues.parse(JpegDraft.class, values(), value, "jpeg-draft");
    }

    /** The config spelling of this value. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
