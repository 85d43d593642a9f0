package io.xceptionspark.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xceptionspark.config.JobConfig;
import io.xceptionspark.config.JobConfigLoader;
import io.xceptionspark.testing.LoopbackHttpServer;
import io.xceptionspark.testing.SparkTestSession;
import io.xceptionspark.testing.TestData;
import io.xceptionspark.testing.TestJobs;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Parquet manifest of local paths and loopback URLs (with an id and a label column): one output row per manifest
 * row, the URL that works scored exactly like the same file on disk, each failing URL an error row with its own
 * code, the manifest's columns carried; then an incremental rerun scores only the new row.
 */
class ManifestJobTest {
    private static final StructType MANIFEST = new StructType()
            .add("id", DataTypes.IntegerType).add("uri", DataTypes.StringType).add("label", DataTypes.StringType);

    @Test
    void scoresPathsAndUrlsWithAnErrorRowEach(@TempDir Path tmp) throws Exception {
        SparkSession spark = SparkTestSession.get();
        Path samples = TestData.samples();
        try (LoopbackHttpServer http = new LoopbackHttpServer(samples)) {
            List<Row> rows = new ArrayList<>(List.of(
                    RowFactory.create(1, samples.resolve("dog.jpg").toUri().toString(), "dog"),
                    RowFactory.create(2, samples.resolve("kitten.jpg").toString(), "cat"),
                    RowFactory.create(3, samples.resolve("no-such-file.jpg").toUri().toString(), "none"),
                    RowFactory.create(4, http.url("/files/dog.jpg"), "dog"),
                    RowFactory.create(5, http.url("/missing/dog.jpg"), "none"),
                    RowFactory.create(6, http.url("/flaky/person.jpg"), "person"),
                    RowFactory.create(7, http.url("/slow/rocket.jpg"), "rocket"),
                    RowFactory.create(8, http.url("/big/astronaut.png"), "astronaut"),
                    RowFactory.create(9, http.url("/loop/0"), "loop"),
                    RowFactory.create(10, null, "null path")));
            Path manifest = tmp.resolve("manifest.parquet");
            spark.createDataFrame(rows, MANIFEST).coalesce(1).write().parquet(manifest.toString());
            Path out = tmp.resolve("out");
            JobConfig job = job(manifest, out).load();

            RunSummary first = run(job);
            assertEquals(10, first.listed());
            assertEquals(10, first.scored() + first.failed());
            Map<Integer, Row> byId = ScoringResults.read(spark, out.toString()).collectAsList().stream()
                    .collect(Collectors.toMap(r -> r.<Integer>getAs("id"), Function.identity()));
            assertEquals(10, byId.size(), "one row per manifest row");
            assertEquals("OK", byId.get(1).getAs("status"));
            assertEquals("OK", byId.get(2).getAs("status"));
            assertEquals("cat", byId.get(2).getAs("manifest_label"), "a carried column the output has is renamed");
            assertEquals(code(byId, 3), "UNREADABLE");
            assertEquals("OK", byId.get(4).getAs("status"), () -> byId.get(4).getAs("error_message"));
            assertEquals(byId.get(1).<String>getAs("sha256"), byId.get(4).getAs("sha256"));
            assertEquals(byId.get(1).<Integer>getAs("class_index"), byId.get(4).<Integer>getAs("class_index"));
            assertEquals(byId.get(1).<Float>getAs("probability"), byId.get(4).<Float>getAs("probability"),
                    "the URL scores exactly as the same file on disk");
            assertEquals(byId.get(1).<Long>getAs("length"), byId.get(4).<Long>getAs("length"));
            assertEquals(http.url("/files/dog.jpg"), byId.get(4).getAs("path"));
            assertEquals("HTTP_404", code(byId, 5));
            assertEquals("OK", byId.get(6).getAs("status"), "500, then 200 on the retry");
            assertEquals("TIMEOUT", code(byId, 7));
            assertEquals("TOO_LARGE", code(byId, 8));
            assertEquals(UrlFetcher.TOO_MANY_REDIRECTS, code(byId, 9));
            assertEquals("UNREADABLE", code(byId, 10));
            assertTrue(byId.get(1).<Object>getAs("modification_time") != null, "a file's time is read with it");
            assertEquals(Map.of("UNREADABLE", 2L, "HTTP_404", 1L, "TIMEOUT", 1L, "TOO_LARGE", 1L,
                    UrlFetcher.TOO_MANY_REDIRECTS, 1L), first.failures());

            // incremental: a second manifest with one more row scores only that one
            rows.add(RowFactory.create(11, samples.resolve("eagle.jpg").toUri().toString(), "eagle"));
            spark.createDataFrame(rows, MANIFEST).coalesce(1).write().mode("overwrite").parquet(manifest.toString());
            JobConfig incremental = job(manifest, out).set("output.incremental", "true")
                    .set("output.save-mode", "append").load();
            RunSummary second = run(incremental);
            assertEquals(11, second.listed());
            assertEquals(10, second.skipped());
            assertEquals(1, second.scored() + second.failed());
            assertEquals(11, ScoringResults.read(spark, out.toString()).count());
        }
    }

    /** A Delta manifest and a table (here a temporary view) are found by format = auto, as a path and as a name. */
    @Test
    void deltaManifestAndTable(@TempDir Path tmp) throws Exception {
        SparkSession spark = SparkTestSession.get();
        List<Row> rows = List.of(RowFactory.create(1, TestData.samples().resolve("kitten.jpg").toUri().toString(), "cat"));
        Path delta = tmp.resolve("manifest-delta");
        spark.createDataFrame(rows, MANIFEST).write().format("delta").save(delta.toString());
        spark.createDataFrame(rows, MANIFEST).createOrReplaceTempView("manifest_view_28");
        assertEquals("delta", ManifestInput.detect(spark, delta.toString()));
        assertEquals("table", ManifestInput.detect(spark, "manifest_view_28"));
        for (String source : List.of(delta.toString(), "manifest_view_28")) {
            Path out = tmp.resolve("out-" + source.hashCode());
            RunSummary run = run(job(Path.of("x"), out).set("input.manifest.source", source).load());
            assertEquals(1, run.scored(), source);
            assertEquals(1, ScoringResults.read(spark, out.toString()).where("id = 1 AND status = 'OK'").count());
        }
    }

    private static String code(Map<Integer, Row> byId, int id) {
        return byId.get(id).getAs("error_code");
    }

    private static JobConfigLoader job(Path manifest, Path out) {
        return TestJobs.small(List.of(), out).set("input.mode", "manifest")
                .set("input.manifest.source", manifest.toString()).set("input.manifest.path-column", "uri")
                .set("input.http.read-timeout", "1s").set("input.http.retries", "2")
                .set("input.http.retry-backoff", "10ms").set("input.http.max-redirects", "3")
                .set("preprocess.max-file-bytes", "300000");
    }

    private static RunSummary run(JobConfig job) {
        return ScoringJob.run(SparkTestSession.get(), job, new PrintStream(OutputStream.nullOutputStream()));
    }
}
