package io.xceptionspark.image;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every file in src/test/data/edge-images gets the outcome its SOURCES.md table promises: scored,
 * or one typed error; never an exception.
 */
class EdgeImagesOutcomeTest {
    private final ImagePreprocessor preprocessor = new ImagePreprocessor(PreprocessConfig.defaults());

    private PreparedImage prepare(String file) {
        return preprocessor.prepare(ImageFixtures.bytes("edge-images/" + file));
    }

    private void assertScored(String file) {
        PreparedImage result = prepare(file);
        System.out.println("edge-images " + file + ": " + describe(result));
        PreparedImage.Ready ready = assertInstanceOf(PreparedImage.Ready.class, result, () -> file + ": " + result);
        assertEquals(3 * 299 * 299, ready.chw().length);
        for (float v : ready.chw()) {
            assertTrue(v >= -1f && v <= 1f, file + ": value out of range " + v);
        }
    }

    private void assertFails(String file, ImageErrorCode expected) {
        PreparedImage result = prepare(file);
        System.out.println("edge-images " + file + ": " + describe(result));
        PreparedImage.Failed failed = assertInstanceOf(PreparedImage.Failed.class, result, () -> file + ": " + result);
        assertEquals(expected, failed.code(), () -> file + ": " + failed.message());
        assertTrue(!failed.message().isBlank());
    }

    static String describe(PreparedImage result) {
        return result instanceof PreparedImage.Failed f ? f.code() + " (" + f.message() + ")" : "scored";
    }

    @Test
    void hopperGrayJpgIsScored() {
        assertScored("hopper_gray.jpg");
    }

    @Test
    void pilSampleCmykJpgIsScored() {
        assertScored("pil_sample_cmyk.jpg");
    }

    @Test
    void hopperOrientation6JpgIsScored() {
        assertScored("hopper_orientation_6.jpg");
    }

    @Test
    void pTrnsSinglePngIsScored() {
        assertScored("p_trns_single.png");
    }

    @Test
    void iTrnsPngIsScored() {
        assertScored("i_trns.png");
    }

    @Test
    void apngMode16bitPngIsScored() {
        assertScored("apng_mode_16bit.png");
    }

    @Test
    void monkey16PngIsScored() {
        assertScored("monkey16.png");
    }

    @Test
    void hopperWebpIsScored() {
        assertScored("hopper.webp");
    }

    @Test
    void hopperTifIsScored() {
        assertScored("hopper.tif");
    }

    @Test
    void hopperBmpIsScored() {
        assertScored("hopper.bmp");
    }

    @Test
    void iss634GifFirstFrameIsScored() {
        assertScored("iss634.gif");
    }

    /** Our documented choice: a truncated JPEG is an error, as in PIL's default. */
    @Test
    void truncatedJpegIsCorrupt() {
        assertFails("truncated_jpeg.jpg", ImageErrorCode.CORRUPT);
    }

    @Test
    void monkey12JpgIsUnsupported() {
        assertFails("monkey12.jpg", ImageErrorCode.UNSUPPORTED);
    }

    @Test
    void truncatedPngIsCorrupt() {
        assertFails("truncated_image.png", ImageErrorCode.CORRUPT);
    }

    /** Its IHDR fields claim 97294063 x 1048810005 pixels: rejected before any decoding. */
    @Test
    void brokenPngIsTooLarge() {
        assertFails("broken.png", ImageErrorCode.TOO_LARGE);
    }

    @Test
    void decompressionBombGifIsTooLarge() {
        assertFails("decompression_bomb.gif", ImageErrorCode.TOO_LARGE);
    }

    @Test
    void zeroWidthGifIsCorrupt() {
        assertFails("zero_width.gif", ImageErrorCode.CORRUPT);
    }

    @Test
    void emptyJpgIsEmpty() {
        assertFails("empty.jpg", ImageErrorCode.EMPTY);
    }

    @Test
    void textFileIsUnsupportedFormat() {
        assertFails("not-an-image.jpg", ImageErrorCode.UNSUPPORTED_FORMAT);
    }

    /** Guards the one-test-per-file rule: a file added to edge-images needs a test here. */
    @Test
    void everyEdgeFileHasATest() throws Exception {
        Set<String> covered = Set.of("hopper_gray.jpg", "pil_sample_cmyk.jpg", "hopper_orientation_6.jpg",
                "p_trns_single.png", "i_trns.png", "apng_mode_16bit.png", "monkey16.png", "hopper.webp",
                "hopper.tif", "hopper.bmp", "iss634.gif", "truncated_jpeg.jpg", "monkey12.jpg",
                "truncated_image.png", "broken.png", "decompression_bomb.gif", "zero_width.gif", "empty.jpg",
                "not-an-image.jpg");
        Set<String> present = new TreeSet<>();
        try (Stream<Path> files = Files.list(ImageFixtures.path("edge-images"))) {
            files.map(p -> p.getFileName().toString()).filter(n -> !n.endsWith(".md")).forEach(present::add);
        }
        assertEquals(new TreeSet<>(covered), present);
    }
}
