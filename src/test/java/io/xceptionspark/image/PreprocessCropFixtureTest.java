package io.xceptionspark.image;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * The crop policy against PIL's evaluation transform (src/test/data/fixtures/preprocess-crop): equal, byte for
 * byte, both with TurboJPEG (which must be installed: scripts/test.sh installs it) and without it (the
 * exact ImageIO path every machine has).
 */
class PreprocessCropFixtureTest {
    private static final PreprocessConfig CONFIG = PreprocessConfig.defaults();

    @ParameterizedTest(name = "{0} {2}")
    @CsvSource({
            "chelsea.png, chelsea.png, turbojpeg",
            "coffee.png, coffee.png, turbojpeg",
            "dog.jpg, dog.png, turbojpeg",
            "rocket.jpg, rocket.png, turbojpeg",
            "camera.png, camera.png, turbojpeg",
            "dog.jpg, dog.png, imageio",
            "rocket.jpg, rocket.png, imageio",
    })
    void cropMatchesPil(String source, String reference, String decoder) throws ImageFailure {
        TurboJpeg turbo = decoder.equals("turbojpeg") ? TurboJpeg.instance() : null;
        if (decoder.equals("turbojpeg")) {
            assertNotNull(turbo, TurboJpeg.status());
        }
        ImagePreprocessor preprocessor = new ImagePreprocessor(CONFIG, new ImageDecoder(CONFIG, turbo));
        RgbImage ours = preprocessor.prepareRgb(ImageFixtures.sampleBytes(source));
        RgbImage pil = ImageFixtures.referencePng("fixtures/preprocess-crop/" + reference);
        ImageFixtures.Diff diff = ImageFixtures.diff(ours, pil);
        System.out.println("preprocess-crop " + source + " " + decoder + ": " + diff);
        assertEquals(0, diff.max(), source + ": " + diff);
    }
}
