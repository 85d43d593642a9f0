package io.xceptionspark.report;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.udf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xceptionspark.testing.SparkTestSession;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;
import org.junit.jupiter.api.Test;
import scala.collection.immutable.ArraySeq;

/**
 * The embedding map and the neighbours on a Kryo session with registrationRequired (as the job runs): the
 * fitted axes are the covariance's two leading eigenvectors, two well-separated clusters of 2048-d vectors land
 * apart on the first axis, and an image's nearest neighbours are its own cluster's, most similar first.
 */
class EmbeddingMapTest {
    @Test
    void axesAreTheLeadingEigenvectorsOfTheCovariance() {
        Random random = new Random(5);
        int d = 24;
        double[] scale = new double[d];
        for (int j = 0; j < d; j++) {
            scale[j] = 1.0 / (1 + j); // variances fall off, so the leading two are distinct
        }
        List<float[]> rows = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            float[] e = new float[d];
            double shared = random.nextGaussian();
            for (int j = 0; j < d; j++) {
                e[j] = (float) (3 + scale[j] * random.nextGaussian() + (j % 3 == 0 ? 0.5 * shared : 0));
            }
            rows.add(e);
        }
        EmbeddingMap.Axes axes = EmbeddingMap.Axes.fit(rows);
        double[][] cov = new double[d][d];
        for (float[] r : rows) {
            for (int a = 0; a < d; a++) {
                for (int b = 0; b < d; b++) {
                    cov[a][b] += (r[a] - axes.mean()[a]) * (r[b] - axes.mean()[b]) / (rows.size() - 1);
                }
            }
        }
        double trace = 0;
        for (int a = 0; a < d; a++) {
            trace += cov[a][a];
        }
        double[] lambda = new double[2];
        for (int k = 0; k < 2; k++) {
            double[] v = axes.axes()[k];
            double[] cv = new double[d];
            for (int a = 0; a < d; a++) {
                for (int b = 0; b < d; b++) {
                    cv[a] += cov[a][b] * v[b];
                }
            }
            for (int a = 0; a < d; a++) {
                lambda[k] += cv[a] * v[a];
            }
            for (int a = 0; a < d; a++) {
                assertEquals(lambda[k] * v[a], cv[a], 1e-4, "C v = lambda v, axis " + k);
            }
            assertEquals(lambda[k] / trace, axes.explained()[k], 1e-6);
        }
        assertTrue(lambda[0] >= lambda[1], "first axis first");
        // no unit direction has more variance than the first axis (random directions as a check)
        for (int t = 0; t < 200; t++) {
            double[] u = new double[d];
            double norm = 0;
            for (int a = 0; a < d; a++) {
                u[a] = random.nextGaussian();
                norm += u[a] * u[a];
            }
            double var = 0;
            for (int a = 0; a < d; a++) {
                for (int b = 0; b < d; b++) {
                    var += u[a] * cov[a][b] * u[b] / norm;
                }
            }
            assertTrue(var <= lambda[0] + 1e-9);
        }
    }

    @Test
    void mapSeparatesClustersAndNeighboursStayInTheirCluster() {
        SparkSession spark = SparkTestSession.get();
        Random random = new Random(3);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            String cluster = i % 2 == 0 ? "cat" : "dog";
            float[] e = new float[2048];
            for (int d = 0; d < e.length; d++) {
                e[d] = (float) ((cluster.equals("cat") == (d < 1024) ? 1.0 : 0.0) + 0.2 * random.nextGaussian());
            }
            rows.add(RowFactory.create("file:/x/" + i + ".jpg", cluster, ArraySeq.unsafeWrapArray(e)));
        }
        StructType schema = new StructType().add("path", "string").add("label", "string")
                .add("embedding", "array<float>");
        Dataset<Row> embedded = spark.createDataFrame(rows, schema);

        EmbeddingMap.Projection map = EmbeddingMap.of(embedded, 60, embedded);
        assertEquals(60, map.points().size());
        assertEquals(60, map.fittedOn());
        assertTrue(map.explainedVariance()[0] > 0.5, "one axis explains the two clusters");
        double catSide = Math.signum(map.points().stream().filter(p -> p.label().equals("cat"))
                .mapToDouble(EmbeddingMap.Point::x).sum());
        for (EmbeddingMap.Point p : map.points()) {
            assertEquals(p.label().equals("cat") ? catSide : -catSide, Math.signum(p.x()), p.toString());
        }

        // the queries pass a counting function: each query row is evaluated once (not again by the search)
        LongAccumulator evaluated = spark.sparkContext().longAccumulator("query rows evaluated");
        UserDefinedFunction counted = udf((UDF1<String, String>) path -> {
            evaluated.add(1);
            return path;
        }, DataTypes.StringType).asNondeterministic();
        Dataset<Row> queries = embedded.limit(2).withColumn("path", counted.apply(col("path")));
        List<ReportData.Neighbours> nn = NearestNeighbours.of(embedded, queries, 5);
        assertEquals(2, evaluated.value(), "query rows evaluated");
        assertEquals(2, nn.size());
        for (ReportData.Neighbours n : nn) {
            assertEquals(5, n.nearest().size());
            for (int k = 0; k < n.nearest().size(); k++) {
                ReportData.Neighbour m = n.nearest().get(k);
                assertEquals(n.label(), m.label(), "neighbours of " + n.path());
                assertTrue(!m.path().equals(n.path()), "an image is not its own neighbour");
                assertTrue(k == 0 || n.nearest().get(k - 1).similarity() >= m.similarity());
            }
        }
    }
}
