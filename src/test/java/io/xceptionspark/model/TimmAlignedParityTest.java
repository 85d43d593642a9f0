package io.xceptionspark.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.inference.Predictor;
import io.xceptionspark.inference.BatchOutput;
import io.xceptionspark.inference.ImageBatch;
import io.xceptionspark.inference.ModelLoader;
import io.xceptionspark.inference.ModelSpec;
import io.xceptionspark.inference.PretrainedWeights;
import io.xceptionspark.inference.ScoringModel;
import io.xceptionspark.inference.WeightsFetch;
import io.xceptionspark.testing.HashFixtures;
import io.xceptionspark.weights.Checksums;
import io.xceptionspark.weights.LoopbackFileSystem;
import io.xceptionspark.weights.WeightsException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * timm's aligned xception41/65/71 against an independent PyTorch reference with timm's keys: the hash fixtures'
 * weights (src/test/data/fixtures/hash, BatchNorm-calibrated, random-looking) written as a hub checkpoint's
 * model.safetensors ({@link HashFixtures}) and loaded as users load theirs, against the reference's logits and
 * pre-logits for the 299x299 images of fixtures/keras-formula/images299 (golden.json): max |diff| <= 1e-4 of the
 * largest reference value, the same top-5.
 */
class TimmAlignedParityTest {
    private static float[] batch;
    private static int count;

    @BeforeAll
    static void inputs() {
        // timm's tf_in1k preprocessing at 299x299: mean = std = 0.5, i.e. x / 127.5 - 1, RGB, NCHW
        batch = HashFixtures.batch();
        count = HashFixtures.images().size();
    }

    private static BatchOutput run(ModelSpec spec) throws Exception {
        return run(spec, null);
    }

    /** The outputs for the test images; {@code identity[0]} (if given) receives the model identity. */
    private static BatchOutput run(ModelSpec spec, String[] identity) throws Exception {
        try (ScoringModel model = ModelLoader.load(spec);
             Predictor<ImageBatch, BatchOutput> predictor = model.newPredictor()) {
            if (identity != null) {
                identity[0] = model.identity().toString();
            }
            return predictor.predict(new ImageBatch(batch, count, 299, 299));
        }
    }

    private static String weights(String arch) {
        return HashFixtures.timmWeights(arch).toString();
    }

    @ParameterizedTest
    @ValueSource(strings = {"xception41", "xception65", "xception71"})
    void foldedNetworkMatchesTheReference(String arch) throws Exception {
        String[] identity = new String[1];
        assertMatchesGolden(arch, run(ModelSpec.timm(arch, weights(arch)), identity));
        assertTrue(identity[0].matches("timm/" + arch + ":sha256=[0-9a-f]{12}"), identity[0]);
    }

    /** The unfolded path (BatchNorms run as such; the one inside each separable conv too). */
    @Test
    void unfoldedNetworkMatchesTheReference() throws Exception {
        assertMatchesGolden("xception41", run(ModelSpec.timm("xception41", weights("xception41"))
                .withRuntime(new RuntimeOptions(Precision.FLOAT32, false))));
    }

    /** A Hadoop URI goes through the same verified cache and SHA-256 check as Keras files. */
    @Test
    void remoteUriIsCachedAndChecked(@TempDir Path tmp) throws Exception {
        Path file = Path.of(weights("xception41"));
        String sha = Checksums.sha256(file);
        String uri = LoopbackFileSystem.uri(file).toString();
        ModelSpec spec = ModelSpec.timm("xception41", uri)
                .withPretrained(new PretrainedWeights(uri, sha, 0L, "", "", 299, 299))
                .withFetch(new WeightsFetch("", tmp.toString(), false));
        try (ScoringModel model = ModelLoader.load(spec, LoopbackFileSystem.configuration())) {
            assertEquals("timm/xception41:sha256=" + sha.substring(0, 12), model.identity().toString());
        }
        String wrong = "ab".repeat(32);
        ModelSpec mismatch = ModelSpec.timm("xception41", file.toString())
                .withPretrained(new PretrainedWeights(file.toString(), wrong, 0L, "", "", 299, 299));
        WeightsException e = assertThrows(WeightsException.class, () -> ModelLoader.load(mismatch));
        assertTrue(e.getMessage().contains("checksum mismatch") && e.getMessage().contains(sha), e.getMessage());
    }

    @Test
    void fileOfAnotherVariantSaysWhichItIs() {
        WeightsMismatchException e = assertThrows(WeightsMismatchException.class,
                () -> ModelLoader.load(ModelSpec.timm("xception65", weights("xception41"))));
        assertTrue(e.getMessage().contains("set model.architecture = xception41")
                && e.getMessage().contains("missing (first: 'blocks.13.stack.conv1.conv_dw.weight' [728, 1, 3, 3])"),
                e.getMessage());
    }

    @Test
    void featureExtractorIgnoresTheClassifierAndGivesTheSameEmbeddings() throws Exception {
        ModelSpec notop = ModelSpec.timm("xception41", weights("xception41")).withHead(HeadOptions.features(Pooling.AVG));
        BatchOutput out = run(notop);
        assertNull(out.logits());
        for (int i = 0; i < count; i++) {
            HashFixtures.assertMatchesGolden("xception41", i, null, out.embeddings()[i]);
        }
    }

    private static void assertMatchesGolden(String arch, BatchOutput out) {
        for (int i = 0; i < count; i++) {
            HashFixtures.assertMatchesGolden(arch, i, out.logits()[i], out.embeddings()[i]);
        }
    }
}
