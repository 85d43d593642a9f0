package io.xceptionspark.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.TranslateException;
import ai.djl.util.Pair;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Structure of the network against the Keras model summary, and the input-shape rules. */
class XceptionArchitectureTest {

    private static long[] countParameters(Model model) {
        long total = 0;
        long nonTrainable = 0;
        for (Pair<String, Parameter> p : model.getBlock().getParameters()) {
            long size = p.getValue().getArray().size();
            total += size;
            if (!p.getValue().requiresGradient()) {
                nonTrainable += size;
            }
        }
        return new long[] {total, nonTrainable};
    }

    @Test
    void parameterCountsMatchKeras() {
        try (Model top = XceptionModels.withRandomWeights(XceptionOptions.defaults(), 1, false);
             Model notop = XceptionModels.withRandomWeights(XceptionOptions.notop(Pooling.AVG, 299, 299), 1, false)) {
            assertArrayEquals(new long[] {22_910_480, 54_528}, countParameters(top));
            assertEquals(20_861_480, countParameters(notop)[0]);
        }
    }

    @Test
    void stageShapesAt299MatchKerasSummary() {
        Map<String, Shape> stages = new LinkedHashMap<>();
        // the named stages are the Java network's (unfolded: the program runs the folded one as a whole)
        try (Model model = XceptionModels.withRandomWeights(XceptionOptions.defaults(), 7, false);
             NDManager manager = model.getNDManager().newSubManager()) {
            NDArray x = manager.zeros(new Shape(1, 3, 299, 299));
            NDList out = ((XceptionNetwork) model.getBlock()).forward(x, (name, a) -> stages.put(name, a.getShape()));
            assertEquals(new Shape(1, 32, 149, 149), stages.get("block1_conv1"));
            assertEquals(new Shape(1, 64, 147, 147), stages.get("block1_conv2"));
            assertEquals(new Shape(1, 128, 74, 74), stages.get("block2_pool"));
            assertEquals(new Shape(1, 256, 37, 37), stages.get("block3_pool"));
            assertEquals(new Shape(1, 728, 19, 19), stages.get("block4_pool"));
            assertEquals(new Shape(1, 1024, 10, 10), stages.get("block13_pool"));
            assertEquals(new Shape(1, 2048, 10, 10), stages.get("block14_sepconv2_act"));
            assertEquals(new Shape(1, 2048), out.get(NetworkOutput.EMBEDDING_INDEX).getShape());
            assertEquals(new Shape(1, 1000), out.get(NetworkOutput.LOGITS_INDEX).getShape());
            float[] probabilities = out.get(NetworkOutput.PREDICTIONS_INDEX).toFloatArray();
            double sum = 0;
            for (float p : probabilities) {
                sum += p;
            }
            assertEquals(1.0, sum, 1e-4, "softmax predictions sum to 1");
        }
    }

    @ParameterizedTest(name = "{0}x{1}")
    @CsvSource({"71,71", "150,200", "100,81"})
    void smallAndNonSquareInputsGivePooledEmbeddings(int height, int width) throws TranslateException {
        XceptionOptions options = XceptionOptions.notop(Pooling.AVG, height, width);
        try (Model folded = XceptionModels.withRandomWeights(options, 3, true);
             Model reference = XceptionModels.withRandomWeights(options, 3, false);
             NDManager manager = folded.getNDManager().newSubManager()) {
            NDArray x = manager.randomUniform(-1, 1, new Shape(2, 3, height, width));
            float[] program = forward(folded, x).singletonOrThrow().toFloatArray();
            NDList out = forward(reference, x);
            assertEquals(1, out.size());
            assertEquals(new Shape(2, 2048), out.singletonOrThrow().getShape());
            float[] java = out.singletonOrThrow().toFloatArray();
            for (int i = 0; i < java.length; i++) {
                assertTrue(Float.isFinite(java[i]));
                assertEquals(java[i], program[i], 1e-4 * (1 + Math.abs(java[i])), "program = Java network at " + i);
            }
            assertEquals(new Shape(2, 2048), reference.getBlock().getOutputShapes(new Shape[] {x.getShape()})[0]);
        }
    }

    private static NDList forward(Model model, NDArray x) throws TranslateException {
        try (Predictor<NDList, NDList> predictor = model.newPredictor(new NoopTranslator())) {
            NDList out = predictor.predict(new NDList(x));
            out.attach(x.getManager());
            return out;
        }
    }

    @Test
    void poolingNoneReturnsTheFeatureMapAndMaxPoolingItsMaximum() throws TranslateException {
        try (Model none = XceptionModels.withRandomWeights(XceptionOptions.notop(Pooling.NONE, 150, 200), 5, true);
             Model max = XceptionModels.withRandomWeights(XceptionOptions.notop(Pooling.MAX, 150, 200), 5, true);
             NDManager manager = none.getNDManager().newSubManager()) {
            NDArray x = manager.randomUniform(-1, 1, new Shape(1, 3, 150, 200));
            NDArray map = forward(none, x).singletonOrThrow();
            assertEquals(new Shape(1, 2048, 5, 7), map.getShape());
            NDArray pooled = forward(max, x).singletonOrThrow();
            float[] expected = map.reshape(1, 2048, 35).max(new int[] {2}).toFloatArray();
            assertArrayEquals(expected, pooled.toFloatArray(), 0f);
        }
    }

    @Test
    void tooSmallOrWrongChannelInputsAreRefusedWithTheFix() {
        IllegalArgumentException small = assertThrows(IllegalArgumentException.class,
                () -> XceptionOptions.notop(Pooling.AVG, 70, 70));
        assertTrue(small.getMessage().contains("at least 71x71") && small.getMessage().contains("70x70"),
                small.getMessage());
        IllegalArgumentException gray = assertThrows(IllegalArgumentException.class,
                () -> InputShape.check(299, 299, 1));
        assertTrue(gray.getMessage().contains("3-channel"), gray.getMessage());
    }

    @Test
    void sameSeedSameWeights() {
        try (Model a = XceptionModels.withRandomWeights(XceptionOptions.notop(Pooling.AVG, 71, 71), 42, false);
             Model b = XceptionModels.withRandomWeights(XceptionOptions.notop(Pooling.AVG, 71, 71), 42, false);
             Model c = XceptionModels.withRandomWeights(XceptionOptions.notop(Pooling.AVG, 71, 71), 43, false)) {
            float[] wa = a.getBlock().getParameters().get(0).getValue().getArray().toFloatArray();
            float[] wb = b.getBlock().getParameters().get(0).getValue().getArray().toFloatArray();
            float[] wc = c.getBlock().getParameters().get(0).getValue().getArray().toFloatArray();
            assertArrayEquals(wa, wb, 0f);
            assertTrue(!java.util.Arrays.equals(wa, wc), "another seed gives other weights");
        }
    }
}
