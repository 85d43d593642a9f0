package io.xceptionspark.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import io.xceptionspark.testing.Shared;
import java.util.Iterator;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The Java network with the formula weights against the independent reference's golden outputs. */
class XceptionGoldenParityTest {

    @ParameterizedTest(name = "folded BatchNorm = {0}")
    @ValueSource(booleans = {true, false})
    void formulaWeightsReproduceGoldenLogitsAndEmbeddings(boolean fold) {
        XceptionOptions options = XceptionOptions.defaults();
        XceptionNetwork shapeSource = new XceptionNetwork(options);
        try (Model model = XceptionModels.withKerasWeights(options, FormulaWeights.forNetwork(shapeSource),
                "formula", fold)) {
            assertGolden(model);
        }
    }

    static void assertGolden(Model model) {
        JsonNode golden = Shared.json("fixtures/keras-formula/golden.json");
        XceptionNetwork network = (XceptionNetwork) model.getBlock();
        for (Iterator<Map.Entry<String, JsonNode>> it = golden.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            float[] input = Shared.kerasInput(Shared.path("fixtures/keras-formula/images299/" + entry.getKey()));
            try (NDManager manager = model.getNDManager().newSubManager()) {
                NDArray x = manager.create(input, new Shape(1, 3, 299, 299));
                NDList out = network.forward(x, (s, a) -> { });
                float[] embedding = out.get(NetworkOutput.EMBEDDING_INDEX).toFloatArray();
                float[] logits = out.get(NetworkOutput.LOGITS_INDEX).toFloatArray();
                float[] refLogits = Shared.floats(entry.getValue().get("logits"));
                float[] refEmbedding = Shared.floats(entry.getValue().get("embedding"));
                double logitErr = Shared.maxAbsDiff(logits, refLogits);
                double embErr = Shared.maxAbsDiff(embedding, refEmbedding);
                System.out.printf("%s: max|dlogit|=%.3g (ref max %.3g), max|demb|=%.3g (ref max %.3g)%n",
                        entry.getKey(), logitErr, Shared.maxAbs(refLogits), embErr, Shared.maxAbs(refEmbedding));
                assertTrue(logitErr <= 1e-3 * Shared.maxAbs(refLogits), entry.getKey() + " logits off by " + logitErr);
                assertTrue(embErr <= 1e-3 * Shared.maxAbs(refEmbedding), entry.getKey() + " embedding off by " + embErr);
                assertArrayEquals(Shared.ints(entry.getValue().get("top5")), Shared.topK(logits, 5), entry.getKey());
            }
        }
    }
}
