package io.xceptionspark.weights;

import io.xceptionspark.testing.Shared;
import java.nio.file.Path;

/** Paths into ../shared (surefire passes {@code shared.dir}); tests only, the product never reads it. */
final class SharedFixtures {

    private SharedFixtures() {
    }

    static Path shared() {
        return Shared.dir();
    }

    static Path formulaH5() {
        return shared().resolve("fixtures/keras-formula/xception_formula.h5");
    }

    static Path kerasLayersTxt() {
        return shared().resolve("bench/keras_layers.txt");
    }
}
