package io.xceptionspark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xceptionspark.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every configuration error of the command line ends with one clear message on stderr, a non-zero exit
 * code (2 for configuration, 3 for the model) and nothing written. None of these runs starts Spark.
 */
class ScoreCommandErrorsTest {
    @TempDir
    Path tmp;
    Path input;
    Path output;

    @BeforeEach
    void inputs() throws Exception {
        input = tmp.resolve("in");
        Files.createDirectories(input);
        Files.copy(TestData.path("edge-images/hopper.bmp"), input.resolve("hopper.bmp"));
        output = tmp.resolve("out");
    }

    private CliRun score(String... extra) {
        List<String> args = new ArrayList<>(List.of("score", "--input", input.toString(), "--output", output.toString(),
                "--set", "model.weights=none", "--set", "model.input-height=71", "--set", "model.input-width=71"));
        args.addAll(List.of(extra));
        return CliRun.of(args.toArray(String[]::new));
    }

    /** One message line (the error), the expected code, and no output directory. */
    private void assertFails(CliRun run, int code, String... fragments) {
        assertEquals(code, run.exitCode(), run.toString());
        assertTrue(run.err().startsWith("xception-spark: error: "), run.toString());
        for (String f : fragments) {
            assertTrue(run.err().contains(f), "missing '" + f + "' in:\n" + run);
        }
        assertFalse(run.err().contains("\tat "), "no stack trace for a user error:\n" + run);
        assertFalse(Files.exists(output), "nothing may be written");
    }

    @Test
    void unknownJpegDraftValue() {
        assertFails(score("--set", "preprocess.jpeg-draft=fast"), ExitCodes.CONFIG, "preprocess.jpeg-draft", "'fast'",
                "valid values: off, auto");
    }

    @Test
    void invalidInputPath() {
        input = tmp.resolve("no-such-dir");
        assertFails(score(), ExitCodes.CONFIG, "Input path", "no-such-dir", "does not exist", "input.paths");
    }

    @Test
    void inputGlobMatchingNothing() {
        input = tmp.resolve("in/*.tiff");
        assertFails(score(), ExitCodes.CONFIG, "matches nothing");
    }

    @Test
    void unknownKeyOnTheCommandLineNamesTheNearestKey() {
        assertFails(score("--set", "scoring.batchsize=4"), ExitCodes.CONFIG,
                "Unknown configuration key 'scoring.batchsize'", "did you mean 'scoring.batch-size'");
    }

    @Test
    void unknownKeyInAJobFileNamesFileLineAndNearestKey() throws Exception {
        Path job = tmp.resolve("job.conf");
        Files.writeString(job, "xception-spark {\n  scoring {\n    top_k = 3\n  }\n}\n");
        assertFails(score("--job", job.toString()), ExitCodes.CONFIG, "'scoring.top_k'", "job.conf:3",
                "did you mean 'scoring.top-k'");
    }

    @Test
    void keyOutsideTheNamespace() throws Exception {
        Path job = tmp.resolve("job.conf");
        Files.writeString(job, "scoring.mode = embeddings\n");
        assertFails(score("--job", job.toString()), ExitCodes.CONFIG, "outside the xception-spark { } block");
    }

    @Test
    void missingJobFile() {
        assertFails(score("--job", tmp.resolve("nope.conf").toString()), ExitCodes.CONFIG, "nope.conf", "does not exist");
    }

    @Test
    void badValues() {
        assertFails(score("--mode", "captions"), ExitCodes.CONFIG, "scoring.mode", "labels, embeddings or both");
        assertFails(score("--set", "scoring.batch-size=0"), ExitCodes.CONFIG, "scoring.batch-size", "between 1 and 256");
        assertFails(score("--set", "scoring.batch-size=1000"), ExitCodes.CONFIG, "scoring.batch-size");
        assertFails(score("--resize", "stretch"), ExitCodes.CONFIG, "preprocess.resize", "crop, squash");
        assertFails(score("--precision", "half"), ExitCodes.CONFIG, "model.precision", "float32, bfloat16", "half");
        assertFails(score("--precision", "bfloat16", "--model",
                        TestData.path(io.xceptionspark.testing.Golden.TORCHSCRIPT_MODEL).toString()),
                ExitCodes.CONFIG, "model.precision", "TorchScript model computes in the dtype it was saved with");
        assertFails(score("--set", "input.recursive=maybe"), ExitCodes.CONFIG, "input.recursive", "true or false");
        assertFails(score("--set", "input.modified-after=yesterday"), ExitCodes.CONFIG, "input.modified-after",
                "yyyy-MM-ddTHH:mm:ss");
        assertFails(score("--set", "output.partition-by=path"), ExitCodes.CONFIG, "output.partition-by");
        assertFails(score("--set", "model.input-height=50"), ExitCodes.CONFIG, "at least 71x71");
    }

    @Test
    void severalProblemsAreReportedTogether() {
        CliRun run = score("--mode", "captions", "--set", "scoring.top-k=0");
        assertFails(run, ExitCodes.CONFIG, "scoring.mode", "scoring.top-k");
    }

    @Test
    void existingOutputWithErrorIfExists() throws Exception {
        Files.createDirectories(output);
        Path marker = Files.writeString(output.resolve("part-00000.parquet"), "old results");
        CliRun run = score();
        assertEquals(ExitCodes.CONFIG, run.exitCode(), run.toString());
        assertTrue(run.err().contains("already exists") && run.err().contains("output.save-mode"), run.toString());
        assertEquals("old results", Files.readString(marker), "the existing output is untouched");
        try (Stream<Path> files = Files.list(output)) {
            assertEquals(1, files.count());
        }
    }

    @Test
    void unwritableOutput() throws Exception {
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        output = file.resolve("out");
        assertFails(score(), ExitCodes.CONFIG, "Cannot write the output", "is a file, not a directory");
    }

    @Test
    void outputInsideARecursivelyReadInput() {
        output = input.resolve("results");
        assertFails(score(), ExitCodes.CONFIG, "lies inside the input");
    }

    @Test
    void incrementalNeedsAppend() {
        assertFails(score("--set", "output.incremental=true"), ExitCodes.CONFIG, "output.save-mode = append");
    }

    @Test
    void labelsNeedTheClassifier() {
        assertFails(score("--set", "model.include-top=false"), ExitCodes.CONFIG, "needs the classifier",
                "scoring.mode = embeddings");
    }

    @Test
    void missingWeightsFileIsAModelError() {
        assertFails(score("--weights", tmp.resolve("missing.h5").toString()), ExitCodes.MODEL, "missing.h5",
                "does not exist");
    }

    @Test
    void unknownArchitectureNamesEveryArchitecture() {
        assertFails(score("--architecture", "xception99"), ExitCodes.CONFIG, "model.architecture",
                "xception, xception41, xception65, xception71 or torchscript");
    }

    @Test
    void kerasWeightsFileForATimmArchitectureIsAModelError() {
        String h5 = TestData.path("fixtures/keras-formula/xception_formula.h5").toString();
        assertFails(score("--architecture", "xception65", "--weights", h5), ExitCodes.MODEL, h5,
                "is a Keras HDF5 (.h5) weights file, but model.architecture = xception65 takes timm's model.safetensors");
    }

    @Test
    void damagedWeightsFileIsAModelError() throws Exception {
        Path bad = Files.writeString(tmp.resolve("bad.h5"), "this is not HDF5");
        assertFails(score("--weights", bad.toString()), ExitCodes.MODEL, "bad.h5");
    }

    @Test
    void weightsChecksumMismatchIsAModelError() {
        String wrong = "0".repeat(64);
        assertFails(score("--weights", TestData.path("fixtures/keras-formula/xception_formula.h5").toString(),
                "--set", "model.weights-sha256=" + wrong), ExitCodes.MODEL, "checksum mismatch", wrong,
                "1d630e5fc0e35f081f54bc185a2e8747d41d0aaa581993071c265d321c5ab41e", "model.weights-sha256");
    }

    @Test
    void malformedChecksumIsAConfigurationError() {
        assertFails(score("--set", "model.weights-sha256=abc123"), ExitCodes.CONFIG, "model.weights-sha256",
                "64 hexadecimal digits");
    }

    @Test
    void unknownOptionIsAUsageError() {
        CliRun run = score("--inptu", "x");
        assertEquals(ExitCodes.CONFIG, run.exitCode(), run.toString());
        assertTrue(run.err().contains("Unknown option"), run.toString());
        assertFalse(Files.exists(output));
    }

    @Test
    void missingInputAndOutput() {
        CliRun run = CliRun.of("score", "--weights", "none");
        assertEquals(ExitCodes.CONFIG, run.exitCode(), run.toString());
        assertTrue(run.err().contains("No input"), run.toString());
    }

    @Test
    void dryRunChecksEverythingAndWritesNothing() {
        CliRun run = score("--dry-run");
        assertEquals(ExitCodes.OK, run.exitCode(), run.toString());
        assertTrue(run.out().contains("spark-submit --master"), run.out());
        assertTrue(run.out().contains("--class io.xceptionspark.cli.Main"), run.out());
        assertTrue(run.out().contains("batch-size"), "resolved configuration printed:\n" + run.out());
        assertFalse(Files.exists(output));
    }
}
