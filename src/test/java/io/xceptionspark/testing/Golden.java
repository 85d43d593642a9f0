package io.xceptionspark.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The keras-formula fixture's golden outputs and the acceptance tolerance: max |diff| <= 1e-3 * max |reference|
 * for logits and embeddings, and the same top-5 class indices.
 */
public final class Golden {
    public static final String DIR = "fixtures/keras-formula";
    public static final String WEIGHTS = DIR + "/xception_formula.h5";
    public static final String IMAGES = DIR + "/images299";
    /** Keras' layer names of Xception, weightless ones too, in model.layers order (its model summary). */
    public static final String KERAS_LAYERS = "fixtures/keras_layers.txt";

    private Golden() {}

    /** The tiny TorchScript model of the scorer's contract, and its golden outputs on the same images. */
    public static final String TORCHSCRIPT_DIR = "fixtures/torchscript-tiny";
    public static final String TORCHSCRIPT_MODEL = TORCHSCRIPT_DIR + "/tiny_contract.pt";

    public static JsonNode all() {
        return TestData.json(DIR + "/golden.json");
    }

    /** Asserts one image's logits, embedding and top-5 indices match the golden entry. */
    public static void assertMatches(String image, float[] logits, float[] embedding, int[] top5) {
        assertMatches(all(), image, logits, embedding, top5);
    }

    /** As {@link #assertMatches(String, float[], float[], int[])} against another golden file. */
    public static void assertMatches(JsonNode goldenFile, String image, float[] logits, float[] embedding, int[] top5) {
        JsonNode golden = goldenFile.get(image);
        float[] refLogits = TestData.floats(golden.get("logits"));
        float[] refEmbedding = TestData.floats(golden.get("embedding"));
        assertEquals(refLogits.length, logits.length, image + " logits");
        assertEquals(refEmbedding.length, embedding.length, image + " embedding");
        double logitsDiff = TestData.maxAbsDiff(refLogits, logits);
        double embeddingDiff = TestData.maxAbsDiff(refEmbedding, embedding);
        assertTrue(logitsDiff <= 1e-3 * TestData.maxAbs(refLogits),
                image + ": logits max |diff| " + logitsDiff + " > 1e-3 * " + TestData.maxAbs(refLogits));
        assertTrue(embeddingDiff <= 1e-3 * TestData.maxAbs(refEmbedding),
                image + ": embedding max |diff| " + embeddingDiff + " > 1e-3 * " + TestData.maxAbs(refEmbedding));
        assertArrayEquals(TestData.ints(golden.get("top5")), top5, image + " top-5");
    }

    /** The golden top-5 softmax probabilities of an image. */
    public static float[] top5Probabilities(String image) {
        return TestData.floats(all().get(image).get("top5_prob"));
    }
}
