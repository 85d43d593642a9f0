package io.xceptionspark.search;

import static org.apache.spark.sql.functions.col;

import io.xceptionspark.config.JobConfig;
import io.xceptionspark.config.JobConfigException;
import io.xceptionspark.config.JobConfigLoader;
import io.xceptionspark.inference.ModelCache;
import io.xceptionspark.spark.HadoopConfs;
import io.xceptionspark.spark.OutputSchema;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * {@code xception-spark similar}: resolves the queries (paths already in the index take their stored
 * embedding; other files and folders are embedded with the index's model settings) and runs one
 * {@link NearestNeighbors} join for all of them.
 */
public final class SimilarImages {
    /** A query image that could not be embedded: it gets an error line, not neighbours. */
    public record FailedQuery(String query, String errorCode, String errorMessage) {}

    /** The neighbours (query, rank, path, similarity[, label]) and the queries that failed. */
    public record Result(Dataset<Row> neighbors, List<FailedQuery> failed) {}

    private SimilarImages() {}

    /**
     * @param overrides {@code key=value} settings given on the command line (--set): they override the settings
     *                  recorded in the index (needed only for outputs that record none)
     * @param warn where to say which settings the queries are embedded with
     */
    public static Result find(SparkSession spark, EmbeddingIndex index, List<String> queries,
                              List<String> overrides, int k, Consumer<String> warn) {
        NearestNeighbors.checkK(k);
        if (queries.isEmpty()) {
            throw new JobConfigException("No query: give image files, folders or paths already in the index.");
        }
        Set<String> indexed = indexedPaths(index, queries);
        List<String> toEmbed = new ArrayList<>();
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        for (String q : queries) {
            if (!indexed.contains(q) && !indexed.contains(HadoopConfs.qualified(q, hadoop))) {
                if (!exists(q, hadoop)) {
                    throw new JobConfigException("Query " + q + " is neither a path in the index " + index.location()
                            + " nor a readable file or folder. Check the path.");
                }
                toEmbed.add(q);
            }
        }
        Dataset<Row> vectors = index.vectors();
        Dataset<Row> fromIndex = vectors.where(col(OutputSchema.PATH).isin(indexed.toArray()))
                .select(col(OutputSchema.PATH).as(NearestNeighbors.QUERY), col(OutputSchema.EMBEDDING));
        List<FailedQuery> failed = new ArrayList<>();
        Dataset<Row> all = fromIndex;
        if (!toEmbed.isEmpty()) {
            Dataset<Row> embedded = embedNew(spark, index, overrides, toEmbed, warn).cache();
            for (Row r : embedded.where(col(OutputSchema.STATUS).notEqual("OK")).collectAsList()) {
                failed.add(new FailedQuery(r.getAs(OutputSchema.PATH), r.getAs(OutputSchema.ERROR_CODE),
                        r.getAs(OutputSchema.ERROR_MESSAGE)));
            }
            all = all.unionByName(embedded.where(col(OutputSchema.STATUS).equalTo("OK"))
                    .select(col(OutputSchema.PATH).as(NearestNeighbors.QUERY), col(OutputSchema.EMBEDDING)));
        }
        return new Result(NearestNeighbors.search(spark, all, index, k), failed);
    }

    /** The queries that name rows of the index (as given, or as the qualified path Spark lists). */
    private static Set<String> indexedPaths(EmbeddingIndex index, List<String> queries) {
        Configuration hadoop = index.vectors().sparkSession().sparkContext().hadoopConfiguration();
        Set<String> candidates = new HashSet<>(queries);
        queries.forEach(q -> candidates.add(HadoopConfs.qualified(q, hadoop)));
        return new HashSet<>(index.vectors().select(OutputSchema.PATH).where(col(OutputSchema.PATH)
                .isin(candidates.toArray())).as(Encoders.STRING()).collectAsList());
    }

    private static Dataset<Row> embedNew(SparkSession spark, EmbeddingIndex index, List<String> overrides,
                                         List<String> paths, Consumer<String> warn) {
        Map<String, String> recorded = IndexSettings.read(spark, index.location());
        if (recorded.isEmpty()) {
            warn.accept("xception-spark: the index records no model settings (written by an older version):"
                    + " new queries are embedded with the defaults and --set settings, checked against its model"
                    + " column.");
        }
        JobConfigLoader loader = new JobConfigLoader();
        recorded.forEach(loader::set);
        overrides.forEach(loader::assignment);
        JobConfig settings = loader.load();
        String identity;
        try (ModelCache.Lease lease = ModelCache.acquire(settings.model(), spark.sparkContext().hadoopConfiguration())) {
            identity = lease.model().identity().toString();
        }
        List<String> models = index.models();
        if (!models.equals(List.of(identity))) {
            throw new JobConfigException("The index " + index.location() + " holds embeddings of " + models
                    + " but new queries would be embedded with " + identity + ". Give the settings the index was"
                    + " scored with (--job/--set), or query paths already in the index.");
        }
        return QueryEmbedder.embed(spark, settings, identity, paths);
    }

    private static boolean exists(String path, Configuration conf) {
        try {
            Path p = new Path(path);
            FileSystem fs = p.getFileSystem(conf);
            return fs.exists(p);
        } catch (IOException | IllegalArgumentException e) {
            return false;
        }
    }
}
