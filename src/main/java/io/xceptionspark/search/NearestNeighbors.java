package io.xceptionspark.search;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.udaf;

import io.xceptionspark.config.JobConfigException;
import io.xceptionspark.spark.OutputSchema;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Exact k-nearest-neighbour search (cosine). The queries (few: collected on the driver, scaled to unit length)
 * are broadcast in passes of at most {@value #QUERIES_PER_PASS}; every partition of the index multiplies its
 * unit rows by them in blocks ({@link PartitionTopK}: one libtorch matrix product per block gives every pair's
 * cosine) and keeps a k-bounded heap per query, so at most k (query, path, similarity) rows per query leave a
 * task; a final top-k ({@link TopKAggregator}) merges the partitions. Labels are joined back for the k winners
 * only. Exact by construction (recall 1.0); no pair is materialised, sorted or shuffled.
 *
 * <p>Why not Spark 4.2's {@code APPROX | EXACT NEAREST} join, or {@code vector_cosine_similarity} over a
 * broadcast join: 4.2.0 plans NEAREST as a nested-loop join followed by a Sort and SortAggregate of every
 * (query, row) pair, each carrying both embeddings (1,000 queries against 2,000 rows ran for minutes and
 * spilled); and {@code vector_cosine_similarity} itself computes about 63,000 pairs/s per core here (1,000
 * queries against 20,000 rows: 317 s), where one matrix product does that work in well under a second
 * (docs/SEARCH.md has the measurements).
 */
public final class NearestNeighbors {
    /** Result columns. */
    public static final String QUERY = "query";
    public static final String RANK = "rank";
    public static final String PATH = OutputSchema.PATH;
    public static final String SIMILARITY = "similarity";
    public static final String LABEL = OutputSchema.LABEL;

    /**
     * The final top-k's partial aggregation holds one k-bounded heap per query; past Spark's default of 128
     * groups it would fall back to sorting its input. The search raises the threshold to this many queries.
     */
    static final int HEAPS_PER_TASK = 100_000;
    /** Queries per broadcast: 4,096 x 2,048 floats = 32 MB, and a 16 MB similarity block per task. */
    static final int QUERIES_PER_PASS = 4_096;
    private static final StructType PARTIAL = new StructType().add(QUERY, DataTypes.StringType, false)
            .add(PATH, DataTypes.StringType, false).add(SIMILARITY, DataTypes.FloatType, false);
    private static final String FALLBACK = "spark.sql.objectHashAggregate.sortBased.fallbackThreshold";

    private NearestNeighbors() {}

    /** Checks k before any work: a configuration error names the fix. */
    public static void checkK(int k) {
        if (k <= 0 || k > 10_000) {
            throw new JobConfigException("--k must be from 1 to 10000, not " + k + ".");
        }
    }

    /**
     * The k rows of the index nearest to each query, most similar first (ties: by path).
     *
     * @param queries columns {@code query} (a name) and {@code embedding}
     * @return query, rank (1..k), path, similarity (cosine), and label when the index has labels
     */
    public static Dataset<Row> search(SparkSession spark, Dataset<Row> queries, EmbeddingIndex index, int k) {
        return search(spark, queries, index.vectors(), index.hasLabels(), k);
    }

    /**
     * The same search over any rows with embeddings.
     *
     * @param vectors columns {@code path}, {@code embedding} and, when {@code hasLabels}, {@code label}: one row
     *                per path
     */
    public static Dataset<Row> search(SparkSession spark, Dataset<Row> queries, Dataset<Row> vectors,
                                      boolean hasLabels, int k) {
        checkK(k);
        if (Long.parseLong(spark.conf().get(FALLBACK, "128")) < HEAPS_PER_TASK) {
            spark.conf().set(FALLBACK, Integer.toString(HEAPS_PER_TASK));
        }
        List<String> names = new ArrayList<>();
        List<float[]> embeddings = new ArrayList<>();
        for (Row row : queries.select(col(QUERY), col(OutputSchema.EMBEDDING))
                .where(col(OutputSchema.EMBEDDING).isNotNull()).dropDuplicates(QUERY).collectAsList()) {
            List<Float> e = row.getList(1);
            float[] v = new float[e.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = e.get(i) == null ? Float.NaN : e.get(i);
            }
            names.add(row.getString(0));
            embeddings.add(v);
        }
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        JavaRDD<InternalRow> rows = vectors.select(col(PATH), col(OutputSchema.EMBEDDING)).queryExecution().toRdd()
                .toJavaRDD();
        Dataset<Row> partial = spark.createDataFrame(List.of(), PARTIAL);
        for (int from = 0; from < names.size(); from += QUERIES_PER_PASS) {
            int to = Math.min(names.size(), from + QUERIES_PER_PASS);
            Broadcast<QueryVectors> pass = jsc.broadcast(QueryVectors.of(names.subList(from, to),
                    embeddings.subList(from, to)));
            partial = partial.unionAll(spark.createDataFrame(rows.mapPartitions(new PartitionTopK(pass, k)), PARTIAL));
        }
        Column best = udaf(new TopKAggregator(k), TopKAggregator.inputEncoder()).apply(col(PATH), col(SIMILARITY));
        Dataset<Row> top = partial.groupBy(QUERY).agg(best.as("top"))
                .selectExpr(QUERY, "inline(arrays_zip(top.paths, top.similarities))")
                .toDF(QUERY, PATH, SIMILARITY);
        Dataset<Row> ranked = top.selectExpr(QUERY, "CAST(row_number() OVER (PARTITION BY " + QUERY + " ORDER BY "
                + SIMILARITY + " DESC, " + PATH + ") AS INT) AS " + RANK, PATH, SIMILARITY);
        if (!hasLabels) {
            return ranked;
        }
        Dataset<Row> labels = vectors.select(col(PATH).as("l_path"), col(LABEL));
        return ranked.join(labels, ranked.col(PATH).equalTo(labels.col("l_path")), "left")
                .select(col(QUERY), col(RANK), col(PATH), col(SIMILARITY), col(LABEL));
    }

    /** The embedding scaled to unit length, so that an inner product is the cosine similarity. */
    static Column unit(String embedding) {
        return expr("vector_normalize(" + embedding + ", 2.0F)");
    }
}
