package io.xceptionspark.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xceptionspark.config.JobConfigException;
import io.xceptionspark.inference.ModelCache;
import io.xceptionspark.testing.TestData;
import io.xceptionspark.testing.SparkTestSession;
import io.xceptionspark.testing.TestJobs;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Spark ML API from Java: XceptionLabeler and XceptionEmbedder in a Pipeline over binaryFile's
 * DataFrame on Spark 4.2; schema and configuration checks before any work; save and load.
 */
class TransformersTest {
    private static Dataset<Row> images(SparkSession spark, Path dir) {
        return spark.read().format("binaryFile").load(dir.toString());
    }

    private static Path inputs(Path tmp) throws Exception {
        Path dir = tmp.resolve("images");
        Path edge = TestData.path("edge-images");
        TestJobs.copy(dir, edge.resolve("hopper.bmp"), edge.resolve("hopper_gray.jpg"), edge.resolve("not-an-image.jpg"));
        return dir;
    }

    private static <T extends XceptionTransformer<T>> T small(T t, long seed) {
        return t.setWeights("none").setSeed(seed).setInputSize(71, 71).setBatchSize(2);
    }

    @Test
    void labelerAndEmbedderRunInAPipeline(@TempDir Path tmp) throws Exception {
        SparkSession spark = SparkTestSession.get();
        XceptionLabeler labeler = small(new XceptionLabeler(), 7001).setTopK(3);
        XceptionEmbedder embedder = small(new XceptionEmbedder(), 7002).setNormalizeEmbeddings(true)
                .setOutputPrefix("emb_");
        Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {labeler, embedder});
        Dataset<Row> input = images(spark, inputs(tmp));
        PipelineModel model = pipeline.fit(input);
        Dataset<Row> labelled = model.transform(input);
        List<String> columns = Arrays.asList(labelled.columns());
        assertTrue(columns.containsAll(List.of("path", "content", "status", "error_code", "label", "probability", "top_k")),
                columns.toString());
        List<Row> rows = labelled.collectAsList();
        assertEquals(3, rows.size());
        for (Row r : rows) {
            boolean image = !r.<String>getAs("path").endsWith("not-an-image.jpg");
            assertEquals(image ? "OK" : "ERROR", r.getAs("status"));
            if (image) {
                assertEquals(3, r.getList(r.fieldIndex("top_k")).size());
            } else {
                assertEquals("UNSUPPORTED_FORMAT", r.getAs("error_code"));
                assertNull(r.getAs("label"));
            }
        }
        for (Row r : rows) {
            assertEquals(r.<String>getAs("status"), r.<String>getAs("emb_status"));
            if (r.<String>getAs("status").equals("OK")) {
                List<Float> e = r.getList(r.fieldIndex("emb_embedding"));
                assertEquals(2048, e.size());
                double norm = Math.sqrt(e.stream().mapToDouble(v -> (double) v * v).sum());
                assertEquals(1.0, norm, 1e-4, "normalised embedding");
            }
        }
    }

    @Test
    void scorerGivesLabelsAndEmbeddingsFromOnePass(@TempDir Path tmp) throws Exception {
        SparkSession spark = SparkTestSession.get();
        XceptionScorer scorer = small(new XceptionScorer(), 7005).setMode("both").setTopK(2);
        List<Row> rows = scorer.transform(images(spark, inputs(tmp))).where("status = 'OK'").collectAsList();
        assertEquals(2, rows.size());
        for (Row r : rows) {
            assertEquals(2, r.getList(r.fieldIndex("top_k")).size());
            assertEquals(2048, r.getList(r.fieldIndex("embedding")).size());
        }
    }

    /** The precision param reaches the model: bfloat16 embeddings close to float32's, and bad values refused. */
    @Test
    void bfloat16EmbedderMatchesFloat32(@TempDir Path tmp) throws Exception {
        SparkSession spark = SparkTestSession.get();
        Dataset<Row> images = images(spark, inputs(tmp)).orderBy("path");
        XceptionEmbedder bf16 = small(new XceptionEmbedder(), 7006);
        bf16.setPrecision("bfloat16");
        assertEquals(io.xceptionspark.model.Precision.BFLOAT16, bf16.modelSpec().precision());
        List<Row> fast = bf16.transform(images).where("status = 'OK'").collectAsList();
        List<Row> exact = small(new XceptionEmbedder(), 7006).transform(images).where("status = 'OK'").collectAsList();
        assertEquals(2, fast.size());
        for (int i = 0; i < fast.size(); i++) {
            List<Float> a = exact.get(i).getList(exact.get(i).fieldIndex("embedding"));
            List<Float> b = fast.get(i).getList(fast.get(i).fieldIndex("embedding"));
            double dot = 0, na = 0, nb = 0;
            for (int k = 0; k < a.size(); k++) {
                dot += a.get(k) * b.get(k);
                na += a.get(k) * a.get(k);
                nb += b.get(k) * b.get(k);
            }
            double cosine = dot / Math.sqrt(na * nb);
            assertTrue(cosine >= 0.999, "cosine " + cosine);
        }
        JobConfigException bad = assertThrows(JobConfigException.class, () -> bf16.setPrecision("fp16"));
        assertTrue(bad.getMessage().contains("float32, bfloat16"), bad.getMessage());
    }

    @Test
    void schemaIsCheckedBeforeAnyWork() {
        SparkSession spark = SparkTestSession.get();
        XceptionLabeler labeler = small(new XceptionLabeler(), 7003);
        int loads = ModelCache.loadCount();
        Dataset<Row> noContent = spark.range(3).toDF("id");
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> labeler.transform(noContent));
        assertTrue(missing.getMessage().contains("input column 'content' is missing"), missing.getMessage());
        Dataset<Row> wrongType = spark.range(3).toDF("content");
        IllegalArgumentException type = assertThrows(IllegalArgumentException.class, () -> labeler.transform(wrongType));
        assertTrue(type.getMessage().contains("must be binary"), type.getMessage());
        StructType schema = labeler.transformSchema(spark.read().format("binaryFile").load(
                TestData.path("edge-images").toString()).schema());
        IllegalArgumentException clash = assertThrows(IllegalArgumentException.class, () -> labeler.transformSchema(schema));
        assertTrue(clash.getMessage().contains("already exists"), clash.getMessage());
        assertEquals(loads, ModelCache.loadCount(), "no model was loaded for an invalid input");
        assertThrows(JobConfigException.class, () -> labeler.setResize("stretch"));
        assertThrows(JobConfigException.class, () -> labeler.setBatchSize(0));
    }

    @Test
    void savedPipelineLoadsWithItsParams(@TempDir Path tmp) throws Exception {
        XceptionEmbedder embedder = small(new XceptionEmbedder(), 7004).setNormalizeEmbeddings(true).setPooling("max");
        PipelineModel model = new PipelineModel("p", new org.apache.spark.ml.Transformer[] {embedder});
        String path = tmp.resolve("pipeline").toString();
        model.write().save(path);
        PipelineModel loaded = PipelineModel.load(path);
        XceptionEmbedder copy = (XceptionEmbedder) loaded.stages()[0];
        assertEquals(embedder.uid(), copy.uid());
        assertEquals(embedder.modelSpec(), copy.modelSpec());
        assertTrue(copy.getNormalizeEmbeddings());
        assertEquals("max", copy.getPooling());
    }
}
