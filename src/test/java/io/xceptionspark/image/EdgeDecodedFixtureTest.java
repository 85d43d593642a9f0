package io.xceptionspark.image;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Decoding of unusual-but-valid files against PIL (src/test/data/fixtures/edge-decoded). */
class EdgeDecodedFixtureTest {
    private final ImageDecoder decoder = new ImageDecoder(PreprocessConfig.defaults());

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "apng_mode_16bit.png, 1.0",
            "hopper.bmp, 1.0",
            "hopper.tif, 1.0",
            "hopper.webp, 6.0",
            "hopper_gray.jpg, 1.0",
            "hopper_orientation_6.jpg, 1.0",
            "iss634.gif, 1.0",
            "monkey16.png, 1.0",
            "p_trns_single.png, 1.0",
            "pil_sample_cmyk.jpg, 1.0",
    })
    void decodesLikePil(String file, double maxMeanDiff) throws ImageFailure {
        RgbImage ours = decoder.decode(ImageFixtures.bytes("edge-images/" + file));
        RgbImage pil = ImageFixtures.referencePng("fixtures/edge-decoded/" + file + ".png");
        ImageFixtures.Diff diff = ImageFixtures.diff(ours, pil);
        System.out.println("edge-decoded " + file + ": " + diff);
        assertTrue(diff.mean() <= maxMeanDiff, file + ": " + diff);
    }
}
