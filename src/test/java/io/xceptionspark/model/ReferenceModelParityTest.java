package io.xceptionspark.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.inference.Predictor;
import io.xceptionspark.inference.BatchOutput;
import io.xceptionspark.inference.ImageBatch;
import io.xceptionspark.inference.ModelLoader;
import io.xceptionspark.inference.ModelSpec;
import io.xceptionspark.inference.ScoringModel;
import io.xceptionspark.testing.Shared;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Full-size, official-layout files made by ../shared/bench/xception_ref.py (random BN-calibrated weights,
 * uncompressed, all 134 layers listed): the Java network loading {@code xception_ref.h5} must agree with
 * the same network traced to TorchScript ({@code xception_ref.pt}) run through DJL. Needs
 * {@code -Dreference.model.dir=DIR} (scripts/test.sh makes the files with scripts/make-reference-model.sh).
 */
@EnabledIfSystemProperty(named = "reference.model.dir", matches = ".+")
class ReferenceModelParityTest {
    private static Path dir;
    private static float[] batch;
    private static int count;

    @BeforeAll
    static void inputs() throws Exception {
        dir = Path.of(System.getProperty("reference.model.dir"));
        List<Path> images;
        try (Stream<Path> files = Files.list(Shared.path("fixtures/keras-formula/images299"))) {
            images = files.sorted().toList();
        }
        count = images.size();
        int per = 3 * 299 * 299;
        batch = new float[count * per];
        for (int i = 0; i < count; i++) {
            System.arraycopy(Shared.kerasInput(images.get(i)), 0, batch, i * per, per);
        }
    }

    private static BatchOutput run(ModelSpec spec) throws Exception {
        try (ScoringModel model = ModelLoader.load(spec);
             Predictor<ImageBatch, BatchOutput> predictor = model.newPredictor()) {
            return predictor.predict(new ImageBatch(batch, count, 299, 299));
        }
    }

    @Test
    void kerasFileAndTorchScriptOfTheSameNetworkAgree() throws Exception {
        BatchOutput reference = run(ModelSpec.torchScript(dir.resolve("xception_ref.pt").toString(),
                "logits,embedding", 299, 299));
        BatchOutput ours = run(ModelSpec.xception(dir.resolve("xception_ref.h5").toString()));
        for (int i = 0; i < count; i++) {
            assertClose(reference.logits()[i], ours.logits()[i], "logits " + i);
            assertClose(reference.embeddings()[i], ours.embeddings()[i], "embedding " + i);
            assertArrayEquals(Shared.topK(reference.logits()[i], 5), Shared.topK(ours.logits()[i], 5));
        }
    }

    @Test
    void notopFileGivesTheSameEmbeddings() throws Exception {
        BatchOutput reference = run(ModelSpec.torchScript(dir.resolve("xception_ref.pt").toString(),
                "logits,embedding", 299, 299));
        ModelSpec notop = new ModelSpec("xception", false, "avg", 1000, "none", 299, 299,
                dir.resolve("xception_ref_notop.h5").toString(), 0, "", "logits,embedding", "", false, true);
        BatchOutput ours = run(notop);
        assertTrue(ours.logits() == null);
        for (int i = 0; i < count; i++) {
            assertClose(reference.embeddings()[i], ours.embeddings()[i], "embedding " + i);
        }
    }

    @Test
    void notopFileWithIncludeTopIsRefused() {
        String file = dir.resolve("xception_ref_notop.h5").toString();
        WeightsMismatchException e = assertThrows(WeightsMismatchException.class,
                () -> ModelLoader.load(ModelSpec.xception(file)));
        assertTrue(e.getMessage().contains(file) && e.getMessage().contains("notop"), e.getMessage());
    }

    private static void assertClose(float[] reference, float[] ours, String what) {
        double err = Shared.maxAbsDiff(reference, ours);
        double scale = Shared.maxAbs(reference);
        assertTrue(err <= 1e-3 * scale, what + ": max |diff| " + err + " vs max |ref| " + scale);
        System.out.printf("%s: max|diff| %.3g, max|ref| %.3g%n", what, err, scale);
    }
}
