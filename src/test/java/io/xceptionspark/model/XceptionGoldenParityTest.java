package io.xceptionspark.model;

import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.TranslateException;
import io.xceptionspark.testing.Golden;
import io.xceptionspark.testing.TestData;
import java.util.Iterator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The network with the formula weights against the independent reference's golden outputs: folded (the network
 * program on oneDNN, what users run) and unfolded (the Java network op by op, Keras' own order of operations).
 */
class XceptionGoldenParityTest {

    @ParameterizedTest(name = "folded BatchNorm = {0}")
    @ValueSource(booleans = {true, false})
    void formulaWeightsReproduceGoldenLogitsAndEmbeddings(boolean fold) throws TranslateException {
        XceptionOptions options = XceptionOptions.defaults();
        XceptionNetwork shapeSource = new XceptionNetwork(options);
        try (Model model = XceptionModels.withKerasWeights(options, FormulaWeights.forNetwork(shapeSource),
                "formula", fold)) {
            assertGolden(model);
        }
    }

    /** Runs the five golden images one at a time through the network and checks them against golden.json. */
    static void assertGolden(Model model) throws TranslateException {
        for (Iterator<String> it = Golden.all().fieldNames(); it.hasNext(); ) {
            String image = it.next();
            float[] input = TestData.kerasInput(TestData.path(Golden.IMAGES + "/" + image));
            try (NDManager manager = model.getNDManager().newSubManager();
                 Predictor<NDList, NDList> predictor = model.newPredictor(new NoopTranslator())) {
                NDArray x = manager.create(input, new Shape(1, 3, 299, 299));
                NDList out = predictor.predict(new NDList(x));
                float[] logits = out.get(NetworkOutput.LOGITS_INDEX).toFloatArray();
                Golden.assertMatches(image, logits, out.get(NetworkOutput.EMBEDDING_INDEX).toFloatArray(),
                        TestData.topK(logits, 5));
            }
        }
    }
}
