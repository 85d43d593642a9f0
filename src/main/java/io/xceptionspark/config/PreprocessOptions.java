package io.xceptionspark.config;

import io.xceptionspark.image.Interpolation;
import io.xceptionspark.image.PreprocessConfig;
import io.xceptionspark.image.ResizePolicy;
import java.io.Serializable;
import java.time.Duration;

/**
 * How image files become network inputs (keys {@code preprocess.*}); the input size comes from the model.
 * Serializable so it travels to executors (the image package's {@link PreprocessConfig} is built there).
 */
public record PreprocessOptions(ResizePolicy resize, Interpolation interpolation, double cropPct, long maxFileBytes,
                                long maxPixels, Duration decodeTimeout) implements Serializable {
    private static final long serialVersionUID = 1L;

    /** With the default decode timeout. */
    public PreprocessOptions(ResizePolicy resize, Interpolation interpolation, double cropPct, long maxFileBytes,
                             long maxPixels) {
        this(resize, interpolation, cropPct, maxFileBytes, maxPixels, PreprocessConfig.DEFAULT_DECODE_TIMEOUT);
    }

    /** The image package's configuration for a network input of {@code height x width}. */
    public PreprocessConfig toPreprocessConfig(int height, int width) {
        return new PreprocessConfig(height, width, resize, interpolation, cropPct, maxFileBytes, maxPixels,
                decodeTimeout);
    }
}
