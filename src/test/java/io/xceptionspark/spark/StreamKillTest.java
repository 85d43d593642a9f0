package io.xceptionspark.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xceptionspark.testing.ChildJob;
import io.xceptionspark.testing.CrashPoints;
import io.xceptionspark.testing.SparkTestSession;
import io.xceptionspark.testing.TestJobs;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of a streaming driver (a child JVM running score --stream in local[2], micro-batches of 4 files), then a
 * restart from the checkpoint: afterwards every input file is in the output exactly once, for both sinks. Two
 * moments: while a later micro-batch's data files are being written (killed from outside), and right after a
 * micro-batch reached the output but before Spark's checkpoint recorded it (the JVM halts itself at
 * {@link CommitListener.Stage#MICRO_BATCH_WRITTEN}, through {@link CrashPoints}), so that the restart replays a micro-batch the output already holds.
 */
@Tag("crash") // left out of mvn verify; scripts/test.sh crash runs it (pom.xml)
class StreamKillTest {
    /** 13 sample images, 2 copies each. */
    private static final int FILES = 26;

    @TempDir
    Path tmp;

    @Test
    void parquetKilledWhileWritingAMicroBatch() throws Exception {
        Path out = tmp.resolve("out");
        Path staging = out.resolve(OutputDirs.DIR).resolve(OutputDirs.STAGING);
        killAndRestart("parquet", () -> hasRunDir(out) && ChildJob.anyFile(staging, ".parquet", Set.of()));
    }

    @Test
    void deltaKilledWhileWritingAMicroBatch() throws Exception {
        Path out = tmp.resolve("out");
        Set<Path>[] afterFirstCommit = new Set[1];
        killAndRestart("delta", () -> {
            if (afterFirstCommit[0] == null) {
                if (!java.nio.file.Files.exists(out.resolve("_delta_log/00000000000000000000.json"))) {
                    return false;
                }
                try {
                    afterFirstCommit[0] = ChildJob.files(out);
                } catch (java.io.IOException e) {
                    return false;
                }
            }
            return ChildJob.anyFile(out, ".parquet", afterFirstCommit[0]);
        });
    }

    @Test
    void parquetDiedBetweenOutputAndCheckpoint() throws Exception {
        dieAfterWriteAndRestart("parquet");
    }

    @Test
    void deltaDiedBetweenOutputAndCheckpoint() throws Exception {
        dieAfterWriteAndRestart("delta");
    }

    private void killAndRestart(String format, BooleanSupplier moment) throws Exception {
        Path in = images();
        ChildJob child = ChildJob.start(tmp.resolve("child.log"), args(in, format));
        assertTrue(child.killWhen(moment, 420_000), "the child was killed mid-stream:\n" + child.output());
        restartAndCheck(in, format);
    }

    private void dieAfterWriteAndRestart(String format) throws Exception {
        Path in = images();
        ChildJob child = ChildJob.start(tmp.resolve("child.log"),
                List.of(CrashPoints.flag(CrashPoints.name(CommitListener.Stage.MICRO_BATCH_WRITTEN))), args(in, format));
        assertEquals(CrashPoints.HALT_STATUS, child.waitFor(420_000), "the child died after a micro-batch:\n"
                + child.output());
        Dataset<Row> written = ScoringResults.read(SparkTestSession.get(), tmp.resolve("out").toString());
        assertEquals(4, written.count(), "the first micro-batch is in the output");
        String restart = restartAndCheck(in, format);
        assertTrue(restart.contains("micro-batch 0 (4 files) is in the output already"), restart);
    }

    private List<String> args(Path in, String format) {
        return new ArrayList<>(List.of("--stream", "--checkpoint", tmp.resolve("checkpoint").toString(),
                "--input", in.toString(), "--output", tmp.resolve("out").toString(), "--master", "local[2]",
                "--weights", "none", "--set", "model.input-height=71", "--set", "model.input-width=71",
                "--set", "input.stream.max-files-per-trigger=4", "--set", "input.images-per-partition=1",
                "--set", "output.format=" + format, "--set", "spark.conf.spark.ui.enabled=false",
                "--set", "spark.conf." + SparkTestSession.DELTA_SNAPSHOT_PARTITIONS + "="
                        + SparkTestSession.DELTA_SNAPSHOT_PARTITIONS_VALUE));
    }

    /** The same stream in this JVM, from the checkpoint: the rest of the files, and nothing twice. */
    private String restartAndCheck(Path in, String format) {
        Path out = tmp.resolve("out");
        java.io.ByteArrayOutputStream console = new java.io.ByteArrayOutputStream();
        ScoringJob.run(SparkTestSession.get(), TestJobs.small(List.of(in), out).set("model.seed", "0")
                .set("input.mode", "stream").set("output.save-mode", "append")
                .set("input.stream.checkpoint", tmp.resolve("checkpoint").toString())
                .set("input.stream.max-files-per-trigger", "8").set("output.format", format).load(),
                new PrintStream(console, true, java.nio.charset.StandardCharsets.UTF_8));
        Dataset<Row> rows = ScoringResults.read(SparkTestSession.get(), out.toString());
        long count = rows.count();
        long distinct = rows.select("path").distinct().count();
        System.out.printf("stream kill %s: %d rows, %d distinct paths%n", format, count, distinct);
        assertEquals(FILES, count, format + ": rows");
        assertEquals(FILES, distinct, format + ": distinct paths");
        return console.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    private Path images() throws java.io.IOException {
        Path in = tmp.resolve("in");
        TestJobs.copySamples(in, "copy0-");
        TestJobs.copySamples(in, "copy1-");
        return in;
    }

    private static boolean hasRunDir(Path out) {
        try (var entries = java.nio.file.Files.list(out)) {
            return entries.anyMatch(p -> OutputDirs.isRunDir(p.getFileName().toString()));
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            return false;
        }
    }
}
