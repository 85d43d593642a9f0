package io.xceptionspark.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xceptionspark.model.HeadOptions;
import io.xceptionspark.model.RuntimeOptions;
import io.xceptionspark.testing.Golden;
import io.xceptionspark.testing.TestData;
import io.xceptionspark.weights.LoopbackFileSystem;
import io.xceptionspark.weights.WeightsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The model loader with weights behind a Hadoop URI, shipped with --files, and checked by SHA-256. */
class RemoteWeightsLoadTest {
    /** SHA-256 of the keras-formula fixture (sha256sum). */
    static final String FORMULA_SHA256 = "1d630e5fc0e35f081f54bc185a2e8747d41d0aaa581993071c265d321c5ab41e";

    @TempDir
    Path tmp;

    private static ModelSpec spec(String weights, String sha256, Path cacheDir) {
        return new ModelSpec(Architecture.XCEPTION, HeadOptions.IMAGENET,
                new PretrainedWeights(weights, sha256, 0L, "", "", 71, 71), RuntimeOptions.DEFAULT,
                new WeightsFetch("", cacheDir == null ? "" : cacheDir.toString(), false));
    }

    @Test
    void remoteUriIsCopiedToTheConfiguredCacheAndIdentifiedByItsChecksum() throws Exception {
        Path cacheDir = tmp.resolve("weights-cache");
        String uri = LoopbackFileSystem.uri(TestData.path(Golden.WEIGHTS)).toString();
        try (ScoringModel model = ModelLoader.load(spec(uri, FORMULA_SHA256.toUpperCase(), cacheDir),
                LoopbackFileSystem.configuration())) {
            assertEquals("xception/keras-h5:sha256=1d630e5fc0e3", model.identity().toString());
        }
        try (Stream<Path> files = Files.list(cacheDir)) {
            assertEquals(1, files.filter(f -> f.getFileName().toString().endsWith("-xception_formula.h5")).count());
        }
    }

    @Test
    void checksumMismatchOfALocalFileNamesBothChecksums() {
        String wrong = "ab".repeat(32);
        WeightsException e = assertThrows(WeightsException.class,
                () -> ModelLoader.load(spec(TestData.path(Golden.WEIGHTS).toString(), wrong, null)));
        assertTrue(e.getMessage().contains("checksum mismatch") && e.getMessage().contains(FORMULA_SHA256)
                && e.getMessage().contains(wrong), e.getMessage());
    }

    @Test
    void fileShippedWithFilesIsFoundFromSparkSubmitsList() throws Exception {
        Path shipped = Files.copy(TestData.path(Golden.WEIGHTS), tmp.resolve("shipped_formula.h5"));
        String before = System.getProperty("spark.files");
        System.setProperty("spark.files", shipped.toUri().toString());
        try (ScoringModel model = ModelLoader.load(spec("spark-files:shipped_formula.h5", FORMULA_SHA256, null))) {
            assertEquals("xception/keras-h5:sha256=1d630e5fc0e3", model.identity().toString());
        } finally {
            if (before == null) {
                System.clearProperty("spark.files");
            } else {
                System.setProperty("spark.files", before);
            }
        }
    }
}
