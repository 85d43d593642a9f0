package io.xceptionspark.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class KernelWarmupTest {

    @Test
    void syntheticPhotosDecodeAsStoredAndAsAPortraitPhoneStoresIt() throws ImageFailure {
        byte[] stored = KernelWarmup.syntheticPhoto();
        ImageDecoder decoder = new ImageDecoder(PreprocessConfig.defaults());
        PackedRgb landscape = decoder.decodePacked(stored);
        assertEquals(KernelWarmup.WIDTH, landscape.uprightWidth());
        assertEquals(KernelWarmup.HEIGHT, landscape.uprightHeight());
        byte[] portrait = ExifOrientation.tagJpeg(stored, 6);
        assertEquals(6, ExifOrientation.read(ImageFormat.JPEG, portrait));
        PackedRgb upright = decoder.decodePacked(portrait);
        assertEquals(KernelWarmup.HEIGHT, upright.uprightWidth());
        assertEquals(KernelWarmup.WIDTH, upright.uprightHeight());
    }

    @Test
    void runsEveryRoundThroughTheJobsPreprocessing() {
        long[] rounds = KernelWarmup.run(PreprocessConfig.defaults().withJpegDraft(JpegDraft.OFF));
        assertEquals(KernelWarmup.ROUNDS, rounds.length);
        for (long round : rounds) {
            assertTrue(round >= 0, "round times are measured");
        }
    }

    @Test
    void beginsOncePerJvm() throws Exception {
        CompletableFuture<Void> first = KernelWarmup.begin(PreprocessConfig.defaults());
        CompletableFuture<Void> again = KernelWarmup.begin(PreprocessConfig.defaults().withJpegDraft(JpegDraft.AUTO));
        assertSame(first, again);
        first.get(2, TimeUnit.MINUTES);
        assertTrue(first.isDone() && !first.isCompletedExceptionally());
    }
}
