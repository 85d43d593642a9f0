package io.xceptionspark.spark;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xceptionspark.config.JobConfigLoader;
import io.xceptionspark.testing.ChildJob;
import io.xceptionspark.testing.CrashPoints;
import io.xceptionspark.testing.HaltingCommitProtocol;
import io.xceptionspark.testing.SparkTestSession;
import io.xceptionspark.testing.TestJobs;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The driver JVM dies inside the commit of a Parquet run (a child JVM halted at a {@link CrashPoints} point:
 * during Spark's job commit, or at each step of the publish), for an incremental append of 13 files to 13
 * rows and for an overwrite of 26 rows. Readers then see the previous rows or the previous rows plus the
 * whole dead run, never part of it; the next (incremental) run completes or discards the dead run, and
 * afterwards each (path, modification_time) is in the output exactly once.
 */
@Tag("crash") // left out of mvn verify; scripts/test.sh crash and .ci/run run it (pom.xml)
class CrashDuringCommitTest {
    private static final int SAMPLES = 13;

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0} dies at {1}")
    @CsvSource({
        // mode,     crash point,                rows readers see after the crash
        "append,    spark-job-commit-started,   13",
        "append,    spark-job-committed,        13",
        "append,    publish-committed,          13",
        "append,    publish-applied,            26",
        "overwrite, publish-committed,          26",
        "overwrite, publish-run-visible,        52",
    })
    void readersSeeAllOrNoneOfTheDeadRunAndTheNextRunLeavesEachFileOnce(String mode, String point,
                                                                         long visibleAfterCrash) throws Exception {
        Path in = Files.createDirectories(tmp.resolve("in"));
        Path out = tmp.resolve("out");
        TestJobs.copySamples(in, "copy0-");
        if (mode.equals("overwrite")) {
            TestJobs.copySamples(in, "copy1-");
        }
        rerun(in, out);
        long before = read(out).count();
        List<Object> previousRuns = read(out).select(OutputDirs.RUN_COLUMN).distinct().collectAsList().stream()
                .map(r -> r.get(0)).toList();
        if (mode.equals("append")) {
            TestJobs.copySamples(in, "copy1-");
        }

        List<String> args = new ArrayList<>(List.of("--input", in.toString(), "--output", out.toString(),
                "--master", "local[2]", "--weights", "none",
                "--set", "model.input-height=71", "--set", "model.input-width=71",
                "--set", "input.images-per-partition=4", "--set", "spark.conf.spark.ui.enabled=false",
                "--set", "spark.conf.spark.sql.sources.commitProtocolClass=" + HaltingCommitProtocol.class.getName()));
        args.addAll(mode.equals("append") ? List.of("--incremental") : List.of("--set", "output.save-mode=overwrite"));
        ChildJob child = ChildJob.start(tmp.resolve("child.log"), List.of(CrashPoints.flag(point)),
                args);
        int status = child.waitFor(300_000);
        assertEquals(CrashPoints.HALT_STATUS, status, "the child died at " + point + ":\n" + child.output());
        assertTrue(child.output().contains("crash point " + point + " reached"), child.output());

        Dataset<Row> seen = read(out);
        assertEquals(visibleAfterCrash, seen.count(), "rows readers see after the crash at " + point);
        assertEquals(before, seen.where(col(OutputDirs.RUN_COLUMN).isin(previousRuns.toArray())).count(),
                "the previous rows are all readable");

        rerun(in, out);
        long rows = read(out).count();
        long distinct = read(out).select("path", "modification_time").distinct().count();
        System.out.printf("crash at %s during %s: %d rows, %d distinct (path, modification_time) after the rerun%n",
                point, mode, rows, distinct);
        assertEquals(2 * SAMPLES, rows, "rows after the rerun");
        assertEquals(2 * SAMPLES, distinct, "distinct (path, modification_time) after the rerun");
    }

    private static void rerun(Path in, Path out) {
        JobConfigLoader job = TestJobs.small(List.of(in), out).set("input.images-per-partition", "8")
                .set("output.incremental", "true").set("output.save-mode", "append");
        ScoringJob.run(SparkTestSession.get(), job.load(), new PrintStream(OutputStream.nullOutputStream()));
    }

    private static Dataset<Row> read(Path out) {
        return ScoringResults.read(SparkTestSession.get(), out.toString());
    }
}
