package io.xceptionspark.weights;

import io.xceptionspark.testing.Golden;
import io.xceptionspark.testing.TestData;
import java.nio.file.Path;

/** The weights files of the test material ({@link TestData}). */
final class WeightsFixtures {

    private WeightsFixtures() {
    }

    /** The keras-formula fixture: chunked, gzip + shuffle compressed, only the 81 weighted layers listed. */
    static Path formulaH5() {
        return TestData.path(Golden.WEIGHTS);
    }

    /** Keras' 134 layer names of Xception in model.layers order (src/test/data/fixtures/README.md). */
    static Path kerasLayersTxt() {
        return TestData.path(Golden.KERAS_LAYERS);
    }
}
