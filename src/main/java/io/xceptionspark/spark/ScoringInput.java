package io.xceptionspark.spark;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;

/**
 * What a batch run scores, as rows for {@link PartitionScorer}: (path, modification_time, length, listing_error)
 * then any columns carried into the output. A listing of input.paths ({@link ListedInput}) or a manifest
 * ({@link ManifestInput}).
 */
interface ScoringInput {
    /** Entries the input holds (files listed, manifest rows). */
    long listed();

    /** Entries left to score (the rest are in the output already). */
    long toScore();

    /** Columns after listing_error, carried to the end of each output row (none for a listing). */
    List<StructField> carried();

    /** The entries to score in {@code partitions} partitions. */
    Dataset<Row> rows(SparkSession spark, int partitions);
}
