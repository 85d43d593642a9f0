package io.xceptionspark.search;

import io.xceptionspark.config.JobConfigException;
import java.util.UUID;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Near-duplicate pairs across an output: (path_a, path_b, similarity, match) with path_a &lt; path_b, each pair
 * once.
 * <ul>
 *   <li>{@code identical}: byte-identical files, grouped by the sha256 column without the network, whatever
 *       their status (always reported, similarity 1);</li>
 *   <li>{@code near}: embeddings with cosine similarity &gt;= the threshold. By default through Spark 4.2's
 *       NEAREST join of the index with itself: each image's {@code neighbors} nearest others, kept when over
 *       the threshold (a top-k aggregation per image, never a materialised product; it misses a pair only when
 *       an image has more than {@code neighbors} near-duplicates). {@code exact}: every pair is compared (a
 *       nested-loop join: for small sets and for measuring recall).</li>
 * </ul>
 */
public final class NearDuplicates {
    public static final String PATH_A = "path_a";
    public static final String PATH_B = "path_b";
    public static final String SIMILARITY = "similarity";
    public static final String MATCH = "match";

    private NearDuplicates() {}

    /** Checks the settings before any work. */
    public static void check(double threshold, int neighbors) {
        if (!(threshold > 0 && threshold <= 1)) {
            throw new JobConfigException("--threshold must be in (0, 1] (a cosine similarity), not " + threshold + ".");
        }
        if (neighbors <= 0 || neighbors > 10_000) {
            throw new JobConfigException("--neighbors must be from 1 to 10000, not " + neighbors + ".");
        }
    }

    /**
     * Each image's {@code neighbors} nearest others (and itself), as (path_a, path_b): the NEAREST join carries
     * only paths through its top-k aggregation (see {@link NearestNeighbors}).
     */
    private static String nearest(String vectors, int neighbors) {
        return "SELECT a.path AS path_a, b.path AS path_b FROM " + vectors + " a JOIN " + vectors + " b APPROX NEAREST "
                + (neighbors + 1) + " BY SIMILARITY vector_cosine_similarity(a.embedding, b.embedding)";
    }

    public static Dataset<Row> find(SparkSession spark, EmbeddingIndex index, double threshold, int neighbors,
                                    boolean exact) {
        check(threshold, neighbors);
        String id = UUID.randomUUID().toString().replace("-", "");
        String vectors = "xs_vectors_" + id;
        index.vectors().createOrReplaceTempView(vectors);
        String similarity = "vector_cosine_similarity(a.embedding, b.embedding)";
        String t = Double.toString(threshold);
        String near = exact
                ? "SELECT a.path AS path_a, b.path AS path_b, " + similarity + " AS similarity FROM " + vectors
                        + " a JOIN " + vectors + " b ON a.path < b.path AND " + similarity + " >= " + t
                : "SELECT least(a.path, b.path) AS path_a, greatest(a.path, b.path) AS path_b, " + similarity
                        + " AS similarity FROM (" + nearest(vectors, neighbors) + ") m JOIN " + vectors
                        + " a ON m.path_a = a.path JOIN " + vectors + " b ON m.path_b = b.path WHERE " + similarity
                        + " >= " + t + " AND a.path <> b.path";
        // each unordered pair once (found from both sides when each is among the other's neighbours)
        near = "SELECT path_a, path_b, max(similarity) AS similarity FROM (" + near + ") GROUP BY path_a, path_b";
        String pairs = "SELECT path_a, path_b, CAST(similarity AS FLOAT) AS similarity, 'near' AS match FROM (" + near
                + ")";
        if (index.hasSha256()) {
            String latest = "xs_latest_" + id;
            index.latestRows().createOrReplaceTempView(latest);
            String identical = "SELECT a.path AS path_a, b.path AS path_b, CAST(1.0 AS FLOAT) AS similarity,"
                    + " 'identical' AS match FROM " + latest + " a JOIN " + latest + " b ON a.sha256 = b.sha256"
                    + " AND a.path < b.path";
            // a byte-identical pair is reported once, as identical, even when its embeddings matched too
            pairs = "SELECT path_a, path_b, max(similarity) AS similarity, min(match) AS match FROM (" + identical
                    + " UNION ALL " + pairs + ") GROUP BY path_a, path_b";
        }
        return spark.sql(pairs);
    }
}
