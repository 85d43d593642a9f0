package io.xceptionspark.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xceptionspark.config.JobConfig;
import io.xceptionspark.config.JobConfigLoader;
import io.xceptionspark.scoring.Scores;
import io.xceptionspark.spark.ScoringJob;
import io.xceptionspark.testing.TestData;
import io.xceptionspark.testing.SparkTestSession;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SQL functions (registered by {@link XceptionExtensions}, as conf/spark-defaults.conf does) against the
 * job: same files and settings give the same labels, embeddings and error codes; bad images give NULL.
 */
class XceptionFunctionsTest {
    /** Random weights at 71x71: milliseconds per image, deterministic for a seed. */
    static final Map<String, String> MODEL = new LinkedHashMap<>(Map.of(
            "model.weights", "none", "model.seed", "4242", "model.input-height", "71", "model.input-width", "71",
            "scoring.top-k", "3"));

    @TempDir
    static Path tmp;
    static SparkSession spark;
    static Map<String, Row> jobRows = new HashMap<>();
    static String inputs;

    @BeforeAll
    static void scoreWithTheJob() {
        spark = SparkTestSession.get();
        Path sample = TestData.samples();
        Path edge = TestData.path("edge-images");
        inputs = "'" + sample + "', '" + edge + "'";
        JobConfigLoader loader = new JobConfigLoader()
                .setList("input.paths", List.of(sample.toString(), edge.toString()))
                .set("output.path", tmp.resolve("job").toString())
                .set("scoring.mode", "both");
        MODEL.forEach(loader::set);
        JobConfig job = loader.load();
        ScoringJob.run(spark, job, new PrintStream(OutputStream.nullOutputStream()));
        for (Row r : spark.read().parquet(tmp.resolve("job").toString()).collectAsList()) {
            jobRows.put(r.getAs("path"), r);
        }
        FunctionSettings.apply(spark, MODEL);
    }

    private static List<Row> query(String select) {
        spark.read().format("binaryFile").load(TestData.samples().toString(),
                TestData.path("edge-images").toString()).createOrReplaceTempView("images");
        return spark.sql(select).collectAsList();
    }

    @Test
    void labelsEmbeddingsAndErrorsEqualTheJobsRows() {
        List<Row> rows = query("SELECT path, xception_labels(content) AS top, xception_labels(content, 1) AS top1,"
                + " xception_embedding(content) AS embedding, xception_error(content) AS error FROM images");
        assertTrue(rows.size() >= 20, "sample and edge images: " + rows.size());
        int ok = 0;
        int failed = 0;
        for (Row r : rows) {
            Row job = jobRows.get(r.<String>getAs("path"));
            assertNotNull(job, "the job scored " + r.getAs("path"));
            if ("OK".equals(job.getAs("status"))) {
                ok++;
                assertTrue(r.isNullAt(r.fieldIndex("error")), "no error for a good image");
                List<Row> top = r.getList(r.fieldIndex("top"));
                List<Row> jobTop = job.getList(job.fieldIndex("top_k"));
                assertEquals(3, top.size());
                for (int i = 0; i < 3; i++) {
                    assertEquals(jobTop.get(i).<Integer>getAs("class_index"), top.get(i).<Integer>getAs("class_index"));
                    assertEquals(jobTop.get(i).<String>getAs("wnid"), top.get(i).<String>getAs("wnid"));
                    assertEquals(jobTop.get(i).<Float>getAs("probability"), top.get(i).<Float>getAs("probability"), 1e-6f);
                }
                assertEquals(1, r.getList(r.fieldIndex("top1")).size());
                List<Float> embedding = r.getList(r.fieldIndex("embedding"));
                List<Float> jobEmbedding = job.getList(job.fieldIndex("embedding"));
                assertEquals(jobEmbedding.size(), embedding.size());
                for (int i = 0; i < embedding.size(); i++) {
                    assertEquals(jobEmbedding.get(i), embedding.get(i), 1e-5f * Math.max(1, Math.abs(jobEmbedding.get(i))));
                }
            } else {
                failed++;
                assertTrue(r.isNullAt(r.fieldIndex("top")), "NULL labels for a bad image");
                assertTrue(r.isNullAt(r.fieldIndex("embedding")), "NULL embedding for a bad image");
                Row error = r.getStruct(r.fieldIndex("error"));
                assertEquals(job.<String>getAs("error_code"), error.getAs("error_code"), "error code of " + r.getAs("path"));
                assertNotNull(error.getAs("error_message"));
            }
        }
        assertTrue(ok >= 13 && failed >= 5, ok + " ok, " + failed + " failed");
    }

    @Test
    void similarityOfEmbeddingsAndOfImages() {
        List<Row> rows = query("SELECT a.path AS a, b.path AS b, xception_similarity(a.content, b.content) AS images,"
                + " xception_similarity(xception_embedding(a.content), xception_embedding(b.content)) AS vectors,"
                + " xception_similarity(a.content, a.content) AS itself"
                + " FROM images a JOIN images b ON a.path < b.path"
                + " WHERE a.path LIKE '%sample-data%' AND b.path LIKE '%sample-data%' AND a.path LIKE '%.jpg'");
        assertTrue(rows.size() >= 10);
        for (Row r : rows) {
            if (r.isNullAt(r.fieldIndex("images"))) {
                continue; // a non-image in the folder (SOURCES.md): NULL, not a failed query
            }
            float[] x = floats(jobRows.get(r.<String>getAs("a")).getList(jobRows.get(r.<String>getAs("a")).fieldIndex("embedding")));
            float[] y = floats(jobRows.get(r.<String>getAs("b")).getList(jobRows.get(r.<String>getAs("b")).fieldIndex("embedding")));
            assertEquals(Scores.cosine(x, y), r.<Float>getAs("images"), 1e-5f);
            assertEquals(r.<Float>getAs("images"), r.<Float>getAs("vectors"), 1e-6f);
            assertEquals(1f, r.<Float>getAs("itself"), 1e-6f);
        }
    }

    @Test
    void badArgumentsFailAtAnalysisWithOneMessage() {
        Exception e = assertThrows(Exception.class, () -> query("SELECT xception_labels(path) FROM images"));
        assertTrue(messages(e).contains("content must be binary"), messages(e));
        e = assertThrows(Exception.class, () -> query("SELECT xception_labels(content, 0) FROM images"));
        assertTrue(messages(e).contains("k must be a constant integer from 1 to 1000"), messages(e));
        e = assertThrows(Exception.class, () -> query("SELECT xception_similarity(content, 3) FROM images"));
        assertTrue(messages(e).contains("must be an embedding (array<float>) or image content (binary)"), messages(e));
    }

    private static String messages(Throwable e) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append(" | ");
        }
        return all.toString();
    }

    private static float[] floats(List<Float> list) {
        float[] v = new float[list.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = list.get(i);
        }
        return v;
    }
}
