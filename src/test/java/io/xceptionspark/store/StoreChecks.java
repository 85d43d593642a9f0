package io.xceptionspark.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xceptionspark.cli.Main;
import io.xceptionspark.config.JobConfigLoader;
import io.xceptionspark.spark.RunSummary;
import io.xceptionspark.spark.ScoringJob;
import io.xceptionspark.spark.ScoringResults;
import io.xceptionspark.testing.Golden;
import io.xceptionspark.testing.SparkTestSession;
import io.xceptionspark.testing.TestData;
import io.xceptionspark.testing.TestJobs;
import io.xceptionspark.testing.TestStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One body of checks that every remote store runs (S3StoreTest: S3Proxy, HdfsStoreTest: MiniDFSCluster): the
 * job lists (recursive, glob filter, glob path, modified-after) and reads images there, loads weights from
 * there (checksum, node cache), writes Parquet and Delta outputs there, reruns incrementally, and the report,
 * similar, duplicates and sql commands read an output there. The subclass registers one server for its class
 * ({@link io.xceptionspark.testing.StoreExtension}).
 */
abstract class StoreChecks {
    /** The 13 sample photos. */
    static final int SAMPLES = 13;
    /** SHA-256 of the keras-formula weights fixture. */
    static final String FORMULA_SHA256 = "1d630e5fc0e35f081f54bc185a2e8747d41d0aaa581993071c265d321c5ab41e";
    static final String FORMULA_MODEL = "xception/keras-h5:sha256=1d630e5fc0e3";
    /** Random weights at 71x71 for the command line runs. */
    static final String[] MODEL = {"--set", "model.weights=none", "--set", "model.seed=77", "--set",
        "model.input-height=71", "--set", "model.input-width=71"};
    private static final AtomicInteger DIRS = new AtomicInteger();

    @TempDir
    Path tmp;

    /** The store of this class (started by the subclass before its tests). */
    abstract TestStore store();

    /** The session the tests share, reaching the store (its settings in the session's Hadoop configuration). */
    static SparkSession sessionFor(TestStore store) {
        SparkSession spark = SparkTestSession.get();
        store.hadoopSettings().forEach(spark.sparkContext().hadoopConfiguration()::set);
        return spark;
    }

    /** A fresh directory name on the store for one test. */
    static String dir(String what) {
        return what + "-" + DIRS.incrementAndGet() + "/";
    }

    /** A job reading {@code inputs} and writing {@code output} on the store (random weights at 71x71). */
    JobConfigLoader job(List<String> inputs, String output, String format) {
        return TestJobs.small(List.of(), Path.of("unused")).setList("input.paths", inputs)
                .set("output.path", output).set("output.format", format)
                .set("output.allow-non-atomic-publish", "true") // Parquet on S3 (refused by default: S3StoreTest)
                .set("input.images-per-partition", "8")
                .set("model.seed", "77"); // one model for every run of an output (its rows are compared)
    }

    static RunSummary run(JobConfigLoader job) {
        return ScoringJob.run(SparkTestSession.get(), job.load(), new PrintStream(OutputStream.nullOutputStream()));
    }

    /** Uploads the 13 samples under {@code relative}, names after {@code prefix}. */
    void uploadSamples(String relative, String prefix) throws IOException {
        Path local = Files.createTempDirectory(tmp, "up");
        TestJobs.copySamples(local, prefix);
        store().upload(local, relative);
    }

    @Test
    void parquetOutputThereListsRecursivelyAndRerunsIncrementally() throws Exception {
        scoresThereAndRerunsIncrementally("parquet");
    }

    /** The commands read the Delta output this writes (one output for both checks: Delta runs cost seconds). */
    @Test
    void deltaOutputThereListsRecursivelyRerunsIncrementallyAndTheCommandsReadIt() throws Exception {
        String d = scoresThereAndRerunsIncrementally("delta");
        commandsReadTheOutput(store().uri(d + "out"), d);
    }

    /** Scores 2 x 13 photos (one set nested), reruns (nothing new), adds 14 and reruns; returns the test's directory. */
    private String scoresThereAndRerunsIncrementally(String format) throws Exception {
        sessionFor(store());
        String d = dir(format);
        uploadSamples(d + "photos", "");
        store().fs().copyFromLocalFile(new org.apache.hadoop.fs.Path(TestData.sample("dog.jpg").toUri()),
                new org.apache.hadoop.fs.Path(store().uri(d + "photos/sub/dog_copy.txt"))); // not listed: the glob
        uploadSamples(d + "photos/sub/deeper", "nested-"); // recursive listing
        Path notes = Files.writeString(tmp.resolve("notes.txt"), "not an image");
        store().fs().copyFromLocalFile(new org.apache.hadoop.fs.Path(notes.toUri()),
                new org.apache.hadoop.fs.Path(store().uri(d + "photos/sub/notes.txt")));
        String out = store().uri(d + "out");
        JobConfigLoader first = job(List.of(store().uri(d + "photos")), out, format)
                .set("input.path-glob-filter", "*.{jpg,png}").set("scoring.mode", "both");
        RunSummary s1 = run(first);
        assertEquals(2 * SAMPLES, s1.listed(), "recursive, glob filter: " + s1.table());
        assertEquals(2 * SAMPLES, s1.scored(), s1.table());
        Dataset<Row> rows = read(out);
        assertEquals(2 * SAMPLES, rows.count());
        assertEquals(2 * SAMPLES, rows.where("path LIKE '" + store().uri(d + "photos/") + "%'").count(),
                "rows name the store's paths");

        if (format.equals("parquet")) {
            checkCommitter(out);
        }
        RunSummary again = run(job(List.of(store().uri(d + "photos")), out, format)
                .set("input.path-glob-filter", "*.{jpg,png}").set("scoring.mode", "both").set("output.incremental", "true")
                .set("output.save-mode", "append"));
        assertEquals(2 * SAMPLES, again.skipped(), "an incremental rerun skips what is scored: " + again.table());
        assertEquals(0, again.scored());

        uploadSamples(d + "photos/later", "later-");
        store().fs().copyFromLocalFile(new org.apache.hadoop.fs.Path(TestData.sample("dog.jpg").toUri()),
                new org.apache.hadoop.fs.Path(store().uri(d + "photos/later/dog_copy.jpg")));
        RunSummary third = run(job(List.of(store().uri(d + "photos")), out, format)
                .set("input.path-glob-filter", "*.{jpg,png}").set("scoring.mode", "both").set("output.incremental", "true")
                .set("output.save-mode", "append"));
        assertEquals(SAMPLES + 1, third.scored(), "only the new files: " + third.table());
        assertEquals(3 * SAMPLES + 1, read(out).count());
        assertEquals(3 * SAMPLES + 1, read(out).select("path", "modification_time").distinct().count());
        return d;
    }

    @Test
    void globPathAndModifiedAfter() throws Exception {
        SparkSession spark = sessionFor(store());
        String d = dir("glob");
        uploadSamples(d + "old", "");
        Thread.sleep(1_100); // object stores keep whole seconds
        ZoneId zone = ZoneId.of(spark.conf().get("spark.sql.session.timeZone"));
        String after = LocalDateTime.now(zone).format(DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss"));
        Thread.sleep(1_100);
        uploadSamples(d + "new", "");
        String out = store().uri(d + "out");
        RunSummary both = run(job(List.of(store().uri(d + "*/dog.jpg")), out, "parquet"));
        assertEquals(2, both.scored(), "the glob matches old/ and new/: " + both.table());
        RunSummary recent = run(job(List.of(store().uri(d + "*/dog.jpg")), store().uri(d + "out2"), "parquet")
                .set("input.modified-after", after));
        assertEquals(1, recent.scored(), "modified after " + after + ": " + recent.table());
        assertEquals(1, read(store().uri(d + "out2")).where("path LIKE '%/new/dog.jpg'").count());
    }

    @Test
    void weightsFromTheStoreWithChecksumAndNodeCache() throws Exception {
        sessionFor(store());
        String d = dir("weights");
        String weights = store().uri(d + "xception_formula.h5");
        store().fs().copyFromLocalFile(new org.apache.hadoop.fs.Path(TestData.path(Golden.WEIGHTS).toUri()),
                new org.apache.hadoop.fs.Path(weights));
        uploadSamples(d + "photos", "");
        Path cache = tmp.resolve("weights-cache");
        JobConfigLoader job = job(List.of(store().uri(d + "photos/dog.jpg"), store().uri(d + "photos/eagle.jpg")),
                store().uri(d + "out"), "parquet").set("model.weights", weights)
                .set("model.weights-sha256", FORMULA_SHA256)
                .set("model.remote-weights-cache-dir", cache.toString());
        RunSummary s = run(job);
        assertEquals(2, s.scored(), s.table());
        assertEquals(FORMULA_MODEL, s.model());
        try (var files = Files.list(cache)) {
            assertEquals(1, files.count(), "one verified copy on this node");
        }
        CliRun wrong = cli("score", "--input", store().uri(d + "photos/dog.jpg"), "--output", store().uri(d + "out3"),
                "--weights", weights, "--set", "model.weights-sha256=" + "0".repeat(64),
                "--set", "model.remote-weights-cache-dir=" + tmp.resolve("cache2"), "--set", "output.format=delta");
        assertEquals(3, wrong.code(), "a checksum mismatch is a weights error: " + wrong);
        assertTrue(wrong.err().contains("checksum"), wrong.toString());
    }

    /** report, similar, duplicates and sql on an output of the store holding dog.jpg and its byte copy dog_copy.jpg. */
    private void commandsReadTheOutput(String index, String d) throws Exception {
        Path html = tmp.resolve("report.html");
        CliRun report = cli("report", "--index", index, "--output", html.toString());
        assertEquals(0, report.code(), report.toString());
        assertTrue(Files.readString(html).contains("dog_copy.jpg"), "the report shows the store's rows");

        String dog = store().uri(d + "photos/dog.jpg");
        CliRun similar = cli("similar", "--index", index, "--k", "4", "--json", dog);
        assertEquals(0, similar.code(), similar.toString());
        for (String copy : List.of("/nested-dog.jpg", "/later-dog.jpg", "/dog_copy.jpg")) {
            assertTrue(similar.out().contains(copy), "its byte copies are its nearest neighbours: " + similar);
        }

        String pairs = store().uri(d + "pairs");
        CliRun duplicates = cli("duplicates", "--index", index, "--threshold", "0.99", "--output", pairs);
        assertEquals(0, duplicates.code(), duplicates.toString());
        assertEquals(1, SparkTestSession.get().read().parquet(pairs)
                .where("path_a LIKE '%/dog.jpg' AND path_b LIKE '%/dog_copy.jpg'").count(), "the copy pair");

        CliRun sql = cli(concat(List.of("sql", "--index", index, "SELECT count(*) AS n FROM xception_latest"), MODEL));
        assertEquals(0, sql.code(), sql.toString());
        assertTrue(sql.out().contains(Integer.toString(3 * SAMPLES + 1)), sql.toString());
    }

    /**
     * The committer that wrote a Parquet run, from its _SUCCESS file: S3A's committers write a JSON summary
     * naming themselves (S3: the magic committer, no renames while writing), Hadoop's FileOutputCommitter an
     * empty file (HDFS).
     */
    private void checkCommitter(String out) throws IOException {
        org.apache.hadoop.fs.FileSystem fs = store().fs();
        org.apache.hadoop.fs.FileStatus[] success = fs.globStatus(new org.apache.hadoop.fs.Path(out + "/run_id=*/_SUCCESS"));
        assertEquals(1, success.length, "one published run with its _SUCCESS");
        String text;
        try (var in = fs.open(success[0].getPath())) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (store().atomicRename()) {
            assertEquals("", text, "FileOutputCommitter");
        } else {
            assertTrue(text.replace(" ", "").contains("\"committer\":\"magic\""), "the S3A magic committer wrote it");
        }
    }

    static Dataset<Row> read(String output) {
        return ScoringResults.read(SparkTestSession.get(), output);
    }

    /** The command line in this JVM, with the store's settings (spark.conf.spark.hadoop.*) for score. */
    CliRun cli(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        if (args[0].equals("score")) {
            all.addAll(1, store().setArgs()); // first: the test's own --set after them win
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        long start = System.nanoTime();
        int code = Main.run(all.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new CliRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8),
                (System.nanoTime() - start) / 1e9);
    }

    static String[] concat(List<String> first, String... more) {
        List<String> all = new ArrayList<>(first);
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    record CliRun(int code, String out, String err, double seconds) {
        @Override
        public String toString() {
            return "exit " + code + " after " + seconds + " s\n--- stdout\n" + out + "\n--- stderr\n" + err;
        }
    }
}
