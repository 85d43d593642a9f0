package io.xceptionspark.spark;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xceptionspark.config.JobConfig;
import io.xceptionspark.config.JobConfigException;
import io.xceptionspark.config.JobConfigLoader;
import io.xceptionspark.testing.TestData;
import io.xceptionspark.testing.SparkTestSession;
import io.xceptionspark.testing.TestJobs;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;
import org.apache.spark.ml.feature.BucketedRandomProjectionLSH;
import org.apache.spark.ml.feature.BucketedRandomProjectionLSHModel;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the output holds and promises, Parquet and Delta: the embedding column as vector tools read it,
 * the model/preprocessing metadata in every footer and in the table properties, Delta MERGE with history
 * and idempotent appends, the writer lock, a publish interrupted midway, and bad output settings refused
 * before anything is written.
 */
class OutputFormatsTest {
    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    @TempDir
    Path tmp;

    @Test
    void embeddingColumnIsWhatVectorToolsReadAndFootersSayWhatMadeIt() throws Exception {
        SparkSession spark = SparkTestSession.get();
        Path in = inputs(tmp.resolve("in"), "dog.jpg", "kitten.jpg", "eagle.jpg");
        Files.copy(TestData.path("edge-images/empty.jpg"), in.resolve("empty.jpg"));
        Path out = tmp.resolve("out");
        ScoringJob.run(spark, TestJobs.small(List.of(in), out).set("scoring.mode", "both")
                .set("scoring.normalize-embeddings", "true").set("input.images-per-partition", "2")
                // one task per slot at least (2 in local[2]): the images-per-partition cap decides
                .set("input.tasks-per-core", "1").load(), QUIET);

        Dataset<Row> rows = ScoringResults.read(spark, out.toString());
        for (Row r : rows.collectAsList()) {
            if (r.<String>getAs("status").equals("OK")) {
                assertEquals(2048, r.getList(r.fieldIndex("embedding")).size());
            } else {
                assertNull(r.getAs("embedding"), "ERROR rows have no embedding");
            }
        }

        List<Path> dataFiles = dataFiles(out);
        assertEquals(2, dataFiles.size(), "4 files in partitions of 2");
        for (Path f : dataFiles) {
            org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(f.toUri());
            try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(file, new Configuration()))) {
                MessageType schema = reader.getFooter().getFileMetaData().getSchema();
                GroupType list = schema.getType("embedding").asGroupType().getType(0).asGroupType();
                Type element = list.getType(0);
                assertEquals(Type.Repetition.REQUIRED, element.getRepetition(), "REQUIRED elements: " + schema);
                // Spark's own schema in the footer says the same (its file reader reports every column nullable)
                String sparkSchema = reader.getFooter().getFileMetaData().getKeyValueMetaData()
                        .get("org.apache.spark.sql.parquet.row.metadata");
                ArrayType type = (ArrayType) ((org.apache.spark.sql.types.StructType)
                        org.apache.spark.sql.types.DataType.fromJson(sparkSchema)).apply("embedding").dataType();
                assertFalse(type.containsNull(), "array<float> with non-null elements");
            }
            Map<String, String> meta = OutputMetadata.ofParquetFile(file, new Configuration());
            assertEquals("2048", meta.get(OutputMetadata.EMBEDDING_DIM));
            assertEquals("true", meta.get(OutputMetadata.EMBEDDING_NORMALIZED));
            assertEquals("71x71", meta.get(OutputMetadata.PREPROCESS_INPUT_SIZE));
            assertEquals("crop", meta.get(OutputMetadata.PREPROCESS_RESIZE));
            assertEquals("bicubic", meta.get(OutputMetadata.PREPROCESS_INTERPOLATION));
            assertEquals("0.8975", meta.get(OutputMetadata.PREPROCESS_CROP_PCT));
            assertEquals("mean=0.5,0.5,0.5 std=0.5,0.5,0.5 (of x / 255, RGB, channels-first)",
                    meta.get(OutputMetadata.PREPROCESS_NORMALIZATION));
            assertEquals("none", meta.get(OutputMetadata.WEIGHTS_SHA256), "random weights");
            assertEquals(rows.first().getAs("model"), meta.get(OutputMetadata.MODEL_IDENTITY));
            assertTrue(meta.get(OutputMetadata.RUN_ID).matches("\\d{8}T\\d{6}Z-[0-9a-f]{8}"), meta.toString());
            Map<String, Object> settings = OutputMetadata.parseSettings(meta.get(OutputMetadata.SETTINGS));
            assertEquals(71, settings.get("model.input-height"));
            assertEquals("both", settings.get("scoring.mode"));
            assertEquals(true, settings.get("scoring.normalize-embeddings"));
        }

        rows.where("status = 'OK'").createOrReplaceTempView("emb");
        List<Row> pairs = spark.sql("SELECT a.path = b.path AS same,"
                + " vector_cosine_similarity(a.embedding, b.embedding) AS cos,"
                + " vector_l2_distance(a.embedding, b.embedding) AS l2 FROM emb a CROSS JOIN emb b").collectAsList();
        assertEquals(9, pairs.size());
        for (Row p : pairs) {
            double cos = ((Number) p.get(1)).doubleValue();
            double l2 = ((Number) p.get(2)).doubleValue();
            if (p.getBoolean(0)) {
                assertEquals(1.0, cos, 1e-5);
                assertEquals(0.0, l2, 1e-5);
            } else {
                assertTrue(cos > -1 && cos < 1 && l2 > 0, p.toString());
                assertEquals(Math.sqrt(2 - 2 * cos), l2, 1e-4, "unit vectors: l2^2 = 2 - 2 cos");
            }
        }

        Dataset<Row> vectors = rows.where("status = 'OK'").withColumn("features",
                org.apache.spark.ml.functions.array_to_vector(col("embedding")));
        BucketedRandomProjectionLSHModel lsh = new BucketedRandomProjectionLSH().setBucketLength(0.5)
                .setNumHashTables(3).setInputCol("features").setOutputCol("hashes").setSeed(1).fit(vectors);
        Row dog = vectors.where(col("path").endsWith("dog.jpg")).first();
        Row nearest = lsh.approxNearestNeighbors(vectors, (Vector) dog.getAs("features"), 1).toDF().first();
        assertEquals(dog.<String>getAs("path"), nearest.getAs("path"), "an embedding is its own nearest neighbour");
    }

    @Test
    void deltaMergesOnPathKeepsHistoryAndRecordsTheModel() throws Exception {
        SparkSession spark = SparkTestSession.get();
        Path in = inputs(tmp.resolve("in"), "dog.jpg", "kitten.jpg", "eagle.jpg");
        Path out = tmp.resolve("table");
        JobConfig job = TestJobs.small(List.of(in), out).set("output.format", "delta").set("scoring.mode", "embeddings")
                .set("output.incremental", "true").set("output.save-mode", "append").load();
        RunSummary first = ScoringJob.run(spark, job, QUIET);
        assertEquals(3, first.scored());
        long afterFirst = latestVersion(spark, out);

        Path dog = in.resolve("dog.jpg");
        FileTime oldTime = Files.getLastModifiedTime(dog);
        Files.setLastModifiedTime(dog, FileTime.from(oldTime.toInstant().plus(1, ChronoUnit.MINUTES)));
        RunSummary second = ScoringJob.run(spark, job, QUIET);
        assertEquals(1, second.scored(), "only the changed file");

        Dataset<Row> now = ScoringResults.read(spark, out.toString());
        assertEquals(3, now.count(), "one current row per path");
        assertEquals(3, ScoringResults.latest(now).count());
        Row dogNow = now.where(col("path").endsWith("dog.jpg")).first();
        assertEquals(oldTime.toMillis() + 60_000, dogNow.<java.sql.Timestamp>getAs("modification_time").getTime());
        Row dogThen = ScoringResults.readVersion(spark, out.toString(), afterFirst)
                .where(col("path").endsWith("dog.jpg")).first();
        assertEquals(oldTime.toMillis(), dogThen.<java.sql.Timestamp>getAs("modification_time").getTime(),
                "time travel shows the row the first run wrote");

        List<Row> history = spark.sql("DESCRIBE HISTORY " + DeltaOutput.table(out.toString())).collectAsList();
        Set<String> operations = history.stream().map(r -> r.<String>getAs("operation")).collect(Collectors.toSet());
        assertTrue(operations.contains("MERGE") && operations.contains("WRITE"), operations.toString());
        for (Row h : history) {
            String userMetadata = h.getAs("userMetadata");
            assertTrue(userMetadata != null && userMetadata.startsWith("xception-spark run "), h.toString());
        }

        // Delta stores every column nullable (its schema rule), so its files say optional; the values are never null
        assertEquals(0, spark.sql("SELECT * FROM " + DeltaOutput.table(out.toString())
                + " WHERE status = 'OK' AND (size(embedding) <> 2048 OR exists(embedding, x -> x IS NULL))").count());

        Map<String, String> props = OutputMetadata.ofDeltaTable(spark, out.toString());
        assertEquals("2048", props.get(OutputMetadata.EMBEDDING_DIM));
        assertEquals("false", props.get(OutputMetadata.EMBEDDING_NORMALIZED));
        assertEquals("71x71", props.get(OutputMetadata.PREPROCESS_INPUT_SIZE));
        assertEquals(dogNow.getAs("model"), props.get(OutputMetadata.MODEL_IDENTITY));
        assertTrue(props.containsKey(OutputMetadata.SETTINGS) && !props.containsKey(OutputMetadata.RUN_ID));

        ScoringResults.registerViews(spark, out.toString());
        assertEquals(3, spark.sql("SELECT * FROM " + ScoringResults.LATEST_VIEW).count());
        long embeddingRows = spark.sql("SELECT vector_cosine_similarity(a.embedding, b.embedding) FROM "
                + DeltaOutput.table(out.toString()) + " a, " + DeltaOutput.table(out.toString()) + " b").count();
        assertEquals(9, embeddingRows, "vector functions run on the Delta table as written");
    }

    @Test
    void deltaAppendsAreIdempotentPerTxnVersion() throws Exception {
        SparkSession spark = SparkTestSession.get();
        Path in = inputs(tmp.resolve("in"), "dog.jpg", "kitten.jpg");
        Path out = tmp.resolve("table");
        JobConfigLoader job = TestJobs.small(List.of(in), out).set("output.format", "delta")
                .set("output.save-mode", "append");
        ScoringJob.run(spark, job.set("output.delta.txn-version", "7").load(), QUIET);
        ScoringJob.run(spark, job.set("output.delta.txn-version", "7").load(), QUIET);
        assertEquals(2, ScoringResults.read(spark, out.toString()).count(), "the rerun of run 7 wrote nothing");
        ScoringJob.run(spark, job.set("output.delta.txn-version", "8").load(), QUIET);
        assertEquals(4, ScoringResults.read(spark, out.toString()).count(), "run 8 appends");
    }

    @Test
    void aDeltaTableAtARelativePathGetsItsPropertiesAndHistory() throws Exception {
        SparkSession spark = SparkTestSession.get();
        Path in = inputs(tmp.resolve("in"), "dog.jpg");
        // Delta's delta.`path` SQL names resolve no relative paths: the job qualifies them
        Path relative = Path.of("").toAbsolutePath().relativize(tmp.resolve("relative-table").toAbsolutePath());
        JobConfigLoader job = TestJobs.small(List.of(in), relative).set("output.format", "delta")
                .set("output.incremental", "true").set("output.save-mode", "append");
        RunSummary first = ScoringJob.run(spark, job.load(), QUIET);
        assertEquals(1, first.scored());
        assertEquals(first.model(), OutputMetadata.ofDeltaTable(spark, relative.toString())
                .get(OutputMetadata.MODEL_IDENTITY), "the table properties were set");
        assertEquals(0, ScoringJob.run(spark, job.load(), QUIET).scored(), "the incremental rerun finds it done");
    }

    @Test
    void badOutputSettingsAreRefusedBeforeAnythingIsWritten() throws Exception {
        SparkSession spark = SparkTestSession.get();
        Path in = inputs(tmp.resolve("in"), "dog.jpg");
        Path parquet = tmp.resolve("parquet");
        Path delta = tmp.resolve("delta");
        ScoringJob.run(spark, TestJobs.small(List.of(in), parquet).load(), QUIET);
        ScoringJob.run(spark, TestJobs.small(List.of(in), delta).set("output.format", "delta").load(), QUIET);
        Set<Path> before = tree(tmp);

        JobConfigException unknown = assertThrows(JobConfigException.class,
                () -> TestJobs.small(List.of(in), tmp.resolve("x")).set("output.format", "orc").load());
        assertTrue(unknown.getMessage().contains("output.format") && unknown.getMessage().contains("parquet or delta"),
                unknown.getMessage());
        JobConfigException deltaOnly = assertThrows(JobConfigException.class,
                () -> TestJobs.small(List.of(in), tmp.resolve("x")).set("output.delta.txn-version", "3").load());
        assertTrue(deltaOnly.getMessage().contains("Set output.format = delta"), deltaOnly.getMessage());

        JobConfigException deltaAsParquet = assertThrows(JobConfigException.class, () -> ScoringJob.run(spark,
                TestJobs.small(List.of(in), delta).set("output.save-mode", "append").load(), QUIET));
        assertTrue(deltaAsParquet.getMessage().contains("is a Delta table")
                && deltaAsParquet.getMessage().contains("output.format = delta"), deltaAsParquet.getMessage());
        JobConfigException parquetAsDelta = assertThrows(JobConfigException.class, () -> ScoringJob.run(spark,
                TestJobs.small(List.of(in), parquet).set("output.format", "delta").set("output.save-mode", "append")
                        .load(), QUIET));
        assertTrue(parquetAsDelta.getMessage().contains("holds a Parquet dataset")
                && parquetAsDelta.getMessage().contains("CONVERT TO DELTA"), parquetAsDelta.getMessage());
        JobConfigException partitioning = assertThrows(JobConfigException.class, () -> ScoringJob.run(spark,
                TestJobs.small(List.of(in), delta).set("output.format", "delta").set("output.incremental", "true")
                        .set("output.save-mode", "append").setList("output.partition-by", List.of("run_date")).load(),
                QUIET));
        assertTrue(partitioning.getMessage().contains("MERGE keeps the table's partitioning")
                && partitioning.getMessage().contains("output.partition-by = []"), partitioning.getMessage());
        assertEquals(before, tree(tmp), "nothing was written");
    }

    @Test
    void aSecondWriterFailsFastAndAStaleLockIsTakenOver() throws Exception {
        SparkSession spark = SparkTestSession.get();
        Path in = inputs(tmp.resolve("in"), "dog.jpg");
        Path out = tmp.resolve("out");
        Path lock = out.resolve(OutputDirs.DIR).resolve(OutputDirs.LOCK);
        Files.createDirectories(lock.getParent());
        String host = InetAddress.getLocalHost().getHostName();
        Files.writeString(lock, "run_id=other-run\nhost=" + host + "\npid=" + ProcessHandle.current().pid()
                + "\nstarted=2026-12-01T00:00:00Z\n");
        JobConfig job = TestJobs.small(List.of(in), out).set("output.incremental", "true")
                .set("output.save-mode", "append").load();
        JobConfigException busy = assertThrows(JobConfigException.class, () -> ScoringJob.run(spark, job, QUIET));
        assertTrue(busy.getMessage().contains("being written by another run (run other-run")
                && busy.getMessage().contains(lock.toString()) && busy.getMessage().contains("delete the lock file"),
                busy.getMessage());
        assertFalse(OutputDirs.hasVisibleEntries(localFs(), hadoopPath(out)), "nothing was written");

        Process dead = new ProcessBuilder("true").start();
        dead.waitFor();
        Files.writeString(lock, "run_id=dead-run\nhost=" + host + "\npid=" + dead.pid()
                + "\nstarted=2026-12-01T00:00:00Z\n");
        assertEquals(1, ScoringJob.run(spark, job, QUIET).scored(), "the dead run's lock is taken over");
        assertFalse(Files.exists(lock), "and released");
    }

    @Test
    void aPublishInterruptedAtAnyRenameShowsAllOrNoneOfTheRunAndIsCompletedByTheNextRun() throws Exception {
        SparkSession spark = SparkTestSession.get();
        Path in = inputs(tmp.resolve("in"), "dog.jpg", "kitten.jpg");
        Path out = tmp.resolve("out");
        JobConfigLoader incremental = TestJobs.small(List.of(in), out).set("output.incremental", "true")
                .set("output.save-mode", "append");
        ScoringJob.run(spark, incremental.load(), QUIET);
        FileSystem fs = localFs();
        ParquetCommit commit = new ParquetCommit(fs, hadoopPath(out));

        // a dead run that had committed (journal written), with 3 rows in 3 files: before its one rename
        // readers see none of them, after it all three
        Dataset<Row> renamed = ScoringResults.read(spark, out.toString()).drop(OutputDirs.RUN_COLUMN).limit(1)
                .crossJoin(spark.range(3).withColumnRenamed("id", "n"));
        Dataset<Row> rows = renamed.withColumn("path", org.apache.spark.sql.functions.concat(col("path"),
                org.apache.spark.sql.functions.lit("-copy"), col("n").cast("string"))).drop("n").repartition(3);
        rows.write().format(FooterParquetFormat.class.getName()).save(commit.staging("dead-run").toString());
        org.apache.hadoop.fs.Path journal = commit.writeJournal("dead-run", false);
        commit.apply(journal, 0);
        assertEquals(2, ScoringResults.read(spark, out.toString()).count(), "committed, not yet renamed: invisible");
        commit.apply(journal, 1);
        assertEquals(2 + 3, ScoringResults.read(spark, out.toString()).count(), "one rename: the whole run");

        Files.copy(TestData.sample("eagle.jpg"), in.resolve("eagle.jpg"));
        RunSummary next = ScoringJob.run(spark, incremental.load(), QUIET);
        assertEquals(1, next.scored(), "only eagle.jpg is new");
        Dataset<Row> all = ScoringResults.read(spark, out.toString());
        assertEquals(2 + 3 + 1, all.count(), "the dead run's 3 rows exactly once, plus the new file");
        assertEquals(6, all.select("path", "modification_time").distinct().count());
        assertEquals(List.of(3L), all.where(col(OutputDirs.RUN_COLUMN).equalTo("dead-run")).groupBy()
                .count().collectAsList().stream().map(r -> r.getLong(0)).toList(), "its rows carry its run id");
        assertFalse(Files.exists(out.resolve(OutputDirs.DIR).resolve(OutputDirs.JOURNAL).resolve("dead-run")));
        assertFalse(Files.exists(out.resolve(OutputDirs.DIR).resolve(OutputDirs.STAGING).resolve("dead-run")));

        // an overwrite that died after renaming its run in, before moving the old runs out: the old data is
        // still readable beside the complete new run, and the next run finishes the overwrite
        Dataset<Row> fresh = ScoringResults.read(spark, out.toString()).drop(OutputDirs.RUN_COLUMN)
                .where(col("path").endsWith("/dog.jpg").or(col("path").endsWith("/kitten.jpg"))).coalesce(1);
        fresh.write().format(FooterParquetFormat.class.getName()).save(commit.staging("dead-overwrite").toString());
        org.apache.hadoop.fs.Path replace = commit.writeJournal("dead-overwrite", true);
        commit.apply(replace, 1);
        assertEquals(6 + 2, ScoringResults.read(spark, out.toString()).count(), "old data and the whole new run");
        ScoringJob.run(spark, incremental.load(), QUIET);
        Dataset<Row> after = ScoringResults.read(spark, out.toString());
        assertEquals(3, after.count(), "the overwrite completed: its 2 rows, then the incremental run's 1 new row");
        assertEquals(3, after.select("path").distinct().count());
    }

    @Test
    void appendingToAParquetDatasetWithoutRunDirectoriesFailsFastAndWritesNothing() throws Exception {
        SparkSession spark = SparkTestSession.get();
        Path in = inputs(tmp.resolve("in"), "dog.jpg", "kitten.jpg");
        Path first = tmp.resolve("first");
        ScoringJob.run(spark, TestJobs.small(List.of(in), first).load(), QUIET);
        // a dataset of the same columns written by plain Spark: partition directories at the top, no run_id=
        Path out = tmp.resolve("out");
        ScoringResults.read(spark, first.toString()).drop(OutputDirs.RUN_COLUMN).write()
                .format(FooterParquetFormat.class.getName()).partitionBy("status").save(out.toString());
        Set<Path> before;
        try (Stream<Path> files = Files.walk(out)) {
            before = files.collect(Collectors.toSet());
        }

        JobConfigLoader append = TestJobs.small(List.of(in), out).set("output.incremental", "true")
                .set("output.save-mode", "append");
        JobConfigException e = assertThrows(JobConfigException.class,
                () -> ScoringJob.run(spark, append.load(), QUIET));
        assertTrue(e.getMessage().contains("not this job's run directories") && e.getMessage().contains("status=OK")
                && e.getMessage().contains("output.save-mode = overwrite"), e.getMessage());
        try (Stream<Path> files = Files.walk(out)) {
            assertEquals(before, files.collect(Collectors.toSet()), "nothing written");
        }

        ScoringJob.run(spark, TestJobs.small(List.of(in), out).set("output.save-mode", "overwrite").load(), QUIET);
        assertEquals(2, ScoringResults.read(spark, out.toString()).count(), "an overwrite replaces it");
    }

    private static long latestVersion(SparkSession spark, Path out) {
        return spark.sql("DESCRIBE HISTORY " + DeltaOutput.table(out.toString())).selectExpr("max(version)")
                .first().getLong(0);
    }

    private static Path inputs(Path dir, String... samples) throws IOException {
        Files.createDirectories(dir);
        for (String s : samples) {
            Files.copy(TestData.sample(s), dir.resolve(s));
        }
        return dir;
    }

    private static List<Path> dataFiles(Path out) throws IOException {
        try (Stream<Path> files = Files.walk(out)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".parquet"))
                    .filter(p -> !out.relativize(p).toString().startsWith("_")).toList();
        }
    }

    private static Set<Path> tree(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(p -> !p.toString().contains("/in/")).collect(Collectors.toSet());
        }
    }

    private static FileSystem localFs() throws IOException {
        return FileSystem.getLocal(new Configuration());
    }

    private static org.apache.hadoop.fs.Path hadoopPath(Path p) {
        return new org.apache.hadoop.fs.Path(p.toUri());
    }
}
