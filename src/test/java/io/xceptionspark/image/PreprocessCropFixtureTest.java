package io.xceptionspark.image;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The crop policy against PIL's evaluation transform (../shared/fixtures/preprocess-crop). */
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
        RgbImage ours = preprocessor.prepareRgb(SharedFixtures.bytes("sample-images/" + source));
        RgbImage pil = SharedFixtures.referencePng("fixtures/preprocess-crop/" + reference);
        SharedFixtures.Diff diff = SharedFixtures.diff(ours, pil);
        System.out.println("preprocess-crop " + source + ": " + diff);
        assertTrue(diff.mean() <= 1.0 && diff.p99() <= 4, source + ": " + diff);
    }
}
