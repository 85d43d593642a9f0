package io.xceptionspark.report;

import static org.apache.spark.sql.functions.col;

import io.xceptionspark.spark.OutputSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The embedding map: a 2-D PCA projection of the embeddings. The two principal axes are fitted on a uniform
 * sample of at most {@value #FIT_ROWS} embeddings (drawn by Spark, so the output's size does not matter) by
 * orthogonal iteration on the driver: {@code V <- orth(Xc^T Xc V)} until the variance they capture settles (at
 * most {@value #MAX_STEPS} steps of {@code 4 * rows * dims} flops). Spark ML's {@code PCA} gives the same axes but always takes the full SVD
 * of the 2048 x 2048 covariance, which Spark runs in pure-Java LAPACK: 127 s of a 173 s report here
 * (docs/REPORT.md); two axes do not need it. Then the gallery's images are projected.
 */
public final class EmbeddingMap {
    /** Most embeddings the principal axes are fitted on (plenty for two axes of a picture's map). */
    public static final int FIT_ROWS = 2_000;
    private static final int MAX_STEPS = 150;
    /**
     * Stop when the variance the two axes capture changes by less than this (relative). Near-equal eigenvalues
     * make the axes themselves converge slowly, but then any pair in their span shows the data equally well.
     */
    private static final double TOLERANCE = 1e-10;

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
        Dataset<Row> fit = (fraction < 1.0 ? embedded.sample(false, fraction, 15L) : embedded).limit(FIT_ROWS);
        List<float[]> sample = new ArrayList<>();
        for (Row r : fit.select(col(OutputSchema.EMBEDDING)).collectAsList()) {
            sample.add(floats(r.getList(0)));
        }
        Axes axes = Axes.fit(sample);
        List<Point> points = new ArrayList<>();
        List<Row> rows = shown.select(col(OutputSchema.PATH), col(OutputSchema.LABEL), col(OutputSchema.EMBEDDING))
                .collectAsList();
        for (Row r : rows) {
            double[] xy = axes.project(floats(r.getList(2)));
            points.add(new Point(r.getString(0), r.isNullAt(1) ? null : r.getString(1), xy[0], xy[1]));
        }
        return new Projection(points, axes.explained(), sample.size());
    }

    private static float[] floats(List<Object> values) {
        float[] f = new float[values.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = ((Number) values.get(i)).floatValue();
        }
        return f;
    }

    /** The mean and the two leading principal axes of a sample, with their share of the total variance. */
    record Axes(double[] mean, double[][] axes, double[] explained) {
        static Axes fit(List<float[]> rows) {
            int n = rows.size();
            int d = rows.get(0).length;
            double[] mean = new double[d];
            for (float[] r : rows) {
                for (int j = 0; j < d; j++) {
                    mean[j] += r[j];
                }
            }
            for (int j = 0; j < d; j++) {
                mean[j] /= n;
            }
            double[][] x = new double[n][d];
            double total = 0;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < d; j++) {
                    x[i][j] = rows.get(i)[j] - mean[j];
                    total += x[i][j] * x[i][j];
                }
            }
            total /= Math.max(1, n - 1);
            SplittableRandom random = new SplittableRandom(7);
            double[][] v = new double[2][d];
            for (double[] axis : v) {
                for (int j = 0; j < d; j++) {
                    axis[j] = random.nextGaussian();
                }
            }
            orthonormalize(v);
            double[] lambda = new double[2];
            double previous = 0;
            for (int step = 0; step < MAX_STEPS; step++) {
                double[][] w = new double[2][d];
                for (double[] row : x) {
                    for (int a = 0; a < 2; a++) {
                        double s = dot(row, v[a]);
                        for (int j = 0; j < d; j++) {
                            w[a][j] += s * row[j];
                        }
                    }
                }
                for (int a = 0; a < 2; a++) {
                    lambda[a] = dot(w[a], v[a]) / Math.max(1, n - 1); // Rayleigh quotient: the axis' variance
                }
                orthonormalize(w);
                v = w;
                double captured = lambda[0] + lambda[1];
                if (Math.abs(captured - previous) <= TOLERANCE * captured) {
                    break;
                }
                previous = captured;
            }
            double[] explained = total > 0 ? new double[] {lambda[0] / total, lambda[1] / total} : new double[2];
            return new Axes(mean, v, explained);
        }

        double[] project(float[] e) {
            double[] xy = new double[2];
            for (int a = 0; a < 2; a++) {
                for (int j = 0; j < mean.length; j++) {
                    xy[a] += (e[j] - mean[j]) * axes[a][j];
                }
            }
            return xy;
        }

        private static void orthonormalize(double[][] v) {
            normalize(v[0]);
            double p = dot(v[1], v[0]);
            for (int j = 0; j < v[1].length; j++) {
                v[1][j] -= p * v[0][j];
            }
            normalize(v[1]);
        }

        private static void normalize(double[] a) {
            double norm = Math.sqrt(dot(a, a));
            if (norm > 0) {
                for (int j = 0; j < a.length; j++) {
                    a[j] /= norm;
                }
            }
        }

        private static double dot(double[] a, double[] b) {
            double s = 0;
            for (int j = 0; j < a.length; j++) {
                s += a[j] * b[j];
            }
            return s;
        }
    }
}
