package io.xceptionspark.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.inference.Predictor;
import com.fasterxml.jackson.databind.JsonNode;
import io.xceptionspark.testing.Golden;
import io.xceptionspark.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The TorchScript path against fixtures/torchscript-tiny, and contract violations. */
class TorchScriptModelsTest {
    private static final Path TINY = TestData.path(Golden.TORCHSCRIPT_MODEL);

    @Test
    void tinyContractModelReproducesGoldenOutputsInOneBatch() throws Exception {
        JsonNode golden = TestData.json(Golden.TORCHSCRIPT_DIR + "/golden.json");
        List<String> names = new ArrayList<>();
        golden.fieldNames().forEachRemaining(names::add);
        int per = 3 * 299 * 299;
        float[] data = new float[names.size() * per];
        for (int i = 0; i < names.size(); i++) {
            float[] x = TestData.kerasInput(TestData.path(Golden.IMAGES + "/" + names.get(i)));
            System.arraycopy(x, 0, data, i * per, per);
        }
        try (ScoringModel model = TorchScriptModels.load(TINY, OutputLayout.parseTorchScript("logits,embedding"),
                299, 299, "test");
             Predictor<ImageBatch, BatchOutput> predictor = model.newPredictor()) {
            assertEquals(1000, model.classes());
            assertEquals(2048, model.embeddingSize());
            BatchOutput out = predictor.predict(new ImageBatch(data, names.size(), 299, 299));
            for (int i = 0; i < names.size(); i++) {
                Golden.assertMatches(golden, names.get(i), out.logits()[i], out.embeddings()[i],
                        TestData.topK(out.logits()[i], 5));
            }
        }
    }

    @Test
    void outputsThatDoNotMatchTheDeclarationFailAtLoad() {
        ModelLoadException e = assertThrows(ModelLoadException.class,
                () -> TorchScriptModels.load(TINY, OutputLayout.parseTorchScript("embedding"), 299, 299, "x"));
        assertTrue(e.getMessage().contains("tiny_contract.pt") && e.getMessage().contains("does not follow the declared contract")
                && e.getMessage().contains("embedding [N,D]"), e.getMessage());
    }

    @Test
    void aFileThatIsNotTorchScriptIsRefusedNamingIt(@TempDir Path dir) throws Exception {
        Path notAModel = Files.writeString(dir.resolve("model.pt"), "definitely not a zip archive");
        ModelLoadException e = assertThrows(ModelLoadException.class,
                () -> TorchScriptModels.load(notAModel, OutputLayout.parseTorchScript(""), 299, 299, "x"));
        assertTrue(e.getMessage().contains("Cannot load " + notAModel) && e.getMessage().contains("torch.jit.save"),
                e.getMessage());
        ModelLoadException missing = assertThrows(ModelLoadException.class,
                () -> TorchScriptModels.load(dir.resolve("nope.pt"), OutputLayout.parseTorchScript(""), 299, 299, "x"));
        assertTrue(missing.getMessage().contains("nope.pt does not exist"), missing.getMessage());
    }

    @Test
    void unknownOutputDeclarationIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OutputLayout.parseTorchScript("probabilities"));
        assertTrue(e.getMessage().contains("'logits,embedding'"), e.getMessage());
    }
}
