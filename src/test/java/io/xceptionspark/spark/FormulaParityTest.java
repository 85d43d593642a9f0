package io.xceptionspark.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.xceptionspark.config.JobConfig;
import io.xceptionspark.config.JobConfigLoader;
import io.xceptionspark.testing.Golden;
import io.xceptionspark.testing.TestData;
import io.xceptionspark.testing.SparkTestSession;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Through Spark and Parquet, the keras-formula fixture (squash policy, formula weights) gives the golden
 * logits and embeddings within 1e-3 of their largest magnitude, and the same top-5.
 */
class FormulaParityTest {
    @Test
    void parquetLogitsAndEmbeddingsMatchGolden(@TempDir Path tmp) {
        Path out = tmp.resolve("formula");
        JobConfig job = new JobConfigLoader()
                .setList("input.paths", List.of(TestData.path(Golden.IMAGES).toString()))
                .set("output.path", out.toString())
                .set("model.weights", TestData.path(Golden.WEIGHTS).toString())
                .set("preprocess.resize", "squash")
                .set("scoring.mode", "both")
                .set("scoring.include-logits", "true")
                .set("input.images-per-partition", "3")
                .load();
        RunSummary summary = ScoringJob.run(SparkTestSession.get(), job, new PrintStream(OutputStream.nullOutputStream()));
        assertEquals(5, summary.scored());
        List<Row> rows = SparkTestSession.get().read().parquet(out.toString()).collectAsList();
        assertEquals(5, rows.size());
        for (Row r : rows) {
            String path = r.getAs("path");
            String image = path.substring(path.lastIndexOf('/') + 1);
            List<Row> top = r.getList(r.fieldIndex("top_k"));
            int[] top5 = top.stream().mapToInt(t -> t.<Integer>getAs("class_index")).toArray();
            Golden.assertMatches(image, floats(r.getList(r.fieldIndex("logits"))),
                    floats(r.getList(r.fieldIndex("embedding"))), top5);
            float[] probabilities = Golden.top5Probabilities(image);
            for (int i = 0; i < 5; i++) {
                assertEquals(probabilities[i], top.get(i).<Float>getAs("probability"), 1e-3, image + " top-5 probability");
            }
            assertEquals(true, r.<String>getAs("model").startsWith("xception/keras-h5:sha256="), r.<String>getAs("model"));
        }
    }

    private static float[] floats(List<Float> values) {
        float[] a = new float[values.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = values.get(i);
        }
        return a;
    }
}
