package io.xceptionspark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xceptionspark.spark.ScoringJob;
import io.xceptionspark.testing.TestData;
import io.xceptionspark.testing.SparkTestSession;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The score command end to end in this JVM (sharing the tests' Spark session): exit 0, summary, rows. */
class ScoreCommandRunTest {
    @Test
    void scoresAndPrintsTheSummaryAndRows(@TempDir Path tmp) throws Exception {
        SparkTestSession.get();
        Path in = tmp.resolve("in");
        Files.createDirectories(in);
        Files.copy(TestData.path("edge-images/hopper.bmp"), in.resolve("hopper.bmp"));
        Files.copy(TestData.path("edge-images/empty.jpg"), in.resolve("empty.jpg"));
        Path out = tmp.resolve("out");
        CliRun run = CliRun.of("score", "--input", in.toString(), "--output", out.toString(), "--mode", "both",
                "--weights", "none", "--set", "model.input-height=71", "--set", "model.input-width=71", "--show", "5");
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().contains("spark-submit --master"), run.out());
        assertTrue(run.out().contains("--driver-java-options '-Dai.djl.offline=true --add-modules=jdk.incubator.vector"),
                "the driver options replace spark-defaults.conf's, so they carry the Vector API module: " + run.out());
        assertTrue(run.out().contains("xception-spark run summary"), run.out());
        assertTrue(run.out().matches("(?s).*scored\\s+1\\n.*failed\\s+1\\n\\s+EMPTY\\s+1\\n.*"), run.out());
        assertTrue(run.out().contains("hopper.bmp") && run.out().contains("2048 floats"), run.out());
        assertTrue(Files.isRegularFile(out.resolve(ScoringJob.SUMMARY_FILE)));
        assertTrue(SparkTestSession.get().sparkContext().isStopped() == false, "the shared session stays up");
    }

    /** --precision bfloat16: every file still gives one row, and the summary says how the CPU computes it. */
    @Test
    void bfloat16RunSaysWhetherTheCpuComputesItNatively(@TempDir Path tmp) throws Exception {
        SparkTestSession.get();
        Path in = tmp.resolve("in");
        Files.createDirectories(in);
        Files.copy(TestData.path("edge-images/hopper.bmp"), in.resolve("hopper.bmp"));
        Files.copy(TestData.path("edge-images/empty.jpg"), in.resolve("empty.jpg"));
        CliRun run = CliRun.of("score", "--input", in.toString(), "--output", tmp.resolve("out").toString(),
                "--mode", "both", "--precision", "bfloat16", "--weights", "none", "--set", "model.input-height=71",
                "--set", "model.input-width=71");
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().matches("(?s).*scored\\s+1\\n.*failed\\s+1\\n.*"), run.out());
        String cpu = io.xceptionspark.model.CpuBfloat16.thisMachine().describe();
        assertTrue(run.out().contains("xception-bfloat16/random:seed=") && run.out().contains(cpu), run.out());
    }
}
