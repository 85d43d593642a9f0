package io.xceptionspark.search;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.posexplode;
import static org.apache.spark.sql.functions.udf;

import io.xceptionspark.config.JobConfigException;
import io.xceptionspark.spark.OutputSchema;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.feature.BucketedRandomProjectionLSH;
import org.apache.spark.ml.feature.BucketedRandomProjectionLSHModel;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;

/**
 * Near-duplicate pairs across an output: (path_a, path_b, similarity, match) with path_a &lt; path_b, each pair
 * once.
 * <ul>
 *   <li>{@code identical}: byte-identical files, grouped by the sha256 column without the network, whatever
 *       their status (always reported, similarity 1);</li>
 *   <li>{@code near}: embeddings with cosine similarity &gt;= the threshold. By default candidates come from
 *       Spark ML's {@link BucketedRandomProjectionLSH} on the unit vectors, its hashes ANDed in bands
 *       ({@link LshParameters}: the rule, derived from the threshold and a sample of the data), a pair being a
 *       candidate when a band matches (an equi-join on the band key, never a product); each candidate is then
 *       verified with {@code vector_inner_product}. {@code exact}: every pair is compared (a nested-loop join:
 *       for small sets and for measuring recall).</li>
 * </ul>
 */
public final class NearDuplicates {
    public static final String PATH_A = "path_a";
    public static final String PATH_B = "path_b";
    public static final String SIMILARITY = "similarity";
    public static final String MATCH = "match";
    /** The recall that the LSH settings aim at for a pair exactly at the threshold (closer pairs: higher). */
    public static final double TARGET_RECALL = 0.99;
    static final int SAMPLE = 400;
    static final long SEED = 20261202L;

    /** The pairs, and the LSH settings used (null for an exact run). */
    public record Result(Dataset<Row> pairs, LshParameters lsh) {}

    private NearDuplicates() {}

    /** Checks the settings before any work. */
    public static void check(double threshold) {
        if (!(threshold > 0 && threshold <= 1)) {
            throw new JobConfigException("--threshold must be in (0, 1] (a cosine similarity), not " + threshold + ".");
        }
    }

    public static Result find(SparkSession spark, EmbeddingIndex index, double threshold, boolean exact) {
        check(threshold);
        // a 64-bit id per path (xxhash64: a collision among 10^6 paths has probability ~3e-8) keeps the pairs
        // narrow; the unit vectors are broadcast, so a pair is verified where it is found, no vector is shuffled
        Dataset<Row> unit = index.vectors().select(expr("xxhash64(path)").as("id"), col(OutputSchema.PATH),
                NearestNeighbors.unit(OutputSchema.EMBEDDING).as("v"));
        LshParameters lsh = null;
        Dataset<Row> candidates;
        if (exact) {
            Dataset<Row> a = unit.select("id").toDF("id_a");
            Dataset<Row> b = unit.select("id").toDF("id_b");
            candidates = a.join(b, col("id_a").lt(col("id_b")));
        } else {
            lsh = parameters(unit, threshold);
            candidates = bandMatches(unit, lsh);
        }
        Dataset<Row> a = broadcast(unit.toDF("id_a", "pa", "va"));
        Dataset<Row> b = broadcast(unit.toDF("id_b", "pb", "vb"));
        Dataset<Row> near = candidates.join(a, "id_a").join(b, "id_b")
                .select(least(col("pa"), col("pb")).as(PATH_A), greatest(col("pa"), col("pb")).as(PATH_B),
                        expr("vector_inner_product(va, vb)").cast(DataTypes.FloatType).as(SIMILARITY))
                .where(col(SIMILARITY).geq(lit((float) threshold)))
                .withColumn(MATCH, lit("near"));
        Dataset<Row> pairs = near;
        if (index.hasSha256()) {
            Dataset<Row> latest = index.latestRows().select(col(OutputSchema.PATH), col(OutputSchema.SHA256))
                    .where(col(OutputSchema.SHA256).isNotNull());
            Dataset<Row> la = latest.toDF(PATH_A, "sha_a");
            Dataset<Row> lb = latest.toDF(PATH_B, "sha_b");
            Dataset<Row> identical = la.join(lb, col("sha_a").equalTo(col("sha_b")).and(col(PATH_A).lt(col(PATH_B))))
                    .select(col(PATH_A), col(PATH_B), lit(1.0f).as(SIMILARITY), lit("identical").as(MATCH));
            // a byte-identical pair is reported once, as identical, even when its embeddings matched too
            pairs = identical.unionByName(near).groupBy(PATH_A, PATH_B)
                    .agg(max(SIMILARITY).as(SIMILARITY), min(MATCH).as(MATCH));
        }
        return new Result(pairs, lsh);
    }

    /** The LSH settings for this index and threshold, from the distances of a random sample of its pairs. */
    static LshParameters parameters(Dataset<Row> unit, double threshold) {
        long rows = unit.count();
        double fraction = Math.min(1.0, 2.0 * SAMPLE / Math.max(1, rows));
        List<float[]> sample = new ArrayList<>();
        for (Row r : unit.sample(false, fraction, SEED).limit(SAMPLE).collectAsList()) {
            List<Float> v = r.getList(2);
            float[] f = new float[v.size()];
            for (int i = 0; i < f.length; i++) {
                f[i] = v.get(i);
            }
            sample.add(f);
        }
        if (sample.size() < 2) {
            return new LshParameters(1.0, 1, 1, sample.isEmpty() ? 0 : sample.get(0).length);
        }
        double[] distances = new double[sample.size() * (sample.size() - 1) / 2];
        int at = 0;
        for (int i = 0; i < sample.size(); i++) {
            for (int j = i + 1; j < sample.size(); j++) {
                double dot = 0;
                float[] a = sample.get(i);
                float[] b = sample.get(j);
                for (int d = 0; d < a.length; d++) {
                    dot += a[d] * b[d];
                }
                distances[at++] = Math.sqrt(Math.max(0, 2 - 2 * dot));
            }
        }
        return LshParameters.derive(threshold, sample.get(0).length, rows, distances, TARGET_RECALL);
    }

    /** Distinct (id_a, id_b), id_a &lt; id_b, that share the key of at least one band. */
    static Dataset<Row> bandMatches(Dataset<Row> unit, LshParameters lsh) {
        Dataset<Row> features = unit.select(col("id"),
                org.apache.spark.ml.functions.array_to_vector(col("v")).as("features"));
        BucketedRandomProjectionLSHModel model = new BucketedRandomProjectionLSH().setInputCol("features")
                .setOutputCol("hashes").setBucketLength(lsh.bucketLength()).setNumHashTables(lsh.hashes())
                .setSeed(SEED).fit(features);
        Column bands = bandKeys(lsh.hashesPerBand()).apply(col("hashes"));
        Dataset<Row> keys = model.transform(features).select(col("id"), posexplode(bands)).toDF("id", "band", "key");
        Dataset<Row> a = keys.toDF("id_a", "band_a", "key_a");
        Dataset<Row> b = keys.toDF("id_b", "band_b", "key_b");
        return a.join(b, col("band_a").equalTo(col("band_b")).and(col("key_a").equalTo(col("key_b")))
                        .and(col("id_a").lt(col("id_b"))))
                .select("id_a", "id_b").distinct();
    }

    /** One 64-bit key per band: a hash of its {@code perBand} consecutive BRP bucket numbers. */
    private static UserDefinedFunction bandKeys(int perBand) {
        UDF1<scala.collection.Seq<Vector>, List<Long>> keys = hashes -> {
            int bands = hashes.size() / perBand;
            List<Long> out = new ArrayList<>(bands);
            for (int band = 0; band < bands; band++) {
                long h = 0x9E3779B97F4A7C15L;
                for (int i = band * perBand; i < (band + 1) * perBand; i++) {
                    h = (h ^ (long) hashes.apply(i).apply(0)) * 0xBF58476D1CE4E5B9L;
                    h ^= h >>> 31;
                }
                out.add(h);
            }
            return out;
        };
        return udf(keys, DataTypes.createArrayType(DataTypes.LongType, false));
    }
}
