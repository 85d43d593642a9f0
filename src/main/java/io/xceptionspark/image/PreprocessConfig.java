package io.xceptionspark.image;

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
 */
public record PreprocessConfig(int height, int width, ResizePolicy resize, Interpolation interpolation,
                               double cropPct, long maxFileBytes, long maxPixels, Normalization normalization) {

    /** PIL's {@code Image.MAX_IMAGE_PIXELS}: about a quarter gigabyte of 24-bit pixels. */
    public static final long DEFAULT_MAX_PIXELS = 89_478_485L;
    public static final long DEFAULT_MAX_FILE_BYTES = 100L * 1024 * 1024;
    /** timm's crop_pct for Xception (299 / 0.8975 = 333). */
    public static final double DEFAULT_CROP_PCT = 0.8975;

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
    }

    /** With Keras' normalisation ({@link Normalization#INCEPTION}: x / 127.5 - 1). */
    public PreprocessConfig(int height, int width, ResizePolicy resize, Interpolation interpolation, double cropPct,
                            long maxFileBytes, long maxPixels) {
        this(height, width, resize, interpolation, cropPct, maxFileBytes, maxPixels, Normalization.INCEPTION);
    }

    /** 299x299, crop, bicubic, crop_pct 0.8975, 100 MiB, PIL's pixel limit. */
    public static PreprocessConfig defaults() {
        return new PreprocessConfig(299, 299, ResizePolicy.CROP, Interpolation.BICUBIC, DEFAULT_CROP_PCT,
                DEFAULT_MAX_FILE_BYTES, DEFAULT_MAX_PIXELS);
    }

    public PreprocessConfig withSize(int newHeight, int newWidth) {
        return new PreprocessConfig(newHeight, newWidth, resize, interpolation, cropPct, maxFileBytes, maxPixels,
                normalization);
    }

    public PreprocessConfig withResize(ResizePolicy newResize) {
        return new PreprocessConfig(height, width, newResize, interpolation, cropPct, maxFileBytes, maxPixels,
                normalization);
    }

    public PreprocessConfig withInterpolation(Interpolation newInterpolation) {
        return new PreprocessConfig(height, width, resize, newInterpolation, cropPct, maxFileBytes, maxPixels,
                normalization);
    }

    public PreprocessConfig withLimits(long newMaxFileBytes, long newMaxPixels) {
        return new PreprocessConfig(height, width, resize, interpolation, cropPct, newMaxFileBytes, newMaxPixels,
                normalization);
    }

    /** Number of floats one prepared image occupies (3 * height * width). */
    public int floatsPerImage() {
        return 3 * height * width;
    }
}
