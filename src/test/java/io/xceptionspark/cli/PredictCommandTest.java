package io.xceptionspark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.xceptionspark.testing.Golden;
import io.xceptionspark.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code predict}: no Spark; --json with the formula weights and squash matches golden.json. */
class PredictCommandTest {
    @Test
    void jsonMatchesGoldenForTheFormulaWeights() throws Exception {
        List<String> args = new ArrayList<>(List.of("predict", "--json", "--weights",
                TestData.path(Golden.WEIGHTS).toString(), "--resize", "squash"));
        try (Stream<Path> images = Files.list(TestData.path(Golden.IMAGES))) {
            images.sorted().map(Path::toString).forEach(args::add);
        }
        CliRun run = CliRun.of(args.toArray(String[]::new));
        assertEquals(0, run.exitCode(), run.toString());
        String[] lines = run.out().strip().split("\n");
        assertEquals(5, lines.length, run.out());
        ObjectMapper json = new ObjectMapper();
        for (String line : lines) {
            JsonNode o = json.readTree(line);
            String image = Path.of(o.get("file").asText()).getFileName().toString();
            assertEquals("OK", o.get("status").asText());
            JsonNode top = o.get("top_k");
            assertEquals(5, top.size());
            int[] top5 = new int[5];
            for (int i = 0; i < 5; i++) {
                top5[i] = top.get(i).get("class_index").asInt();
                assertTrue(top.get(i).get("wnid").asText().matches("n\\d{8}"));
                assertFalse(top.get(i).get("label").asText().isEmpty());
                assertEquals(Golden.top5Probabilities(image)[i], top.get(i).get("probability").floatValue(), 1e-3);
            }
            assertEquals(2048, o.get("embedding").size());
            Golden.assertMatches(image, TestData.floats(o.get("logits")), TestData.floats(o.get("embedding")), top5);
        }
        assertTrue(run.err().contains("model: xception/keras-h5:sha256="), run.err());
    }

    @Test
    void torchScriptModelWithDeclaredOutputsMatchesItsGolden() throws Exception {
        List<String> args = new ArrayList<>(List.of("predict", "--json", "--model",
                TestData.path(Golden.TORCHSCRIPT_MODEL).toString(), "--outputs", "logits,embedding", "--resize", "squash",
                "--input-size", "299x299"));
        try (Stream<Path> images = Files.list(TestData.path(Golden.IMAGES))) {
            images.sorted().map(Path::toString).forEach(args::add);
        }
        CliRun run = CliRun.of(args.toArray(String[]::new));
        assertEquals(0, run.exitCode(), run.toString());
        JsonNode golden = TestData.json(Golden.TORCHSCRIPT_DIR + "/golden.json");
        String[] lines = run.out().strip().split("\n");
        assertEquals(5, lines.length, run.out());
        for (String line : lines) {
            JsonNode o = new ObjectMapper().readTree(line);
            String image = Path.of(o.get("file").asText()).getFileName().toString();
            int[] top5 = new int[5];
            for (int i = 0; i < 5; i++) {
                top5[i] = o.get("top_k").get(i).get("class_index").asInt();
            }
            Golden.assertMatches(golden, image, TestData.floats(o.get("logits")), TestData.floats(o.get("embedding")), top5);
        }
        assertTrue(run.err().contains("model: torchscript/tiny_contract.pt"), run.err());
    }

    @Test
    void textOutputListsTop5PerImageAndReportsBadImages(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("images");
        Files.createDirectories(dir);
        Files.copy(TestData.path("edge-images/hopper.bmp"), dir.resolve("hopper.bmp"));
        Files.copy(TestData.path("edge-images/empty.jpg"), dir.resolve("empty.jpg"));
        CliRun run = CliRun.of("predict", "--weights", "none", "--input-size", "71x71", dir.toString());
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().contains("empty.jpg: ERROR EMPTY"), run.out());
        assertTrue(run.out().contains("hopper.bmp\n  1. "), run.out());
        assertTrue(run.out().contains("  5. "), run.out());
        assertFalse(run.out().contains("  6. "), run.out());
    }

    @Test
    void embeddingsOnlyModelPrintsEmbeddings() {
        CliRun run = CliRun.of("predict", "--json", "--weights", "none", "--include-top", "false", "--input-size", "71",
                TestData.path("edge-images/hopper.bmp").toString());
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().contains("\"embedding\":["), run.out());
        assertFalse(run.out().contains("top_k"), run.out());
    }

    /** --precision bfloat16: same top-1 as float32 on every golden image, and the run says how it computed. */
    @Test
    void bfloat16PredictionsKeepTheGoldenTop1() throws Exception {
        List<String> args = new ArrayList<>(List.of("predict", "--json", "--precision", "bfloat16", "--weights",
                TestData.path(Golden.WEIGHTS).toString(), "--resize", "squash"));
        try (Stream<Path> images = Files.list(TestData.path(Golden.IMAGES))) {
            images.sorted().map(Path::toString).forEach(args::add);
        }
        CliRun run = CliRun.of(args.toArray(String[]::new));
        assertEquals(0, run.exitCode(), run.toString());
        ObjectMapper json = new ObjectMapper();
        String[] lines = run.out().strip().split("\n");
        assertEquals(5, lines.length, run.out());
        for (String line : lines) {
            JsonNode o = json.readTree(line);
            String image = Path.of(o.get("file").asText()).getFileName().toString();
            int golden = TestData.ints(Golden.all().get(image).get("top5"))[0];
            assertEquals(golden, o.get("top_k").get(0).get("class_index").asInt(), image);
        }
        assertTrue(run.err().contains("model: xception-bfloat16/keras-h5:sha256="), run.err());
        assertTrue(run.err().contains("precision: bfloat16, bfloat16 "), run.err());
    }

    @Test
    void unknownPrecisionOrBfloat16WithATorchScriptModelIsAConfigError() {
        String image = TestData.path("edge-images/hopper.bmp").toString();
        CliRun unknown = CliRun.of("predict", "--weights", "none", "--precision", "fp16", image);
        assertEquals(ExitCodes.CONFIG, unknown.exitCode(), unknown.toString());
        assertTrue(unknown.err().contains("model.precision") && unknown.err().contains("float32, bfloat16")
                && unknown.err().contains("fp16"), unknown.toString());
        CliRun torchScript = CliRun.of("predict", "--model", TestData.path(Golden.TORCHSCRIPT_MODEL).toString(),
                "--precision", "bfloat16", image);
        assertEquals(ExitCodes.CONFIG, torchScript.exitCode(), torchScript.toString());
        assertTrue(torchScript.err().contains("model.precision") && torchScript.err().contains("TorchScript")
                && torchScript.err().contains("float32"), torchScript.toString());
        assertFalse(torchScript.err().contains("\tat "), torchScript.toString());
    }

    @Test
    void badWeightsFileIsAClearModelError(@TempDir Path tmp) throws Exception {
        Path bad = Files.writeString(tmp.resolve("weights.h5"), "not an HDF5 file");
        CliRun run = CliRun.of("predict", "--weights", bad.toString(), TestData.path("edge-images/hopper.bmp").toString());
        assertEquals(ExitCodes.MODEL, run.exitCode(), run.toString());
        assertTrue(run.err().startsWith("xception-spark: error: "), run.toString());
        assertTrue(run.err().contains("weights.h5"), run.toString());
        assertFalse(run.err().contains("\tat "), run.toString());
        CliRun missing = CliRun.of("predict", "--weights", tmp.resolve("nope.h5").toString(),
                TestData.path("edge-images/hopper.bmp").toString());
        assertEquals(ExitCodes.MODEL, missing.exitCode(), missing.toString());
        assertTrue(missing.err().contains("nope.h5"), missing.toString());
    }

    @Test
    void missingImageIsAUsageError() {
        CliRun run = CliRun.of("predict", "--weights", "none", "/no/such/image.jpg");
        assertEquals(ExitCodes.CONFIG, run.exitCode(), run.toString());
        assertTrue(run.err().contains("/no/such/image.jpg"), run.toString());
    }
}
