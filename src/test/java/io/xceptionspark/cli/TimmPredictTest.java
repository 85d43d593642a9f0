package io.xceptionspark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.xceptionspark.testing.HashFixtures;
import io.xceptionspark.testing.TestData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code predict --architecture xception41} with a timm checkpoint directory (model.safetensors + config.json of the
 * hash fixture, {@link HashFixtures}): the preprocessing comes from config.json and is reported, the
 * identity names the architecture and the file, and the 299x299 images (squash: no resampling) give the
 * reference's logits and embeddings.
 */
class TimmPredictTest {
    @Test
    void timmCheckpointDirectoryScoresWithItsPretrainedPreprocessing() throws Exception {
        Path dir = HashFixtures.timmCheckpoint("xception41");
        List<String> args = new ArrayList<>(List.of("predict", "--json", "--architecture", "xception41", "--weights",
                dir.resolve("model.safetensors").toString(), "--resize", "squash"));
        HashFixtures.images().stream().map(Path::toString).forEach(args::add);
        CliRun run = CliRun.of(args.toArray(String[]::new));
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.err().matches("(?s).*model: timm/xception41:sha256=[0-9a-f]{12}\\n.*"), run.err());
        assertTrue(run.err().contains("preprocess: 299x299 squash bicubic crop_pct=0.903 mean=0.5,0.5,0.5"
                + " std=0.5,0.5,0.5"), run.err());
        JsonNode golden = HashFixtures.golden("xception41");
        String[] lines = run.out().strip().split("\n");
        assertEquals(golden.size(), lines.length, run.out());
        for (String line : lines) {
            JsonNode o = new ObjectMapper().readTree(line);
            JsonNode ref = golden.get(Path.of(o.get("file").asText()).getFileName().toString());
            float[] logits = TestData.floats(o.get("logits"));
            float[] embedding = TestData.floats(o.get("embedding"));
            float[] refLogits = TestData.floats(ref.get("logits"));
            float[] refEmbedding = TestData.floats(ref.get("embedding"));
            double tolerance = HashFixtures.RELATIVE_TOLERANCE;
            assertTrue(TestData.maxAbsDiff(refLogits, logits) <= tolerance * TestData.maxAbs(refLogits), line);
            assertTrue(TestData.maxAbsDiff(refEmbedding, embedding) <= tolerance * TestData.maxAbs(refEmbedding), line);
            assertEquals(ref.get("top5").get(0).asInt(), o.get("top_k").get(0).get("class_index").asInt());
        }
    }
}
