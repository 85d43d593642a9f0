package io.xceptionspark.model;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.xceptionspark.testing.Golden;
import io.xceptionspark.testing.TestData;
import java.util.Iterator;
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

    /** Runs the five golden images one at a time through the network and checks them against golden.json. */
    static void assertGolden(Model model) {
        XceptionNetwork network = (XceptionNetwork) model.getBlock();
        for (Iterator<String> it = Golden.all().fieldNames(); it.hasNext(); ) {
            String image = it.next();
            float[] input = TestData.kerasInput(TestData.path(Golden.IMAGES + "/" + image));
            try (NDManager manager = model.getNDManager().newSubManager()) {
                NDArray x = manager.create(input, new Shape(1, 3, 299, 299));
                NDList out = network.forward(x, (s, a) -> { });
                float[] logits = out.get(NetworkOutput.LOGITS_INDEX).toFloatArray();
                Golden.assertMatches(image, logits, out.get(NetworkOutput.EMBEDDING_INDEX).toFloatArray(),
                        TestData.topK(logits, 5));
            }
        }
    }
}
