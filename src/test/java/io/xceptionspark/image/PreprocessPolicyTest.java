package io.xceptionspark.image;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Resize policies, normalisation and the config contract. */
class PreprocessPolicyTest {

    @ParameterizedTest
    @ValueSource(strings = {"camera.png", "chelsea.png", "dog.png"})
    void squashOn299IsIdentity(String name) throws ImageFailure {
        byte[] file = ImageFixtures.bytes("fixtures/keras-formula/images299/" + name);
        for (Interpolation interpolation : Interpolation.values()) {
            PreprocessConfig config = PreprocessConfig.defaults().withResize(ResizePolicy.SQUASH)
                    .withInterpolation(interpolation);
            RgbImage decoded = new ImageDecoder(config).decode(file);
            RgbImage squashed = new ImagePreprocessor(config).prepareRgb(file);
            assertEquals(299, decoded.width());
            assertArrayEquals(decoded.pixels(), squashed.pixels(), name + " " + interpolation);
        }
    }

    @Test
    void outputIsChannelsFirstScaledToMinusOneOne() throws ImageFailure {
        byte[] file = ImageFixtures.sampleBytes("chelsea.png");
        ImagePreprocessor preprocessor = new ImagePreprocessor(PreprocessConfig.defaults());
        RgbImage rgb = preprocessor.prepareRgb(file);
        PreparedImage.Ready ready = assertInstanceOf(PreparedImage.Ready.class, preprocessor.prepare(file));
        int plane = 299 * 299;
        for (int p = 0; p < plane; p += 997) {
            for (int c = 0; c < 3; c++) {
                float expected = (float) (rgb.pixels()[3 * p + c] & 0xFF) / 127.5f - 1.0f;
                assertEquals(expected, ready.chw()[c * plane + p]);
            }
        }
        assertEquals(-1.0f, (float) 0 / 127.5f - 1.0f);
        assertEquals(1.0f, (float) 255 / 127.5f - 1.0f);
    }

    @Test
    void prepareIntoWritesAtOffsetAndLeavesBufferAloneOnFailure() {
        ImagePreprocessor preprocessor = new ImagePreprocessor(PreprocessConfig.defaults());
        int n = PreprocessConfig.defaults().floatsPerImage();
        float[] batch = new float[2 * n];
        java.util.Arrays.fill(batch, 7f);
        byte[] file = ImageFixtures.sampleBytes("coffee.png");
        assertEquals(Optional.empty(), preprocessor.prepareInto(file, batch, n));
        PreparedImage.Ready ready = assertInstanceOf(PreparedImage.Ready.class, preprocessor.prepare(file));
        assertArrayEquals(ready.chw(), java.util.Arrays.copyOfRange(batch, n, 2 * n));
        Optional<PreparedImage.Failed> failed = preprocessor.prepareInto(new byte[0], batch, 0);
        assertEquals(ImageErrorCode.EMPTY, failed.orElseThrow().code());
        for (int i = 0; i < n; i++) {
            assertEquals(7f, batch[i]);
        }
        assertThrows(IllegalArgumentException.class, () -> preprocessor.prepareInto(file, batch, n + 1));
    }

    @Test
    void cropGeometryFollowsTimm() {
        PreprocessConfig config = PreprocessConfig.defaults();
        // landscape 451x300 -> (round(451*333/300), 333) = (501, 333), offsets round(101) , round(17)
        assertEquals(new CropTransform(501, 333, 101, 17, 299, 299), CropTransform.plan(451, 300, config));
        // portrait 300x451 -> (333, 501)
        assertEquals(new CropTransform(333, 501, 17, 101, 299, 299), CropTransform.plan(300, 451, config));
        // square: (333, 333), offset round(17.0) = 17
        assertEquals(new CropTransform(333, 333, 17, 17, 299, 299), CropTransform.plan(512, 512, config));
        // banker's rounding: 640x427 -> 640*333/427 = 499.1 -> 499; (499-299)/2 = 100
        assertEquals(new CropTransform(499, 333, 100, 17, 299, 299), CropTransform.plan(640, 427, config));
        // half to even for the offset: nw = 334 -> (334-299)/2 = 17.5 -> 18
        PreprocessConfig pct = new PreprocessConfig(299, 299, ResizePolicy.CROP, Interpolation.BICUBIC,
                299.0 / 334.5, 1000, 1000);
        assertEquals(18, CropTransform.plan(334, 334, pct).cropX());
        assertEquals(new CropTransform(224, 100, 0, 0, 224, 100),
                CropTransform.plan(640, 427, config.withSize(100, 224).withResize(ResizePolicy.SQUASH)));
    }

    @Test
    void nonSquareCropCoversTheTarget() {
        PreprocessConfig config = PreprocessConfig.defaults().withSize(200, 320);
        for (int[] size : new int[][]{{100, 1000}, {1000, 100}, {640, 427}, {427, 640}, {1, 1}}) {
            CropTransform t = CropTransform.plan(size[0], size[1], config);
            assertTrue(t.resizeWidth() >= 320 && t.resizeHeight() >= 200, t.toString());
            assertTrue(t.cropX() + 320 <= t.resizeWidth() && t.cropY() + 200 <= t.resizeHeight(), t.toString());
        }
    }

    @Test
    void everyInterpolationGivesAFullInput() {
        byte[] file = ImageFixtures.sampleBytes("kitten-progressive.jpg");
        for (ResizePolicy policy : ResizePolicy.values()) {
            for (Interpolation interpolation : Interpolation.values()) {
                PreprocessConfig config = PreprocessConfig.defaults().withResize(policy).withInterpolation(interpolation);
                PreparedImage result = new ImagePreprocessor(config).prepare(file);
                assertInstanceOf(PreparedImage.Ready.class, result, policy + " " + interpolation);
            }
        }
    }

    @Test
    void fileNameDoesNotMatterOnlyContent() {
        PreparedImage result = new ImagePreprocessor(PreprocessConfig.defaults())
                .prepare(ImageFixtures.sampleBytes("mountains-really-a-jpeg.png"));
        assertInstanceOf(PreparedImage.Ready.class, result);
    }

    @Test
    void limitsAreConfigurable() {
        byte[] file = ImageFixtures.sampleBytes("chelsea.png");
        PreprocessConfig tinyFiles = PreprocessConfig.defaults().withLimits(1000, PreprocessConfig.DEFAULT_MAX_PIXELS);
        PreprocessConfig tinyPictures = PreprocessConfig.defaults().withLimits(1 << 20, 451 * 300 - 1);
        assertEquals(ImageErrorCode.TOO_LARGE, ((PreparedImage.Failed) new ImagePreprocessor(tinyFiles).prepare(file)).code());
        assertEquals(ImageErrorCode.TOO_LARGE, ((PreparedImage.Failed) new ImagePreprocessor(tinyPictures).prepare(file)).code());
        PreprocessConfig exact = PreprocessConfig.defaults().withLimits(1 << 20, 451 * 300);
        assertInstanceOf(PreparedImage.Ready.class, new ImagePreprocessor(exact).prepare(file));
    }

    @Test
    void defaultsAndParsing() {
        PreprocessConfig d = PreprocessConfig.defaults();
        assertEquals(new PreprocessConfig(299, 299, ResizePolicy.CROP, Interpolation.BICUBIC, 0.8975,
                100L * 1024 * 1024, 89_478_485L), d);
        assertEquals(ResizePolicy.SQUASH, ResizePolicy.parse("squash"));
        assertEquals(ResizePolicy.CROP, ResizePolicy.parse("CROP"));
        assertEquals(Interpolation.BILINEAR, Interpolation.parse("bilinear"));
        assertEquals(Interpolation.NEAREST, Interpolation.parse(" nearest "));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Interpolation.parse("lanczos"));
        assertTrue(e.getMessage().contains("bicubic, bilinear, nearest"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ResizePolicy.parse(null));
        assertTrue(e.getMessage().contains("crop, squash"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> d.withSize(0, 299));
        assertThrows(IllegalArgumentException.class,
                () -> new PreprocessConfig(299, 299, ResizePolicy.CROP, Interpolation.BICUBIC, 1.5, 1, 1));
        assertThrows(IllegalArgumentException.class,
                () -> new PreprocessConfig(299, 299, ResizePolicy.CROP, Interpolation.BICUBIC, 0.9, 0, 1));
        assertEquals(224, d.withSize(224, 200).height());
    }
}
