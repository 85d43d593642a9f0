package io.xceptionspark.weights;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Paths into ../shared (surefire passes {@code shared.dir}); tests only, the product never reads it. */
final class SharedFixtures {

    private SharedFixtures() {
    }

    static Path shared() {
        Path dir = Path.of(System.getProperty("shared.dir", "../shared"));
        assertTrue(Files.isDirectory(dir), "shared dir not found: " + dir.toAbsolutePath());
        return dir;
    }

    static Path formulaH5() {
        return shared().resolve("fixtures/keras-formula/xception_formula.h5");
    }

    static Path kerasLayersTxt() {
        return shared().resolve("bench/keras_layers.txt");
    }
}
