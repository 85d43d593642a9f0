package io.xceptionspark.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xceptionspark.config.JobConfigException;
import io.xceptionspark.config.JobConfigLoader;
import io.xceptionspark.testing.SparkTestSession;
import io.xceptionspark.testing.TestData;
import io.xceptionspark.testing.TestJobs;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * score --stream: Trigger.AvailableNow over a folder in micro-batches of 3 files, for both sinks: the same rows as a
 * batch run over the same files (a zero-byte and a damaged file included), a rerun scores only the files added
 * since, a checkpoint of other settings is refused naming the difference, files older than max-file-age are
 * announced, clean-source = archive moves what was scored and delete removes it, latest-first takes the newest file
 * first, a byte limit per micro-batch still takes one file each, and a processing-time trigger scores files
 * added while it runs until the query is stopped.
 */
class StreamingJobTest {
    /** Columns that must equal a batch run's (scored_at and the run's id differ by nature). */
    private static final String[] SAME = {"path", "modification_time", "length", "sha256", "status", "error_code",
        "error_message", "label", "class_index", "probability", "top_k", "model", "run_date"};

    @TempDir
    Path tmp;

    @Test
    void parquetSinkScoresEachFileOnceLikeABatchRun() throws Exception {
        streamLikeBatch("parquet");
    }

    @Test
    void deltaSinkScoresEachFileOnceLikeABatchRun() throws Exception {
        streamLikeBatch("delta");
    }

    private void streamLikeBatch(String format) throws Exception {
        SparkSession spark = SparkTestSession.get();
        Path in = tmp.resolve("in");
        Path edge = TestData.path("edge-images");
        TestJobs.copy(in, edge.resolve("hopper.bmp"), edge.resolve("hopper_gray.jpg"), edge.resolve("i_trns.png"),
                edge.resolve("empty.jpg"));
        Files.writeString(in.resolve("notes.jpg"), "not an image");
        Path batchOut = tmp.resolve("batch");
        long seed = 4242;
        ScoringJob.run(spark, small(in, batchOut, seed).set("output.format", format).load(), quiet());

        Path out = tmp.resolve("stream");
        Path checkpoint = tmp.resolve("checkpoint");
        JobConfigLoader stream = stream(in, out, checkpoint, seed).set("output.format", format);
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        int loads = io.xceptionspark.inference.ModelCache.loadCount();
        RunSummary first = ScoringJob.run(spark, stream.load(), new PrintStream(console, true, StandardCharsets.UTF_8));
        assertTrue(io.xceptionspark.inference.ModelCache.loadCount() - loads <= 1, "one model load for every micro-batch");
        String printed = console.toString(StandardCharsets.UTF_8);
        assertEquals(5, first.listed(), printed);
        assertEquals(5, first.scored() + first.failed());
        assertTrue(printed.contains("micro-batch 0 ") && printed.contains("micro-batch 1 ")
                && !printed.contains("micro-batch 2 "), "two micro-batches of at most 3 files: " + printed);
        assertEquals(1L, first.failures().get("EMPTY"), "the zero-byte file has its row: " + first.failures());
        assertEquals(rows(batchOut), rows(out), "the same rows as the batch run");
        assertEquals(tableMetadata(batchOut), tableMetadata(out), "the batch run's model and preprocessing metadata");
        if (format.equals("parquet")) {
            for (String file : spark.read().parquet(out.toString()).inputFiles()) {
                String runId = OutputMetadata.ofParquetFile(new org.apache.hadoop.fs.Path(file),
                        spark.sparkContext().hadoopConfiguration()).get(OutputMetadata.RUN_ID);
                assertTrue(runId != null && runId.matches(".*-batch-0000000[01]") && file.contains("run_id=" + runId),
                        file + ": " + runId);
            }
        }
        assertTrue(Files.isRegularFile(out.resolve(ScoringJob.SUMMARY_FILE)));

        TestJobs.copy(in, edge.resolve("p_trns_single.png"), edge.resolve("hopper.tif"));
        RunSummary second = ScoringJob.run(spark, stream.load(), quiet());
        assertEquals(2, second.scored() + second.failed(), "only the 2 new files");
        RunSummary third = ScoringJob.run(spark, stream.load(), quiet());
        assertEquals(0, third.scored() + third.failed(), "nothing new");
        Dataset<Row> all = ScoringResults.read(spark, out.toString());
        assertEquals(7, all.count());
        assertEquals(7, all.select("path").distinct().count(), "each file exactly once");

        JobConfigException e = assertThrows(JobConfigException.class, () -> ScoringJob.run(spark,
                stream(in, out, checkpoint, seed).set("output.format", format).set("scoring.mode", "both").load(), quiet()));
        assertTrue(e.getMessage().contains("scoring.mode: the checkpoint has labels, this run both"), e.getMessage());
        assertEquals(7, ScoringResults.read(spark, out.toString()).count(), "nothing written");
    }

    @Test
    void filesSkippedForAgeAreNamedAndArchivingMovesScoredFiles() throws Exception {
        SparkSession spark = SparkTestSession.get();
        Path in = tmp.resolve("in");
        Path edge = TestData.path("edge-images");
        TestJobs.copy(in, edge.resolve("hopper.bmp"), edge.resolve("hopper_gray.jpg"));
        Path archive = tmp.resolve("archive");
        JobConfigLoader job = stream(in, tmp.resolve("out"), tmp.resolve("cp"), 4243)
                .set("input.stream.max-files-per-trigger", "1")
                .set("input.stream.max-file-age", "7d").set("input.stream.clean-source", "archive")
                .set("input.stream.archive-dir", archive.toString());
        RunSummary first = ScoringJob.run(spark, job.load(), quiet());
        assertEquals(2, first.scored() + first.failed());
        // Spark commits (and archives) a micro-batch's files when it plans the next micro-batch: the first one's here;
        // the last one's when a later run takes new files
        long deadline = System.currentTimeMillis() + 10_000;
        while (inputFiles(in) > 1 && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(1, inputFiles(in), "the first micro-batch's file was archived");
        try (var archived = Files.walk(archive)) {
            assertEquals(1, archived.filter(Files::isRegularFile).count());
        }

        // copied in later with its old time kept (cp -p, rsync -a): Spark's file source ignores it
        TestJobs.copy(in, edge.resolve("i_trns.png"));
        Files.setLastModifiedTime(in.resolve("i_trns.png"), FileTime.from(Instant.now().minus(30, ChronoUnit.DAYS)));
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        RunSummary second = ScoringJob.run(spark, job.load(), new PrintStream(console, true, StandardCharsets.UTF_8));
        String printed = console.toString(StandardCharsets.UTF_8);
        assertEquals(0, second.scored() + second.failed(), printed);
        assertTrue(printed.contains("WARNING: 1 input files were skipped for age") && printed.contains("i_trns.png"),
                printed);
        assertTrue(Files.exists(in.resolve("i_trns.png")), "the skipped file stays");
    }

    @Test
    void latestFirstWithAByteLimitTakesTheNewestFileFirstOnePerMicroBatchAndDeleteRemovesScoredFiles()
            throws Exception {
        SparkSession spark = SparkTestSession.get();
        Path in = tmp.resolve("in");
        Path edge = TestData.path("edge-images");
        TestJobs.copy(in, edge.resolve("hopper.bmp"), edge.resolve("hopper_gray.jpg"), edge.resolve("i_trns.png"));
        Instant now = Instant.now();
        List<String> oldestFirst = List.of("hopper.bmp", "i_trns.png", "hopper_gray.jpg");
        for (int i = 0; i < oldestFirst.size(); i++) {
            Files.setLastModifiedTime(in.resolve(oldestFirst.get(i)),
                    FileTime.from(now.minus(oldestFirst.size() - i, ChronoUnit.HOURS)));
        }
        Path out = tmp.resolve("out");
        JobConfigLoader job = stream(in, out, tmp.resolve("cp"), 4244)
                .set("input.stream.max-files-per-trigger", "0").set("input.stream.max-bytes-per-trigger", "1")
                .set("input.stream.latest-first", "true").set("input.stream.clean-source", "delete");
        RunSummary run = ScoringJob.run(spark, job.load(), quiet());
        assertEquals(3, run.scored() + run.failed());
        // a byte limit below any file's size still takes one file per micro-batch; latest first: newest in batch 0
        List<Row> batches = ScoringResults.read(spark, out.toString()).selectExpr("path", OutputDirs.RUN_COLUMN)
                .orderBy(OutputDirs.RUN_COLUMN).collectAsList();
        assertEquals(3, batches.size());
        for (int i = 0; i < 3; i++) {
            String expected = oldestFirst.get(oldestFirst.size() - 1 - i);
            assertTrue(batches.get(i).getString(0).endsWith("/" + expected)
                    && batches.get(i).getString(1).endsWith("-batch-" + String.format("%08d", i)), batches.toString());
        }
        // Spark cleans a micro-batch's files when it plans the next one: the first two are deleted, the last stays
        long deadline = System.currentTimeMillis() + 10_000;
        while (inputFiles(in) > 1 && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        try (var left = Files.list(in)) {
            assertEquals(List.of("hopper.bmp"), left.map(f -> f.getFileName().toString()).toList());
        }
    }

    @Test
    void aProcessingTimeTriggerScoresFilesAddedWhileItRunsUntilStopped() throws Exception {
        SparkSession spark = SparkTestSession.get();
        Path in = tmp.resolve("in");
        Path edge = TestData.path("edge-images");
        TestJobs.copy(in, edge.resolve("hopper.bmp"));
        Path out = tmp.resolve("out");
        JobConfigLoader job = stream(in, out, tmp.resolve("cp"), 4245).set("input.stream.trigger", "1 second");
        java.util.concurrent.CompletableFuture<RunSummary> running = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> ScoringJob.run(spark, job.load(), quiet()));
        awaitRows(out, 1, running);
        TestJobs.copy(in, edge.resolve("hopper_gray.jpg")); // a new file while the stream runs
        awaitRows(out, 2, running);
        assertFalse(running.isDone(), "always on: the stream keeps running");
        for (var query : spark.streams().active()) {
            query.stop();
        }
        RunSummary summary = running.get(60, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(2, summary.scored() + summary.failed());
        assertEquals(2, ScoringResults.read(spark, out.toString()).select("path").distinct().count());
    }

    private static void awaitRows(Path out, long rows, java.util.concurrent.Future<?> running) throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline && !running.isDone()) {
            if (committedRows(out) >= rows) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no " + rows + " rows in " + out + (running.isDone() ? ": the stream ended" : ""));
    }

    /** Rows readers see in {@code out}: none before the first micro-batch is published (no data to read yet). */
    private static long committedRows(Path out) {
        try {
            return ScoringResults.read(SparkTestSession.get(), out.toString()).count();
        } catch (Exception e) { // Spark's AnalysisException, which Java does not see declared
            if (e instanceof org.apache.spark.sql.AnalysisException) {
                return 0;
            }
            throw e;
        }
    }

    private static long inputFiles(Path dir) throws java.io.IOException {
        try (var files = Files.list(dir)) {
            return files.count();
        }
    }

    static JobConfigLoader small(Path in, Path out, long seed) {
        return TestJobs.small(List.of(in), out).set("model.seed", Long.toString(seed))
                .set("input.images-per-partition", "2");
    }

    static JobConfigLoader stream(Path in, Path out, Path checkpoint, long seed) {
        return small(in, out, seed).set("input.mode", "stream").set("output.save-mode", "append")
                .set("input.stream.checkpoint", checkpoint.toString()).set("input.stream.max-files-per-trigger", "3");
    }

    /** An output's xception_spark.* metadata but its run id (a micro-batch's own in a stream). */
    private static Map<String, String> tableMetadata(Path out) {
        Map<String, String> meta = new java.util.TreeMap<>(OutputMetadata.ofOutput(SparkTestSession.get(), out.toString()));
        meta.remove(OutputMetadata.RUN_ID);
        assertTrue(meta.containsKey(OutputMetadata.MODEL_IDENTITY), meta.toString());
        return meta;
    }

    private static List<String> rows(Path out) {
        return ScoringResults.read(SparkTestSession.get(), out.toString()).selectExpr(SAME).orderBy("path")
                .collectAsList().stream().map(Row::toString).toList();
    }

    private static PrintStream quiet() {
        return new PrintStream(java.io.OutputStream.nullOutputStream());
    }
}
