package io.xceptionspark.image;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Photo-sized warm-up of the image kernels, once per JVM: synthetic photos as phones store them (4:3, as stored
 * and with EXIF orientation 6, a portrait photo) go through the job's own preprocessing a few times, so that
 * HotSpot's optimizing compiler has compiled the resampler's passes (the Vector API runs as objects, ~10x slower,
 * until C2 compiles it) and the decoder's pixel loops on the shapes phone photos take (a downscale of 4-9x:
 * kernels of several 16-lane blocks; the transposed first pass of portrait photos) before the first task. Without
 * it the first task of each slot resized its 12 MP photos in 100-200 ms each instead of ~12 ms.
 *
 * <p>It runs on a thread of its own ({@link #begin}) while the model loads and Spark starts, which keep one
 * core busy: on a 2-core machine it costs no wall time. {@link #begin} starts it once per JVM; later calls
 * return the same future. Failures are logged, never thrown: the warm-up only saves time.
 */
public final class KernelWarmup {
    /** 3 MP, 4:3: a phone photo's proportions and a downscale of 4.5x to the usual 333-pixel resize. */
    static final int WIDTH = 2016;
    static final int HEIGHT = 1512;
    /**
     * Rounds of both orientations. Measured (2 cores, alternating runs): the rounds take 600, 200, then 15-50 ms;
     * 12 rounds (~1.4 s on the spare core) and 24 left the first tasks equally fast; 4 rounds of 12 MP photos
     * (2 s) did not reach the compiled passes.
     */
    static final int ROUNDS = 12;
    private static final Logger LOG = LoggerFactory.getLogger(KernelWarmup.class);
    private static final AtomicReference<CompletableFuture<Void>> STARTED = new AtomicReference<>();

    private KernelWarmup() {
    }

    /** Starts the warm-up with {@code config} on a daemon thread, unless this JVM already started one. */
    public static CompletableFuture<Void> begin(PreprocessConfig config) {
        CompletableFuture<Void> fresh = new CompletableFuture<>();
        if (!STARTED.compareAndSet(null, fresh)) {
            return STARTED.get();
        }
        Thread thread = new Thread(() -> {
            try {
                run(config);
            } catch (RuntimeException | LinkageError e) {
                LOG.warn("xception-spark: the image kernels' warm-up failed (the first photos will resize slower): " + e);
            } finally {
                fresh.complete(null);
            }
        }, "xception-spark-kernel-warmup");
        thread.setDaemon(true);
        thread.start();
        return fresh;
    }

    /** Runs the warm-up on this thread (its rounds' wall times, in ms, for tests and the log). */
    static long[] run(PreprocessConfig config) {
        long start = System.nanoTime();
        byte[] stored = syntheticPhoto();
        List<byte[]> photos = List.of(stored, ExifOrientation.tagJpeg(stored, 6));
        ImagePreprocessor preprocessor = new ImagePreprocessor(config);
        float[] input = new float[config.floatsPerImage()];
        long[] rounds = new long[ROUNDS];
        for (int r = 0; r < ROUNDS; r++) {
            long roundStart = System.nanoTime();
            for (byte[] photo : photos) {
                preprocessor.prepareInto(photo, input, 0).ifPresent(failed -> {
                    throw new IllegalStateException("synthetic photo failed: " + failed);
                });
            }
            rounds[r] = (System.nanoTime() - roundStart) / 1_000_000;
        }
        LOG.info(String.format("xception-spark: image kernels warmed up on %dx%d photos in %.1f s (rounds of 2: %s ms)",
                WIDTH, HEIGHT, (System.nanoTime() - start) / 1e9, java.util.Arrays.toString(rounds)));
        return rounds;
    }

    /** A smooth colour field with some texture, as JPEG (ImageIO's default quality, 0.75). */
    static byte[] syntheticPhoto() {
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_3BYTE_BGR);
        byte[] bgr = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        for (int y = 0, p = 0; y < HEIGHT; y++) {
            for (int x = 0; x < WIDTH; x++, p += 3) {
                bgr[p] = (byte) ((x + y) * 255 / (WIDTH + HEIGHT) ^ (x * y & 7));
                bgr[p + 1] = (byte) (y * 255 / HEIGHT);
                bgr[p + 2] = (byte) (x * 255 / WIDTH);
            }
        }
        return SyntheticImages.encoded(image, "jpg");
    }
}
