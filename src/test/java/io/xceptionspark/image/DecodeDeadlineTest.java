package io.xceptionspark.image;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The per-image decode time limit ({@code preprocess.decode-timeout}). */
class DecodeDeadlineTest {
    /** ~19 MB of incompressible pixels: far longer than a few milliseconds to inflate. */
    private static byte[] big;

    @BeforeAll
    static void makeBigPng() throws Exception {
        big = noisePng(2500, 2500);
    }

    @Test
    void aDecodeOverTheLimitFailsWithTimeoutAndTheNextImageStillDecodes() throws Exception {
        byte[] small = noisePng(40, 30);
        ImagePreprocessor preprocessor = new ImagePreprocessor(
                PreprocessConfig.defaults().withDecodeTimeout(Duration.ofMillis(1)));
        long start = System.nanoTime();
        PreparedImage.Failed failed = (PreparedImage.Failed) preprocessor.prepare(big);
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(ImageErrorCode.TIMEOUT, failed.code(), failed.message());
        assertTrue(failed.message().contains("preprocess.decode-timeout (1ms)"), failed.message());
        assertTrue(millis < 1000, "the caller waited " + millis + " ms");

        ImagePreprocessor generous = new ImagePreprocessor(PreprocessConfig.defaults());
        assertTrue(generous.prepare(small) instanceof PreparedImage.Ready);
        assertTrue(generous.prepare(big) instanceof PreparedImage.Ready, "within the default limit it decodes");
    }

    @Test
    void anAbortedReaderStopsAndItsThreadIsNotLeft() throws Exception {
        ImageDecoder decoder = new ImageDecoder(PreprocessConfig.DEFAULT_MAX_FILE_BYTES,
                PreprocessConfig.DEFAULT_MAX_PIXELS, Duration.ofMillis(5));
        int before = DecodeDeadline.abandoned();
        assertEquals(ImageErrorCode.TIMEOUT, assertThrows(ImageFailure.class, () -> decoder.decode(big)).code());
        // The JDK's PNG reader checks abort() between rows, so the worker returns soon after.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (DecodeDeadline.abandoned() > before && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(before, DecodeDeadline.abandoned(), "the aborted decoder did not return");
    }

    @Test
    void aDecoderIgnoringAbortAndInterruptIsAbandonedAndCounted() throws Exception {
        DecodeDeadline deadline = new DecodeDeadline(Duration.ofMillis(50));
        CountDownLatch release = new CountDownLatch(1);
        int before = DecodeDeadline.abandoned();
        ImageFailure failure = assertThrows(ImageFailure.class, () -> deadline.run(abort -> {
            while (true) { // a stuck decoder: swallows interrupts and never checks abort
                try {
                    if (release.await(1, TimeUnit.SECONDS)) {
                        return null;
                    }
                } catch (InterruptedException ignored) {
                    // keeps going, as a codec that swallows interrupts would
                }
            }
        }));
        assertEquals(ImageErrorCode.TIMEOUT, failure.code());
        assertEquals(before + 1, DecodeDeadline.abandoned());
        assertTrue(failure.getMessage().contains("still running"), failure.getMessage());
        release.countDown();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (DecodeDeadline.abandoned() > before && System.nanoTime() < until) {
            Thread.sleep(10);
        }
        assertEquals(before, DecodeDeadline.abandoned(), "a decoder that finally returns is no longer counted");
    }

    @Test
    void failuresAndErrorsOfTheDecodePassThrough() {
        DecodeDeadline deadline = new DecodeDeadline(Duration.ofSeconds(5));
        ImageFailure corrupt = assertThrows(ImageFailure.class, () -> deadline.run(abort -> {
            throw new ImageFailure(ImageErrorCode.CORRUPT, "bad");
        }));
        assertEquals(ImageErrorCode.CORRUPT, corrupt.code());
        assertThrows(OutOfMemoryError.class, () -> deadline.run(abort -> {
            throw new OutOfMemoryError("test");
        }));
        assertThrows(IllegalArgumentException.class, () -> new DecodeDeadline(Duration.ofSeconds(-1)));
    }

    @Test
    void zeroMeansNoLimitAndDecodesOnTheCallersThread() throws Exception {
        Thread caller = Thread.currentThread();
        assertEquals(caller, new DecodeDeadline(Duration.ZERO).run(abort -> Thread.currentThread()));
        Optional<Thread> worker = Optional.of(new DecodeDeadline(Duration.ofSeconds(5)).run(abort -> Thread.currentThread()));
        assertFalse(worker.get() == caller);
        assertTrue(worker.get().isDaemon(), "decode workers must never keep a JVM alive");
    }

    /** A PNG of random pixels (incompressible, so inflating it takes real time). */
    static byte[] noisePng(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(16);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, random.nextInt());
            }
        }
        return SyntheticImages.encoded(image, "png");
    }
}
