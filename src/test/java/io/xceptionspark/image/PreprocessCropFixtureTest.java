package io.xceptionspark.image;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The crop policy against PIL's evaluation transform (src/test/data/fixtures/preprocess-crop). */
class PreprocessCropFixtureTest {
    private final ImagePreprocessor preprocessor = new ImagePreprocessor(PreprocessConfig.defaults());

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "chelsea.png, chelsea.png",
            "coffee.png, coffee.png",
            "dog.jpg, dog.png",
            "rocket.jpg, rocket.png",
            "camera.png, camera.png",
    })
    void cropMatchesPil(String source, String reference) throws ImageFailure {
        RgbImage ours = preprocessor.prepareRgb(ImageFixtures.sampleBytes(source));
        RgbImage pil = ImageFixtures.referencePng("fixtures/preprocess-crop/" + reference);
        ImageFixtures.Diff diff = ImageFixtures.diff(ours, pil);
        System.out.println("preprocess-crop " + source + ": " + diff);
        assertTrue(diff.mean() <= 1.0 && diff.p99() <= 4, source + ": " + diff);
    }
}
