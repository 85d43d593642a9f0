package io.xceptionspark.model;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.inference.Predictor;
import io.xceptionspark.inference.BatchOutput;
import io.xceptionspark.inference.ImageBatch;
import io.xceptionspark.inference.ModelLoader;
import io.xceptionspark.inference.ModelSpec;
import io.xceptionspark.inference.ScoringModel;
import io.xceptionspark.testing.HashFixtures;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Keras' xception with the hash fixture's weights (BatchNorm-calibrated, random-looking, like trained ones), written
 * as a full-size .h5 file in the official layout and loaded as users load theirs ({@code model.weights = FILE.h5}),
 * against the independent reference's golden outputs (src/test/data/fixtures/hash/keras): logits and embeddings
 * within 1e-4 of the largest reference value, the same top-5. The notop file (no avg_pool, no predictions) gives
 * the same embeddings and is refused with include_top.
 */
class KerasHashParityTest {
    private static float[] batch;
    private static int count;

    @BeforeAll
    static void inputs() {
        batch = HashFixtures.batch();
        count = HashFixtures.images().size();
    }

    private static BatchOutput run(ModelSpec spec) throws Exception {
        try (ScoringModel model = ModelLoader.load(spec);
             Predictor<ImageBatch, BatchOutput> predictor = model.newPredictor()) {
            return predictor.predict(new ImageBatch(batch, count, 299, 299));
        }
    }

    @ParameterizedTest(name = "folded BatchNorm = {0}")
    @ValueSource(booleans = {true, false})
    void fullSizeFileMatchesTheReference(boolean fold) throws Exception {
        BatchOutput out = run(ModelSpec.xception(HashFixtures.kerasH5(true).toString())
                .withRuntime(new RuntimeOptions(Precision.FLOAT32, fold)));
        for (int i = 0; i < count; i++) {
            HashFixtures.assertMatchesGolden("keras", i, out.logits()[i], out.embeddings()[i]);
        }
    }

    @Test
    void notopFileGivesTheReferenceEmbeddings() throws Exception {
        ModelSpec notop = ModelSpec.xception(HashFixtures.kerasH5(false).toString())
                .withHead(HeadOptions.features(Pooling.AVG));
        BatchOutput out = run(notop);
        assertNull(out.logits());
        for (int i = 0; i < count; i++) {
            HashFixtures.assertMatchesGolden("keras", i, null, out.embeddings()[i]);
        }
    }

    @Test
    void notopFileWithIncludeTopIsRefused() {
        String file = HashFixtures.kerasH5(false).toString();
        WeightsMismatchException e = assertThrows(WeightsMismatchException.class,
                () -> ModelLoader.load(ModelSpec.xception(file)));
        assertTrue(e.getMessage().contains(file) && e.getMessage().contains("notop"), e.getMessage());
    }
}
