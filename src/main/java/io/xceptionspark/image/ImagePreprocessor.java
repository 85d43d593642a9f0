package io.xceptionspark.image;

import java.util.Objects;
import java.util.Optional;

/**
 * Image file bytes to network input: decode ({@link ImageDecoder}), resize/crop
 * ({@link CropTransform}, {@link PilResampler}), then the {@link Normalization} as channels-first float32
 * (by default Keras' "tf" preprocessing {@code x / 127.5 - 1}, the same float32 arithmetic as
 * {@code np.asarray(img, np.float32) / 127.5 - 1}).
 *
 * <p>Never throws for bad image content: every failure is a {@link PreparedImage.Failed} with a
 * stable {@link ImageErrorCode}. Limits are checked from the headers before any pixel buffer is
 * allocated; if the heap still runs out while decoding an image within the limits, that image
 * fails with {@code TOO_LARGE} (the allocation that failed is gone, so the JVM is unharmed).
 * Truncated files fail with {@code CORRUPT} (see {@link ImageDecoder}).
 *
 * <p>Thread-safe and cheap to construct; holds no per-call state.
 */
public final class ImagePreprocessor {
    private final PreprocessConfig config;
    private final ImageDecoder decoder;
    /** The normalised value of every 8-bit value, per channel. */
    private final float[][] tables;

    public ImagePreprocessor(PreprocessConfig config) {
        this(config, new ImageDecoder(config));
    }

    /** With a decoder of the test's choosing (e.g. without TurboJPEG, as on a machine that lacks it). */
    ImagePreprocessor(PreprocessConfig config, ImageDecoder decoder) {
        this.config = Objects.requireNonNull(config, "config");
        this.decoder = decoder;
        this.tables = config.normalization().tables();
    }

    public PreprocessConfig config() {
        return config;
    }

    /** Prepares one image file into a fresh array. */
    public PreparedImage prepare(byte[] fileBytes) {
        float[] chw = new float[config.floatsPerImage()];
        Optional<PreparedImage.Failed> failure = prepareInto(fileBytes, chw, 0);
        if (failure.isPresent()) {
            return failure.get();
        }
        return new PreparedImage.Ready(chw, config.height(), config.width());
    }

    /**
     * Prepares one image file straight into a caller's batch buffer, avoiding a copy: on success
     * the {@code 3 * height * width} channels-first floats are written to
     * {@code dest[offset ..]} (R plane, then G, then B) and the result is empty; on failure
     * {@code dest} is left untouched and the failure is returned.
     *
     * @throws IllegalArgumentException if {@code dest} has no room at {@code offset} (a caller bug,
     *                                  not a bad image)
     */
    public Optional<PreparedImage.Failed> prepareInto(byte[] fileBytes, float[] dest, int offset) {
        return prepareInto(fileBytes, dest, offset, null);
    }

    /**
     * {@link #prepareInto(byte[], float[], int)}, adding this image's decode and resize times to
     * {@code times} (null: not timed).
     */
    public Optional<PreparedImage.Failed> prepareInto(byte[] fileBytes, float[] dest, int offset, PrepareTimes times) {
        Objects.requireNonNull(dest, "dest");
        if (offset < 0 || offset > dest.length - config.floatsPerImage()) {
            throw new IllegalArgumentException("no room for " + config.floatsPerImage() + " floats at offset "
                    + offset + " in a buffer of " + dest.length);
        }
        try {
            long start = System.nanoTime();
            PackedRgb decoded;
            try {
                decoded = decoder.decodePacked(fileBytes);
            } finally {
                long decodedAt = System.nanoTime();
                if (times != null) {
                    times.decodeNanos += decodedAt - start;
                    start = decodedAt;
                }
            }
            writeChw(resize(decoded), tables, dest, offset);
            if (times != null) {
                times.resizeNanos += System.nanoTime() - start;
                times.images++;
            }
            return Optional.empty();
        } catch (ImageFailure e) {
            return Optional.of(e.toFailed());
        } catch (OutOfMemoryError e) {
            return Optional.of(new PreparedImage.Failed(ImageErrorCode.TOO_LARGE,
                    "not enough memory to decode this image (" + e.getMessage() + ")"));
        } catch (RuntimeException e) {
            return Optional.of(new PreparedImage.Failed(ImageErrorCode.CORRUPT,
                    "cannot decode: " + e.getClass().getSimpleName() + ": " + e.getMessage()));
        }
    }

    /**
     * The network input as 8-bit RGB ({@code height x width}), before normalisation: what the
     * reference pipelines have just before {@code np.asarray}. For tests and tools.
     */
    public RgbImage prepareRgb(byte[] fileBytes) throws ImageFailure {
        return resize(decoder.decodePacked(fileBytes));
    }

    /** The crop plan of the upright picture, applied. */
    private RgbImage resize(PackedRgb decoded) throws ImageFailure {
        CropTransform plan;
        try {
            plan = CropTransform.plan(decoded.uprightWidth(), decoded.uprightHeight(), config);
        } catch (IllegalArgumentException e) {
            throw new ImageFailure(ImageErrorCode.UNSUPPORTED, e.getMessage());
        }
        return plan.apply(decoded, config.interpolation());
    }

    /**
     * Wall time per stage, summed over the images one caller prepared (one instance per task or
     * thread; not thread-safe). Two clock reads per stage per image. Decode: file bytes to decoded
     * pixels (including the hand-off to the decode-timeout worker), counted for failed images too;
     * resize: resize, crop and normalisation into the caller's buffer, for prepared images only.
     */
    public static final class PrepareTimes {
        private long decodeNanos;
        private long resizeNanos;
        private long images;

        public long decodeNanos() {
            return decodeNanos;
        }

        public long resizeNanos() {
            return resizeNanos;
        }

        /** Images prepared successfully (failures add decode time only). */
        public long images() {
            return images;
        }
    }

    /** Interleaved 8-bit RGB to planar normalised floats. */
    private static void writeChw(RgbImage image, float[][] tables, float[] dest, int offset) {
        byte[] px = image.pixels();
        int plane = image.width() * image.height();
        int g = offset + plane;
        int b = g + plane;
        float[] red = tables[0];
        float[] green = tables[1];
        float[] blue = tables[2];
        for (int i = 0, p = 0; i < plane; i++, p += 3) {
            dest[offset + i] = red[px[p] & 0xFF];
            dest[g + i] = green[px[p + 1] & 0xFF];
            dest[b + i] = blue[px[p + 2] & 0xFF];
        }
    }
}
