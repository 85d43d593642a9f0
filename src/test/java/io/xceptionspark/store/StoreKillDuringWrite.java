package io.xceptionspark.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xceptionspark.config.JobConfigLoader;
import io.xceptionspark.spark.DeltaOutput;
import io.xceptionspark.spark.OutputDirs;
import io.xceptionspark.spark.ScoringJob;
import io.xceptionspark.spark.ScoringResults;
import io.xceptionspark.testing.ChildJob;
import io.xceptionspark.testing.ExactlyOnce;
import io.xceptionspark.testing.SparkTestSession;
import io.xceptionspark.testing.TestJobs;
import io.xceptionspark.testing.TestStore;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * KillDuringWriteTest's checks on a remote store (S3KillDuringWriteTest, HdfsKillDuringWriteTest): kill -9 of
 * the driver JVM (a child JVM running score in local[2]) once a task has written a data file, on a first run
 * and then on an incremental append of the same output, Parquet and Delta. After each kill readers see the
 * previous rows exactly; after the rerun each (path, modification_time) is in the output exactly once.
 */
@Tag("crash")
abstract class StoreKillDuringWrite {
    /** 13 sample photos per copy. */
    private static final int COPY = 13;

    @TempDir
    Path tmp;

    abstract TestStore store();

    /**
     * The name of a file that shows a task has written data: Parquet staging on S3 is written by the S3A magic
     * committer, whose data becomes visible only at job commit; a task's commit leaves its .pendingset.
     */
    abstract String parquetTaskWritten();

    @Test
    void parquetFirstRunThenAppend() throws Exception {
        killFirstRunThenAppend("parquet");
    }

    @Test
    void deltaFirstRunThenAppend() throws Exception {
        killFirstRunThenAppend("delta");
    }

    private void killFirstRunThenAppend(String format) throws Exception {
        StoreChecks.sessionFor(store());
        String d = StoreChecks.dir("kill-" + format);
        String in = store().uri(d + "in");
        String out = store().uri(d + "out");
        upload(d + "in", "copy0-");

        killWhileWriting(d, format);
        if (format.equals("delta")) {
            assertFalse(OutputDirs.hasDeltaCommit(store().fs(), new org.apache.hadoop.fs.Path(out)),
                    "no commit: the table does not exist yet");
        } else {
            assertFalse(OutputDirs.hasVisibleEntries(store().fs(), new org.apache.hadoop.fs.Path(out)),
                    "readers see nothing of the dead run");
        }
        rerun(in, out, format);
        check(out, COPY, format + " first run on " + store().name());

        upload(d + "in", "copy1-");
        long version = format.equals("delta") ? latestVersion(out) : -1;
        killWhileWriting(d, format);
        assertEquals(COPY, read(out).count(), "readers see the previous rows only");
        if (format.equals("delta")) {
            assertEquals(version, latestVersion(out), "the table stays at its previous version");
        }
        rerun(in, out, format);
        check(out, 2 * COPY, format + " incremental append on " + store().name());
    }

    private void upload(String relative, String prefix) throws Exception {
        Path local = Files.createTempDirectory(tmp, "up");
        TestJobs.copySamples(local, prefix);
        store().upload(local, relative);
    }

    /** Runs score --incremental in a child JVM and kill -9s it once a task has written a data file. */
    private void killWhileWriting(String d, String format) throws Exception {
        List<String> args = new ArrayList<>(store().setArgs());
        args.addAll(List.of("--incremental", "--input", store().uri(d + "in"), "--output", store().uri(d + "out"),
                "--master", "local[2]", "--weights", "none",
                "--set", "model.input-height=71", "--set", "model.input-width=71", "--set", "model.seed=91",
                "--set", "input.images-per-partition=1", "--set", "output.format=" + format,
                "--set", "output.allow-non-atomic-publish=true",
                "--set", "spark.conf.spark.ui.enabled=false",
                "--set", "spark.conf." + SparkTestSession.DELTA_SNAPSHOT_PARTITIONS + "="
                        + SparkTestSession.DELTA_SNAPSHOT_PARTITIONS_VALUE));
        ChildJob child = ChildJob.start(tmp.resolve("child-" + System.nanoTime() + ".log"), args);
        String watched = format.equals("delta") ? d + "out" : d + "out/" + OutputDirs.DIR + "/" + OutputDirs.STAGING;
        String suffix = format.equals("delta") ? ".parquet" : parquetTaskWritten();
        List<String> before = files(d + "out", suffix);
        boolean killed = child.killWhen(() -> newFile(watched, suffix, before), 420_000);
        assertTrue(killed, "the child was killed while writing:\n" + child.output());
    }

    private boolean newFile(String relative, String suffix, List<String> before) {
        return files(relative, suffix).stream().anyMatch(f -> !before.contains(f));
    }

    private List<String> files(String relative, String suffix) {
        List<String> names = new ArrayList<>();
        try {
            var it = store().fs().listFiles(new org.apache.hadoop.fs.Path(store().uri(relative)), true);
            while (it.hasNext()) {
                String p = it.next().getPath().toString();
                if (p.endsWith(suffix)) {
                    names.add(p);
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            // not there yet, or moved while listing
        }
        return names;
    }

    private static void rerun(String in, String out, String format) {
        JobConfigLoader job = TestJobs.small(List.of(), Path.of("unused")).setList("input.paths", List.of(in))
                .set("output.path", out).set("output.format", format).set("model.seed", "91")
                .set("output.allow-non-atomic-publish", "true").set("input.images-per-partition", "8")
                .set("output.incremental", "true").set("output.save-mode", "append");
        ScoringJob.run(SparkTestSession.get(), job.load(), new PrintStream(OutputStream.nullOutputStream()));
    }

    private static Dataset<Row> read(String out) {
        return ScoringResults.read(SparkTestSession.get(), out);
    }

    private static void check(String out, int files, String scenario) {
        ExactlyOnce.check(out, files, scenario);
    }

    private static long latestVersion(String out) {
        return SparkTestSession.get().sql("DESCRIBE HISTORY " + DeltaOutput.table(SparkTestSession.get(), out)).selectExpr("max(version)")
                .first().getLong(0);
    }
}
