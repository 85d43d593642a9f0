package io.xceptionspark.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xceptionspark.config.JobConfig;
import io.xceptionspark.inference.ModelCache;
import io.xceptionspark.scoring.Stage;
import io.xceptionspark.testing.TestData;
import io.xceptionspark.testing.SparkTestSession;
import io.xceptionspark.testing.TestJobs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.TaskInfo;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job end to end in local[2] with Kryo registrationRequired: the 13 sample photos plus the 19 edge
 * images (and the two SOURCES.md files, which are not images), labels and embeddings from one pass.
 */
class ScoringJobEndToEndTest {
    /** What each edge image must give: OK, or the error codes users may see for it. */
    private static final Map<String, Set<String>> EDGE_EXPECTED = Map.ofEntries(
            Map.entry("hopper_gray.jpg", Set.of("OK")),
            Map.entry("pil_sample_cmyk.jpg", Set.of("OK")),
            Map.entry("hopper_orientation_6.jpg", Set.of("OK")),
            Map.entry("p_trns_single.png", Set.of("OK")),
            Map.entry("i_trns.png", Set.of("OK")),
            Map.entry("apng_mode_16bit.png", Set.of("OK")),
            Map.entry("monkey16.png", Set.of("OK")),
            Map.entry("hopper.webp", Set.of("OK")),
            Map.entry("hopper.tif", Set.of("OK")),
            Map.entry("hopper.bmp", Set.of("OK")),
            Map.entry("iss634.gif", Set.of("OK")),
            Map.entry("truncated_jpeg.jpg", Set.of("OK", "CORRUPT")),
            Map.entry("monkey12.jpg", Set.of("OK", "UNSUPPORTED")),
            Map.entry("truncated_image.png", Set.of("CORRUPT")),
            Map.entry("broken.png", Set.of("TOO_LARGE", "CORRUPT")),
            Map.entry("decompression_bomb.gif", Set.of("TOO_LARGE")),
            Map.entry("zero_width.gif", Set.of("CORRUPT")),
            Map.entry("empty.jpg", Set.of("EMPTY")),
            Map.entry("not-an-image.jpg", Set.of("UNSUPPORTED_FORMAT", "CORRUPT")),
            Map.entry("SOURCES.md", Set.of("UNSUPPORTED_FORMAT")));

    @TempDir
    static Path tmp;
    static RunSummary summary;
    static List<Row> rows;
    static List<Path> inputFiles;
    static int modelLoads;
    /** Tasks of the run by stage id. */
    static final Map<Integer, List<TaskInfo>> TASKS = new HashMap<>();
    /** Rows each task wrote, by stage id (the scoring stage scores its partition and writes its rows). */
    static final Map<Integer, List<Long>> ROWS_WRITTEN = new HashMap<>();
    static String console;

    @BeforeAll
    static void run() throws IOException {
        SparkSession spark = SparkTestSession.get();
        Path sample = TestData.samples();
        Path edge = TestData.path("edge-images");
        try (Stream<Path> a = Files.list(sample); Stream<Path> b = Files.list(edge)) {
            inputFiles = Stream.concat(a, b).toList();
        }
        Path out = tmp.resolve("out");
        JobConfig job = TestJobs.small(List.of(sample, edge), out)
                .set("scoring.mode", "both")
                .set("input.images-per-partition", "4")
                .set("scoring.batch-size", "3")
                .load();
        SparkListener listener = new SparkListener() {
            @Override
            public void onTaskEnd(SparkListenerTaskEnd end) {
                synchronized (TASKS) {
                    TASKS.computeIfAbsent(end.stageId(), k -> new ArrayList<>()).add(end.taskInfo());
                    ROWS_WRITTEN.computeIfAbsent(end.stageId(), k -> new ArrayList<>())
                            .add(end.taskMetrics().outputMetrics().recordsWritten());
                }
            }
        };
        spark.sparkContext().addSparkListener(listener);
        int loadsBefore = ModelCache.loadCount();
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try {
            summary = ScoringJob.run(spark, job, new PrintStream(buffer, true, StandardCharsets.UTF_8));
        } finally {
            spark.sparkContext().removeSparkListener(listener);
        }
        modelLoads = ModelCache.loadCount() - loadsBefore;
        console = buffer.toString(StandardCharsets.UTF_8);
        rows = spark.read().parquet(out.toString()).collectAsList();
    }

    @Test
    void everyInputFileGivesExactlyOneRow() {
        assertEquals(inputFiles.size(), rows.size(), "rows vs input files");
        Set<String> paths = rows.stream().map(r -> r.<String>getAs("path")).collect(Collectors.toSet());
        assertEquals(rows.size(), paths.size(), "one row per path");
        Set<String> expected = inputFiles.stream().map(p -> "file:" + p.toAbsolutePath()).collect(Collectors.toSet());
        assertEquals(expected, paths);
        assertEquals(inputFiles.size(), summary.listed());
        assertEquals(summary.scored() + summary.failed(), rows.size());
    }

    @Test
    void badFilesCarryTheirErrorCodes() {
        Map<String, String> outcome = new HashMap<>();
        for (Row r : rows) {
            String path = r.getAs("path");
            String status = r.getAs("status");
            String code = r.getAs("error_code");
            if (status.equals("OK")) {
                assertNull(code, path);
                assertNull(r.getAs("error_message"), path);
            } else {
                assertEquals("ERROR", status, path);
                assertNotNull(code, path);
                assertTrue(r.<String>getAs("error_message").length() > 5, path);
            }
            if (path.contains("/edge-images/")) {
                outcome.put(path.substring(path.lastIndexOf('/') + 1), status.equals("OK") ? "OK" : code);
            } else if (!path.endsWith("SOURCES.md")) {
                assertEquals("OK", status, "sample photo " + path + ": " + r.getAs("error_message"));
            }
        }
        assertEquals(EDGE_EXPECTED.keySet(), outcome.keySet());
        EDGE_EXPECTED.forEach((file, allowed) ->
                assertTrue(allowed.contains(outcome.get(file)), file + " gave " + outcome.get(file) + ", expected " + allowed));
        long failed = outcome.values().stream().filter(v -> !v.equals("OK")).count() + 1; // + sample SOURCES.md
        assertEquals(failed, summary.failed());
        assertEquals(failed, summary.failures().values().stream().mapToLong(Long::longValue).sum());
        assertEquals(1, summary.failures().get("EMPTY"));
    }

    @Test
    void embeddingsHave2048FiniteFloatsAndTopKIsSortedByProbability() {
        int ok = 0;
        for (Row r : rows) {
            if (!r.<String>getAs("status").equals("OK")) {
                assertNull(r.getAs("embedding"));
                assertNull(r.getAs("top_k"));
                continue;
            }
            ok++;
            List<Float> embedding = r.getList(r.fieldIndex("embedding"));
            assertEquals(2048, embedding.size());
            assertTrue(embedding.stream().allMatch(Float::isFinite));
            List<Row> top = r.getList(r.fieldIndex("top_k"));
            assertEquals(5, top.size());
            for (int i = 1; i < top.size(); i++) {
                assertTrue(top.get(i - 1).<Float>getAs("probability") >= top.get(i).<Float>getAs("probability"),
                        "top-k not sorted: " + top);
            }
            Row first = top.get(0);
            assertEquals(first.<Integer>getAs("class_index"), r.<Integer>getAs("class_index"));
            assertEquals(first.<String>getAs("label"), r.<String>getAs("label"));
            assertEquals(first.<Float>getAs("probability"), r.<Float>getAs("probability"));
            assertTrue(first.<String>getAs("wnid").matches("n\\d{8}"));
            assertEquals(r.<String>getAs("model"), summary.model());
        }
        assertEquals(summary.scored(), ok);
        assertTrue(ok >= 24, "sample photos and decodable edge images are scored: " + ok);
    }

    @Test
    void modelIsLoadedOnceWhileManyPartitionsRunOnConcurrentTaskThreads() {
        assertEquals(1, modelLoads, "model loads in this JVM during the run");
        Map<Integer, List<TaskInfo>> byStage;
        synchronized (TASKS) {
            byStage = new HashMap<>(TASKS);
        }
        assertTrue(summary.partitions() >= 8, "partitions: " + summary.partitions());
        // the scoring stage is the one with as many tasks as the job's partitions
        List<TaskInfo> scoring = byStage.values().stream().filter(l -> l.size() == summary.partitions()).findFirst()
                .orElseThrow(() -> new AssertionError("no stage with " + summary.partitions() + " tasks: " + byStage.keySet()));
        assertTrue(maxConcurrency(scoring) >= 2, "tasks never overlapped: " + maxConcurrency(scoring));
    }

    @Test
    void partitionsAreBalancedByImageCount() {
        List<Long> counts;
        synchronized (TASKS) {
            int stage = TASKS.entrySet().stream().filter(e -> e.getValue().size() == summary.partitions())
                    .mapToInt(Map.Entry::getKey).max().orElseThrow();
            counts = ROWS_WRITTEN.get(stage);
        }
        long min = counts.stream().mapToLong(Long::longValue).min().orElseThrow();
        long max = counts.stream().mapToLong(Long::longValue).max().orElseThrow();
        assertEquals(inputFiles.size(), counts.stream().mapToLong(Long::longValue).sum(), counts.toString());
        assertTrue(max - min <= 1 && max <= 4, "files per partition: " + counts);
    }

    @Test
    void runsWithKryoRegistrationRequired() {
        SparkSession spark = SparkTestSession.get();
        assertEquals("org.apache.spark.serializer.KryoSerializer", spark.conf().get("spark.serializer"));
        assertEquals("true", spark.conf().get("spark.kryo.registrationRequired"));
        assertEquals(XceptionKryoRegistrator.class.getName(), spark.conf().get("spark.kryo.registrator"));
        assertEquals(inputFiles.size(), rows.size());
    }

    @Test
    void summaryIsWrittenAsJsonBesideTheOutput() throws IOException {
        Path json = Path.of(java.net.URI.create(summary.output())).resolve(ScoringJob.SUMMARY_FILE);
        RunSummary written = RunSummary.fromJson(Files.readString(json));
        assertEquals(summary, written);
        assertTrue(console.contains("files listed"), console);
        assertTrue(summary.table().contains("EMPTY"), summary.table());
    }

    /** The summary accounts for the scoring tasks' time by stage: every stage, adding up to the tasks' own time. */
    @Test
    void summaryAccountsForTheTasksTimeByStage() {
        Map<String, Double> stages = summary.stageSeconds();
        assertEquals(Arrays.stream(Stage.values()).map(Stage::label).toList(), List.copyOf(stages.keySet()));
        for (Stage stage : List.of(Stage.READ, Stage.DECODE, Stage.RESIZE, Stage.FORWARD, Stage.WRITE)) {
            assertTrue(stages.get(stage.label()) > 0, stage + ": " + stages);
        }
        double accounted = stages.values().stream().mapToDouble(Double::doubleValue).sum();
        List<TaskInfo> scoring;
        synchronized (TASKS) {
            scoring = TASKS.values().stream().filter(l -> l.size() == summary.partitions()).findFirst().orElseThrow();
        }
        double taskSeconds = scoring.stream().mapToLong(TaskInfo::duration).sum() / 1e3;
        // the account runs from the scorer's opening to the task's completion: inside each task's own duration
        assertTrue(accounted <= taskSeconds + 0.05 && accounted >= 0.5 * taskSeconds,
                "stages " + accounted + " s against tasks " + taskSeconds + " s: " + stages);
        assertEquals(1.0, summary.stageShares().values().stream().mapToDouble(Double::doubleValue).sum(), 1e-9);
        assertTrue(summary.table().contains("time by stage"), summary.table());
    }

    private static int maxConcurrency(List<TaskInfo> tasks) {
        int max = 0;
        for (TaskInfo a : tasks) {
            int overlapping = 0;
            for (TaskInfo b : tasks) {
                if (b.launchTime() <= a.launchTime() && b.finishTime() > a.launchTime()) {
                    overlapping++;
                }
            }
            max = Math.max(max, overlapping);
        }
        return max;
    }
}
