package io.xceptionspark.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.inference.Predictor;
import io.xceptionspark.testing.TestData;
import org.junit.jupiter.api.Test;

/** One predictor reused over batches of different sizes (its input buffer is reused) gives fresh results. */
class PredictorReuseTest {

    @Test
    void consecutiveBatchesOfDifferentSizesMatchSingleImageRuns() throws Exception {
        float[] a = TestData.kerasInput(TestData.path("fixtures/keras-formula/images299/dog.png"));
        float[] b = TestData.kerasInput(TestData.path("fixtures/keras-formula/images299/rocket.png"));
        float[] ab = new float[a.length * 2];
        System.arraycopy(a, 0, ab, 0, a.length);
        System.arraycopy(b, 0, ab, a.length, b.length);
        try (ScoringModel model = TorchScriptModels.load(TestData.path("fixtures/torchscript-tiny/tiny_contract.pt"),
                OutputLayout.parseTorchScript("logits,embedding"), 299, 299, "");
             Predictor<ImageBatch, BatchOutput> reused = model.newPredictor()) {
            BatchOutput pair = reused.predict(new ImageBatch(ab, 2, 299, 299));
            BatchOutput onlyB = reused.predict(new ImageBatch(b, 1, 299, 299));
            BatchOutput pairAgain = reused.predict(new ImageBatch(ab, 2, 299, 299));
            BatchOutput fresh;
            try (Predictor<ImageBatch, BatchOutput> other = model.newPredictor()) {
                fresh = other.predict(new ImageBatch(a, 1, 299, 299));
            }
            assertArrayEquals(fresh.embeddings()[0], pair.embeddings()[0], 1e-5f);
            assertArrayEquals(pair.embeddings()[1], onlyB.embeddings()[0], 1e-5f);
            assertArrayEquals(pair.logits()[0], pairAgain.logits()[0], 0f);
            assertArrayEquals(pair.logits()[1], pairAgain.logits()[1], 0f);
        }
    }
}
