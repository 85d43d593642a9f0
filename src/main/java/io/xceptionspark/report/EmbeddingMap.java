package io.xceptionspark.report;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.feature.PCA;
import org.apache.spark.ml.feature.PCAModel;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The embedding map: a 2-D PCA projection (Spark ML's {@link PCA}) of the embeddings. PCA is fitted on a
 * uniform sample of at most {@value #FIT_ROWS} embeddings (the covariance of 2048-d vectors needs no more to
 * settle, and it bounds the cost for any output size), then the gallery's images are projected.
 */
public final class EmbeddingMap {
    /** Most embeddings the principal components are fitted on. */
    public static final int FIT_ROWS = 20_000;

    /** The projected gallery images and the share of the variance each axis explains. */
    public record Projection(List<Point> points, double[] explainedVariance, long fittedOn) {}

    public record Point(String path, String label, double x, double y) {}

    private EmbeddingMap() {}

    /**
     * @param embedded rows with status OK: {@code path, label (may be null), embedding}
     * @param count how many rows {@code embedded} has
     * @param shown the gallery rows to project, same columns
     */
    public static Projection of(Dataset<Row> embedded, long count, Dataset<Row> shown) {
        double fraction = Math.min(1.0, 1.2 * FIT_ROWS / Math.max(1, count));
        Dataset<Row> fitRows = vectors(fraction < 1.0 ? embedded.sample(false, fraction, 15L) : embedded)
                .limit(FIT_ROWS).cache();
        try {
            long fitted = fitRows.count();
            PCAModel model = new PCA().setInputCol("vector").setOutputCol("xy").setK(2).fit(fitRows);
            List<Point> points = new ArrayList<>();
            for (Row r : model.transform(vectors(shown)).select("path", "label", "xy").collectAsList()) {
                Vector xy = r.getAs("xy");
                points.add(new Point(r.getString(0), r.isNullAt(1) ? null : r.getString(1), xy.apply(0), xy.apply(1)));
            }
            return new Projection(points, model.explainedVariance().toArray(), fitted);
        } finally {
            fitRows.unpersist();
        }
    }

    private static Dataset<Row> vectors(Dataset<Row> rows) {
        return rows.select(col("path"), col("label"),
                org.apache.spark.ml.functions.array_to_vector(col("embedding")).as("vector"));
    }
}
