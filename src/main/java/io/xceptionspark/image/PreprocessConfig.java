package io.xceptionspark.image;

import java.time.Duration;
import java.util.Objects;

/**
 * Everything that decides how an image file becomes a network input.
 *
 * @param height        network input height (pixels), at least 1
 * @param width         network input width (pixels), at least 1
 * @param resize        resize policy
 * @param interpolation resampling filter
 * @param cropPct       for {@link ResizePolicy#CROP}: the crop covers this fraction of the scaled
 *                      image (timm's {@code crop_pct}); in (0, 1]
 * @param maxFileBytes  larger files fail with {@link ImageErrorCode#TOO_LARGE} before parsing
 * @param maxPixels     images whose header declares more pixels fail with
 *                      {@link ImageErrorCode#TOO_LARGE} before any pixel buffer is allocated
 * @param normalization per-channel mean and std applied to the resized 8-bit RGB
 * @param decodeTimeout images that take longer to decode fail with {@link ImageErrorCode#TIMEOUT};
 *                      zero means no limit
 * @param jpegDraft     whether large JPEGs are decoded at a reduced size first ({@link JpegDraft})
 */
public record PreprocessConfig(int height, int width, ResizePolicy resize, Interpolation interpolation,
                               double cropPct, long maxFileBytes, long maxPixels, Normalization normalization,
                               Duration decodeTimeout, JpegDraft jpegDraft) {

    /** PIL's {@code Image.MAX_IMAGE_PIXELS}: about a quarter gigabyte of 24-bit pixels. */
    public static final long DEFAULT_MAX_PIXELS = 89_478_485L;
    public static final long DEFAULT_MAX_FILE_BYTES = 100L * 1024 * 1024;
    /** timm's crop_pct for Xception (299 / 0.8975 = 333). */
    public static final double DEFAULT_CROP_PCT = 0.8975;
    /**
     * Ten seconds: the largest picture within the pixel limit decodes in a few seconds on one
     * core, so only a stuck or pathological decoder reaches it.
     */
    public static final Duration DEFAULT_DECODE_TIMEOUT = Duration.ofSeconds(10);

    public PreprocessConfig {
        Objects.requireNonNull(resize, "resize");
        Objects.requireNonNull(interpolation, "interpolation");
        Objects.requireNonNull(normalization, "normalization");
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("image size must be positive, got " + height + "x" + width);
        }
        if ((long) height * width > 64L * 1024 * 1024) {
            throw new IllegalArgumentException("image size " + height + "x" + width + " is unreasonably large");
        }
        if (!(cropPct > 0.0 && cropPct <= 1.0)) {
            throw new IllegalArgumentException("crop_pct must be in (0, 1], got " + cropPct);
        }
        if (maxFileBytes < 1) {
            throw new IllegalArgumentException("max file bytes must be positive, got " + maxFileBytes);
        }
        if (maxPixels < 1) {
            throw new IllegalArgumentException("max pixels must be positive, got " + maxPixels);
        }
        Objects.requireNonNull(decodeTimeout, "decodeTimeout");
        Objects.requireNonNull(jpegDraft, "jpegDraft");
        if (decodeTimeout.isNegative()) {
            throw new IllegalArgumentException("decode timeout must not be negative, got " + decodeTimeout);
        }
    }

    /** Without JPEG draft decoding (the exact path). */
    public PreprocessConfig(int height, int width, ResizePolicy resize, Interpolation interpolation,
                            double cropPct, long maxFileBytes, long maxPixels, Normalization normalization,
                            Duration decodeTimeout) {
        this(height, width, resize, interpolation, cropPct, maxFileBytes, maxPixels, normalization, decodeTimeout,
                JpegDraft.OFF);
    }

    /** With Keras' normalisation ({@link Normalization#INCEPTION}: x / 127.5 - 1) and the default decode timeout. */
    public PreprocessConfig(int height, int width, ResizePolicy resize, Interpolation interpolation,
                            double cropPct, long maxFileBytes, long maxPixels) {
        this(height, width, resize, interpolation, cropPct, maxFileBytes, maxPixels, Normalization.INCEPTION);
    }

    /** With the default decode timeout. */
    public PreprocessConfig(int height, int width, ResizePolicy resize, Interpolation interpolation,
                            double cropPct, long maxFileBytes, long maxPixels, Normalization normalization) {
        this(height, width, resize, interpolation, cropPct, maxFileBytes, maxPixels, normalization,
                DEFAULT_DECODE_TIMEOUT);
    }

    /** With Keras' normalisation. */
    public PreprocessConfig(int height, int width, ResizePolicy resize, Interpolation interpolation,
                            double cropPct, long maxFileBytes, long maxPixels, Duration decodeTimeout) {
        this(height, width, resize, interpolation, cropPct, maxFileBytes, maxPixels, Normalization.INCEPTION,
                decodeTimeout);
    }

    /** 299x299, crop, bicubic, crop_pct 0.8975, 100 MiB, PIL's pixel limit, 10 s decode timeout. */
    public static PreprocessConfig defaults() {
        return new PreprocessConfig(299, 299, ResizePolicy.CROP, Interpolation.BICUBIC, DEFAULT_CROP_PCT,
                DEFAULT_MAX_FILE_BYTES, DEFAULT_MAX_PIXELS);
    }

    public PreprocessConfig withSize(int newHeight, int newWidth) {
        return new PreprocessConfig(newHeight, newWidth, resize, interpolation, cropPct, maxFileBytes, maxPixels,
                normalization, decodeTimeout, jpegDraft);
    }

    public PreprocessConfig withResize(ResizePolicy newResize) {
        return new PreprocessConfig(height, width, newResize, interpolation, cropPct, maxFileBytes, maxPixels,
                normalization, decodeTimeout, jpegDraft);
    }

    public PreprocessConfig withInterpolation(Interpolation newInterpolation) {
        return new PreprocessConfig(height, width, resize, newInterpolation, cropPct, maxFileBytes, maxPixels,
                normalization, decodeTimeout, jpegDraft);
    }

    public PreprocessConfig withLimits(long newMaxFileBytes, long newMaxPixels) {
        return new PreprocessConfig(height, width, resize, interpolation, cropPct, newMaxFileBytes, newMaxPixels,
                normalization, decodeTimeout, jpegDraft);
    }

    public PreprocessConfig withDecodeTimeout(Duration newDecodeTimeout) {
        return new PreprocessConfig(height, width, resize, interpolation, cropPct, maxFileBytes, maxPixels,
                normalization, newDecodeTimeout, jpegDraft);
    }

    public PreprocessConfig withJpegDraft(JpegDraft newJpegDraft) {
        return new PreprocessConfig(height, width, resize, interpolation, cropPct, maxFileBytes, maxPixels,
                normalization, decodeTimeout, newJpegDraft);
    }

    /** Number of floats one prepared image occupies (3 * height * width). */
    public int floatsPerImage() {
        return 3 * height * width;
    }
}
