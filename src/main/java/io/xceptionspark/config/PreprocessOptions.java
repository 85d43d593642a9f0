package io.xceptionspark.config;

import io.xceptionspark.image.ImageDecoder;
import io.xceptionspark.image.Interpolation;
import io.xceptionspark.image.JpegDraft;
import io.xceptionspark.image.Normalization;
import io.xceptionspark.image.PreprocessConfig;
import io.xceptionspark.image.ResizePolicy;
import java.io.Serializable;
import java.time.Duration;

/**
 * How image files become network inputs (keys {@code preprocess.*}); the input size comes from the model.
 * Serializable so it travels to executors (the image package's {@link PreprocessConfig} is built there).
 */
public record PreprocessOptions(ResizePolicy resize, Interpolation interpolation, double cropPct, long maxFileBytes,
                                long maxPixels, Normalization normalization, Duration decodeTimeout,
                                JpegDraft jpegDraft)
        implements Serializable {
    private static final long serialVersionUID = 4L;

    public PreprocessOptions {
        java.util.Objects.requireNonNull(jpegDraft, "jpegDraft");
    }

    /** Without JPEG draft decoding. */
    public PreprocessOptions(ResizePolicy resize, Interpolation interpolation, double cropPct, long maxFileBytes,
                             long maxPixels, Normalization normalization, Duration decodeTimeout) {
        this(resize, interpolation, cropPct, maxFileBytes, maxPixels, normalization, decodeTimeout, JpegDraft.OFF);
    }

    /** With Keras' normalisation (x / 127.5 - 1) and the default decode timeout. */
    public PreprocessOptions(ResizePolicy resize, Interpolation interpolation, double cropPct, long maxFileBytes,
                             long maxPixels) {
        this(resize, interpolation, cropPct, maxFileBytes, maxPixels, Normalization.INCEPTION);
    }

    /** With the default decode timeout. */
    public PreprocessOptions(ResizePolicy resize, Interpolation interpolation, double cropPct, long maxFileBytes,
                             long maxPixels, Normalization normalization) {
        this(resize, interpolation, cropPct, maxFileBytes, maxPixels, normalization,
                PreprocessConfig.DEFAULT_DECODE_TIMEOUT);
    }

    /** With Keras' normalisation. */
    public PreprocessOptions(ResizePolicy resize, Interpolation interpolation, double cropPct, long maxFileBytes,
                             long maxPixels, Duration decodeTimeout) {
        this(resize, interpolation, cropPct, maxFileBytes, maxPixels, Normalization.INCEPTION, decodeTimeout);
    }

    /** The image package's configuration for a network input of {@code height x width}. */
    public PreprocessConfig toPreprocessConfig(int height, int width) {
        return new PreprocessConfig(height, width, resize, interpolation, cropPct, maxFileBytes, maxPixels,
                normalization, decodeTimeout, jpegDraft);
    }

    /**
     * e.g. {@code crop bicubic crop_pct=0.903 mean=0.5,0.5,0.5 std=0.5,0.5,0.5}, as run summaries record it;
     * with {@code jpeg-draft=auto} appended when drafting, and why it is not done where this JVM has no
     * DCT-scaling JPEG decoder.
     */
    public String describe() {
        String base = resize.name().toLowerCase(java.util.Locale.ROOT) + " " + interpolation.name().toLowerCase(java.util.Locale.ROOT)
                + " crop_pct=" + cropPct + " " + normalization;
        if (jpegDraft == JpegDraft.OFF) {
            return base;
        }
        return base + " jpeg-draft=" + jpegDraft.configName()
                + ImageDecoder.jpegDraftNote(jpegDraft).map(note -> " (" + note + ")").orElse("");
    }
}
