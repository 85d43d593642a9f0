package io.xceptionspark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.xceptionspark.testing.Shared;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * {@code predict --architecture xception41} with a timm checkpoint directory (model.safetensors + config.json,
 * made by scripts/make-timm-fixtures.sh): the preprocessing comes from config.json and is reported, the
 * identity names the architecture and the file, and the 299x299 images (squash: no resampling) give the
 * reference's logits and embeddings.
 */
@EnabledIfSystemProperty(named = "timm.fixtures.dir", matches = ".+")
class TimmPredictTest {
    @Test
    void timmCheckpointDirectoryScoresWithItsPretrainedPreprocessing() throws Exception {
        Path dir = Path.of(System.getProperty("timm.fixtures.dir")).resolve("xception41");
        List<String> args = new ArrayList<>(List.of("predict", "--json", "--architecture", "xception41", "--weights",
                dir.resolve("model.safetensors").toString(), "--resize", "squash"));
        try (Stream<Path> images = Files.list(Shared.path("fixtures/keras-formula/images299"))) {
            images.sorted().map(Path::toString).forEach(args::add);
        }
        CliRun run = CliRun.of(args.toArray(String[]::new));
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.err().matches("(?s).*model: timm/xception41:sha256=[0-9a-f]{12}\\n.*"), run.err());
        assertTrue(run.err().contains("preprocess: 299x299 squash bicubic crop_pct=0.903 mean=0.5,0.5,0.5"
                + " std=0.5,0.5,0.5"), run.err());
        JsonNode golden = new ObjectMapper().readTree(dir.resolve("golden.json").toFile());
        String[] lines = run.out().strip().split("\n");
        assertEquals(golden.size(), lines.length, run.out());
        for (String line : lines) {
            JsonNode o = new ObjectMapper().readTree(line);
            JsonNode ref = golden.get(Path.of(o.get("file").asText()).getFileName().toString());
            float[] logits = Shared.floats(o.get("logits"));
            float[] embedding = Shared.floats(o.get("embedding"));
            float[] refLogits = Shared.floats(ref.get("logits"));
            float[] refEmbedding = Shared.floats(ref.get("embedding"));
            assertTrue(Shared.maxAbsDiff(refLogits, logits) <= 1e-4 * Shared.maxAbs(refLogits), line);
            assertTrue(Shared.maxAbsDiff(refEmbedding, embedding) <= 1e-4 * Shared.maxAbs(refEmbedding), line);
            assertEquals(ref.get("top5").get(0).asInt(), o.get("top_k").get(0).get("class_index").asInt());
        }
    }
}
