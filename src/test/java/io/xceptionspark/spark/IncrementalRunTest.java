package io.xceptionspark.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xceptionspark.config.JobConfig;
import io.xceptionspark.config.JobConfigException;
import io.xceptionspark.testing.TestData;
import io.xceptionspark.testing.SparkTestSession;
import io.xceptionspark.testing.TestJobs;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scheduled pipelines: a second run scores nothing; after adding 2 files and touching 1 it scores exactly
 * those 3, and the latest-row view shows one row per path, the touched file's newest version.
 */
class IncrementalRunTest {
    @Test
    void rescoresOnlyNewAndChangedFiles(@TempDir Path tmp) throws Exception {
        SparkSession spark = SparkTestSession.get();
        Path in = tmp.resolve("landing");
        Path edge = TestData.path("edge-images");
        TestJobs.copy(in, edge.resolve("hopper.bmp"), edge.resolve("hopper_gray.jpg"), edge.resolve("i_trns.png"),
                edge.resolve("empty.jpg"));
        Path out = tmp.resolve("scores");
        JobConfig job = TestJobs.small(List.of(in), out)
                .set("scoring.mode", "embeddings")
                .set("output.incremental", "true")
                .set("output.save-mode", "append")
                .setList("output.partition-by", List.of("run_date"))
                .load();

        RunSummary first = run(spark, job);
        assertEquals(4, first.scored() + first.failed());
        assertEquals(0, first.skipped());

        RunSummary second = run(spark, job);
        assertEquals(0, second.scored() + second.failed(), "second run scores nothing");
        assertEquals(4, second.skipped());

        TestJobs.copy(in, edge.resolve("p_trns_single.png"), edge.resolve("hopper.tif"));
        Path touched = in.resolve("hopper.bmp");
        Instant newTime = Files.getLastModifiedTime(touched).toInstant().plus(1, ChronoUnit.MINUTES);
        Files.setLastModifiedTime(touched, FileTime.from(newTime));

        RunSummary third = run(spark, job);
        assertEquals(3, third.scored() + third.failed(), "2 new files + 1 touched file");
        assertEquals(3, third.skipped());
        assertEquals(6, third.listed());

        Dataset<Row> all = ScoringResults.read(spark, out.toString());
        assertEquals(4 + 3, all.count(), "every version is kept");
        List<Row> latest = ScoringResults.latest(all).collectAsList();
        assertEquals(6, latest.size(), "one row per path");
        Map<String, Row> byName = latest.stream().collect(Collectors.toMap(
                r -> r.<String>getAs("path").substring(r.<String>getAs("path").lastIndexOf('/') + 1), r -> r));
        Timestamp touchedTime = byName.get("hopper.bmp").getAs("modification_time");
        assertEquals(newTime.truncatedTo(ChronoUnit.MILLIS), touchedTime.toInstant().truncatedTo(ChronoUnit.MILLIS));

        ScoringResults.registerViews(spark, out.toString());
        assertEquals(6, spark.sql("SELECT * FROM " + ScoringResults.LATEST_VIEW).count());
        assertEquals(7, spark.sql("SELECT * FROM " + ScoringResults.ALL_VIEW).count());
        try (java.util.stream.Stream<Path> runs = Files.list(out)) {
            List<Path> runDirs = runs.filter(p -> p.getFileName().toString().startsWith("run_id=")).toList();
            assertEquals(2, runDirs.size(), "one directory per run that wrote rows (not the second): " + runDirs);
            for (Path run : runDirs) {
                assertTrue(Files.isDirectory(run.resolve("run_date=" + first.startedAt().substring(0, 10))),
                        "partitioned by run_date inside each run's directory: " + run);
            }
        }
        assertEquals(2, all.select("run_id").distinct().count(), "the run_id column names the run of each row");
    }

    @Test
    void appendingAnotherLayoutIsRefusedBeforeWriting(@TempDir Path tmp) throws Exception {
        SparkSession spark = SparkTestSession.get();
        Path in = tmp.resolve("in");
        TestJobs.copy(in, TestData.path("edge-images/hopper.bmp"));
        Path out = tmp.resolve("out");
        run(spark, TestJobs.small(List.of(in), out).set("scoring.mode", "embeddings").load());
        long files = Files.list(out).count();
        JobConfig labels = TestJobs.small(List.of(in), out).set("scoring.mode", "labels").set("output.save-mode", "append")
                .load();
        JobConfigException e = assertThrows(JobConfigException.class, () -> run(spark, labels));
        assertTrue(e.getMessage().contains("Cannot append to") && e.getMessage().contains("scoring.mode"), e.getMessage());
        assertEquals(files, Files.list(out).count(), "nothing was written");
    }

    private static RunSummary run(SparkSession spark, JobConfig job) {
        return ScoringJob.run(spark, job, new PrintStream(OutputStream.nullOutputStream()));
    }
}
