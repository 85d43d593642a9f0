package io.xceptionspark.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoopTranslator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The op table's layout comes from the shipped program (its layout()), and the program checks the weight
 * references against the channels flowing through the table. The whole networks are checked by the parity tests.
 */
class NetworkProgramTest {
    private static final XceptionOptions NOTOP = XceptionOptions.notop(Pooling.AVG, 71, 71); // only its head is read

    @Test
    void encodesOpsWithTheNumbersTheLayoutGives() {
        OpLayout layout = new OpLayout(Map.of("fields", 4, "CONV", 7, "RELU", 9,
                "CONV.weight", 3, "CONV.bias", 1, "CONV.stride", 2));
        long[] table = layout.encode(List.of(
                new NetworkProgram.Op("CONV", Map.of("weight", 5, "bias", -1, "stride", 2)),
                new NetworkProgram.Op("RELU", Map.of())));
        assertArrayEquals(new long[] {7, -1, 2, 5, 9, 0, 0, 0}, table);
    }

    @Test
    void failsOnAnOpOrArgumentsTheProgramDoesNotDefine() {
        OpLayout layout = new OpLayout(Map.of("fields", 3, "CONV", 0, "CONV.weight", 1, "CONV.bias", 2));
        IllegalStateException unknownOp = assertThrows(IllegalStateException.class,
                () -> layout.encode(List.of(new NetworkProgram.Op("RELU", Map.of()))));
        assertTrue(unknownOp.getMessage().contains("defines no RELU"), unknownOp.getMessage());
        IllegalStateException missingArgument = assertThrows(IllegalStateException.class,
                () -> layout.encode(List.of(new NetworkProgram.Op("CONV", Map.of("weight", 0)))));
        assertTrue(missingArgument.getMessage().contains("CONV takes [bias, weight]"), missingArgument.getMessage());
        assertThrows(IllegalStateException.class,
                () -> new OpLayout(Map.of("fields", 3, "CONV", 0, "CONV.weight", 1, "CONV.bias", 1)));
    }

    @Test
    void theShippedProgramRunsATableWrittenByName() {
        try (NDManager manager = NDManager.newBaseManager(XceptionModels.ENGINE)) {
            // conv (zero weight, bias 1..4) -> relu -> save -> identity pointwise conv -> add: 2 * (1..4) per pixel
            NetworkProgram program = new NetworkProgram()
                    .conv(manager.zeros(new Shape(4, 3, 3, 3)), manager.create(new float[] {1, 2, 3, 4}), 1, 1, false)
                    .relu().save()
                    .conv(manager.eye(4), null, 1, 0, false)
                    .add();
            try (Model model = program.compile("tiny", NOTOP, List.of(), Precision.FLOAT32);
                 Predictor<NDList, NDList> predictor = model.newPredictor(new NoopTranslator())) {
                NDArray input = manager.ones(new Shape(1, 3, 5, 5));
                float[] embedding = predictor.predict(new NDList(input)).get(0).toFloatArray();
                assertArrayEquals(new float[] {2, 4, 6, 8}, embedding, 1e-6f);
            } catch (ai.djl.translate.TranslateException e) {
                throw new AssertionError(e);
            }
        }
    }

    @Test
    void theShippedProgramRejectsAWeightThatDoesNotFitTheMap() {
        try (NDManager manager = NDManager.newBaseManager(XceptionModels.ENGINE)) {
            NetworkProgram program = new NetworkProgram()
                    .conv(manager.zeros(new Shape(4, 3, 3, 3)), manager.zeros(new Shape(4)), 1, 1, false)
                    .conv(manager.zeros(new Shape(8, 5)), null, 1, 0, false);
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> program.compile("tiny", NOTOP, List.of(), Precision.FLOAT32).close());
            assertTrue(e.getMessage().contains("takes 5 channels, the map has 4"), e.getMessage());
            NetworkProgram wrongBias = new NetworkProgram()
                    .conv(manager.zeros(new Shape(4, 3, 3, 3)), manager.zeros(new Shape(8)), 1, 1, false);
            IllegalStateException bias = assertThrows(IllegalStateException.class,
                    () -> wrongBias.compile("tiny", NOTOP, List.of(), Precision.FLOAT32).close());
            assertTrue(bias.getMessage().contains("bias 1"), bias.getMessage());
        }
    }
}
