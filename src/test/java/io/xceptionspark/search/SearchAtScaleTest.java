package io.xceptionspark.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xceptionspark.testing.SparkTestSession;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The search's plan and answers on an index of random vectors with planted near-duplicates: the exact top-k
 * of many queries (more than Spark's 128 hash-aggregation groups per task) equals brute force without sorting
 * the pairs, and the banded LSH finds the same near-duplicate pairs as the exhaustive comparison.
 */
class SearchAtScaleTest {
    private static final int ROWS = 1500;
    private static final int DIM = 96;
    @TempDir
    static Path tmp;
    private static final List<float[]> vectors = new ArrayList<>();
    private static EmbeddingIndex index;

    @BeforeAll
    static void writeIndex() {
        SparkSession spark = SparkTestSession.get();
        StructType schema = new StructType()
                .add("path", DataTypes.StringType, false)
                .add("modification_time", DataTypes.TimestampType, false)
                .add("status", DataTypes.StringType, false)
                .add("label", DataTypes.StringType, true)
                .add("embedding", DataTypes.createArrayType(DataTypes.FloatType, false), true)
                .add("model", DataTypes.StringType, false)
                .add("scored_at", DataTypes.TimestampType, false);
        Random r = new Random(5);
        Timestamp now = Timestamp.from(Instant.now());
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < ROWS; i++) {
            float[] v = new float[DIM];
            boolean planted = i % 50 == 49;
            for (int j = 0; j < DIM; j++) {
                // a planted near-duplicate of the row before (cosine ~0.98); others independent (cosine ~0)
                v[j] = planted ? vectors.get(i - 1)[j] + (float) (0.2 * r.nextGaussian()) : (float) r.nextGaussian();
            }
            vectors.add(v);
            rows.add(RowFactory.create(path(i), now, "OK", "label-" + (i % 7),
                    scala.collection.immutable.ArraySeq.unsafeWrapArray(v), "test", now));
        }
        spark.createDataFrame(rows, schema).repartition(3).write().parquet(tmp.resolve("index").toString());
        index = EmbeddingIndex.open(spark, tmp.resolve("index").toString());
    }

    @Test
    void theTopKOfManyQueriesIsExactAndNoPairIsMaterialised() {
        SparkSession spark = SparkTestSession.get();
        int queries = 300;
        int k = 5;
        Dataset<Row> q = index.vectors().where("path < '" + path(queries) + "'")
                .selectExpr("path AS query", "embedding");
        Dataset<Row> result = NearestNeighbors.search(spark, q, index, k);
        String plan = result.queryExecution().executedPlan().toString();
        // the pairs never reach Spark SQL: each task multiplies its rows by the queries and hands on its top k
        assertFalse(plan.contains("NestedLoopJoin") || plan.contains("SortAggregate"), plan);
        assertTrue(plan.contains("partial_topkaggregator"), plan);
        Map<String, List<Row>> byQuery = new HashMap<>();
        for (Row row : result.collectAsList()) {
            byQuery.computeIfAbsent(row.getAs("query"), x -> new ArrayList<>()).add(row);
        }
        assertEquals(queries, byQuery.size());
        for (int i = 0; i < queries; i++) {
            List<Row> got = new ArrayList<>(byQuery.get(path(i)));
            got.sort(Comparator.comparingInt(row -> row.<Integer>getAs("rank")));
            List<Integer> truth = bruteForce(i, k);
            assertEquals(k, got.size());
            for (int rank = 0; rank < k; rank++) {
                Row row = got.get(rank);
                assertEquals(rank + 1, row.<Integer>getAs("rank"));
                assertEquals(path(truth.get(rank)), row.getAs("path"), "query " + i + " rank " + (rank + 1));
                assertEquals(cosine(vectors.get(i), vectors.get(truth.get(rank))), row.<Float>getAs("similarity"),
                        1e-4);
                assertEquals("label-" + (truth.get(rank) % 7), row.getAs("label"));
            }
        }
    }

    @Test
    void theBandedLshFindsThePairsTheExhaustiveComparisonFinds() {
        SparkSession spark = SparkTestSession.get();
        double threshold = 0.95;
        NearDuplicates.Result lsh = NearDuplicates.find(spark, index, threshold, false);
        assertTrue(lsh.lsh().recallAtSimilarity(threshold) >= NearDuplicates.TARGET_RECALL, lsh.lsh().toString());
        Set<String> found = pairs(lsh.pairs());
        Set<String> exact = pairs(NearDuplicates.find(spark, index, threshold, true).pairs());
        Set<String> brute = new TreeSet<>();
        for (int a = 0; a < ROWS; a++) {
            for (int b = a + 1; b < ROWS; b++) {
                if (cosine(vectors.get(a), vectors.get(b)) >= threshold) {
                    brute.add(path(a) + "|" + path(b));
                }
            }
        }
        assertEquals(ROWS / 50, brute.size(), "the planted pairs, no others");
        assertEquals(brute, exact, "--exact is every pair over the threshold");
        assertEquals(brute, found, "the LSH finds them all");
    }

    private static List<Integer> bruteForce(int query, int k) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < ROWS; i++) {
            order.add(i);
        }
        double[] sim = new double[ROWS];
        for (int i = 0; i < ROWS; i++) {
            sim[i] = cosine(vectors.get(query), vectors.get(i));
        }
        order.sort(Comparator.<Integer>comparingDouble(i -> -sim[i]).thenComparing(i -> path(i)));
        return order.subList(0, k);
    }

    private static Set<String> pairs(Dataset<Row> pairs) {
        Set<String> out = new TreeSet<>();
        for (Row r : pairs.collectAsList()) {
            assertTrue(r.<String>getAs("path_a").compareTo(r.getAs("path_b")) < 0);
            out.add(r.getAs("path_a") + "|" + r.getAs("path_b"));
        }
        return out;
    }

    private static String path(int i) {
        return String.format("file:/idx/img-%05d.jpg", i);
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }
}
