package io.xceptionspark.search;

import io.xceptionspark.config.JobConfigException;
import java.util.UUID;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * k-nearest-neighbour search with Spark 4.2's NEAREST join: {@code queries JOIN index APPROX | EXACT NEAREST k
 * BY SIMILARITY vector_cosine_similarity(...)}. Spark plans it as a broadcast of the queries against a scan of
 * the index with a per-query top-k aggregation, so no query x index product is ever materialised and a table
 * of queries is one Spark job. (In Spark 4.2.0 APPROX and EXACT run the same exact plan; see docs/SEARCH.md.)
 */
public final class NearestNeighbors {
    /** Result columns. */
    public static final String QUERY = "query";
    public static final String RANK = "rank";
    public static final String PATH = "path";
    public static final String SIMILARITY = "similarity";
    public static final String LABEL = "label";

    private NearestNeighbors() {}

    /** Checks k before any work: a configuration error names the fix. */
    public static void checkK(int k) {
        if (k <= 0 || k > 10_000) {
            throw new JobConfigException("--k must be from 1 to 10000, not " + k + ".");
        }
    }

    /**
     * The k rows of the index nearest to each query, most similar first.
     *
     * @param queries columns {@code query} (a name) and {@code embedding}
     * @return query, rank (1..k), path, similarity (cosine), and label when the index has labels
     */
    public static Dataset<Row> search(SparkSession spark, Dataset<Row> queries, EmbeddingIndex index, int k,
                                      boolean exact) {
        checkK(k);
        String id = UUID.randomUUID().toString().replace("-", "");
        String q = "xs_queries_" + id;
        String i = "xs_index_" + id;
        queries.selectExpr(QUERY, "embedding AS query_embedding").createOrReplaceTempView(q);
        index.vectors().createOrReplaceTempView(i);
        String similarity = "vector_cosine_similarity(q.query_embedding, i.embedding)";
        // The join carries only the index's path (and label) through its top-k aggregation: selecting the
        // embedding (or the similarity, which needs it) above the join would copy 2048 floats per compared
        // row. The k winners' similarities are computed again afterwards, by joining back on query and path.
        String m = "xs_matches_" + id;
        spark.sql("SELECT q." + QUERY + ", i.path FROM " + q + " q JOIN " + i + " i " + (exact ? "EXACT" : "APPROX")
                + " NEAREST " + k + " BY SIMILARITY " + similarity).createOrReplaceTempView(m);
        return spark.sql("SELECT " + QUERY + ", CAST(row_number() OVER (PARTITION BY " + QUERY + " ORDER BY "
                + SIMILARITY + " DESC, path) AS INT) AS " + RANK + ", path, " + SIMILARITY
                + (index.hasLabels() ? ", label" : "") + " FROM (SELECT m." + QUERY + ", m.path, " + similarity
                + " AS " + SIMILARITY + (index.hasLabels() ? ", i.label" : "") + " FROM " + m + " m JOIN " + q
                + " q ON m." + QUERY + " = q." + QUERY + " JOIN " + i + " i ON m.path = i.path)");
    }
}
