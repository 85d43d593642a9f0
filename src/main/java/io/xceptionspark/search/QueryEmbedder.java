package io.xceptionspark.search;

import io.xceptionspark.config.InputOptions;
import io.xceptionspark.config.JobConfig;
import io.xceptionspark.config.ScoringMode;
import io.xceptionspark.config.ScoringOptions;
import io.xceptionspark.spark.HadoopConfs;
import io.xceptionspark.spark.InputFiles;
import io.xceptionspark.spark.OutputSchema;
import io.xceptionspark.spark.PartitionScorer;
import io.xceptionspark.spark.RunCounters;
import io.xceptionspark.spark.ScoringPartitions;
import io.xceptionspark.spark.StageAccount;
import java.time.Instant;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * Embeds query images that are not in the index, through the job's own listing and scoring path
 * ({@link InputFiles}, {@link PartitionScorer}), with the settings the index was built with.
 */
final class QueryEmbedder {
    private QueryEmbedder() {}

    /**
     * One row per listed file: path, status, error_code, error_message, embedding.
     *
     * @param identity the loaded model's identity (checked against the index's by the caller)
     */
    static Dataset<Row> embed(SparkSession spark, JobConfig settings, String identity, List<String> paths) {
        ScoringOptions scoring = new ScoringOptions(ScoringMode.EMBEDDINGS, settings.scoring().topK(),
                settings.scoring().normalizeEmbeddings(), false, settings.scoring().batchSize(),
                settings.scoring().intraOpThreads());
        InputOptions input = new InputOptions(paths, true, "", "", "", settings.input().imagesPerPartition(),
                settings.input().tasksPerCore());
        InputFiles listing = InputFiles.list(spark, input);
        StructType schema = OutputSchema.of(scoring);
        PartitionScorer scorer = new PartitionScorer(settings.model(), settings.preprocess(), scoring, identity,
                Instant.now(), OutputSchema.javaTimeValues(spark),
                HadoopConfs.nonDefaults(spark.sparkContext().hadoopConfiguration()),
                RunCounters.register(spark.sparkContext()), StageAccount.register(spark.sparkContext()));
        int partitions = ScoringPartitions.count(spark.sparkContext(), listing.count(), input);
        return listing.partitioned(spark, partitions).mapPartitions(scorer, Encoders.row(schema))
                .select(OutputSchema.PATH, OutputSchema.STATUS, OutputSchema.ERROR_CODE, OutputSchema.ERROR_MESSAGE,
                        OutputSchema.EMBEDDING);
    }
}
