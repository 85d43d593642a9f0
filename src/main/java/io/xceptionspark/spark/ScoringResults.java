package io.xceptionspark.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.row_number;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;

/**
 * Reading a job's output with Spark SQL, Parquet or Delta. An incremental Parquet output keeps every row
 * ever written: a file that changed was scored again and has one row per version (a Delta table MERGEs:
 * one row per path, older versions in its history). Readers who want the current state take the newest
 * row per path: the one with the latest {@code scored_at} (then the latest {@code modification_time}).
 */
public final class ScoringResults {
    /** View over every row of an output. */
    public static final String ALL_VIEW = "xception_results";
    /** View over the newest row per path. */
    public static final String LATEST_VIEW = "xception_latest";

    /** The SQL of {@link #LATEST_VIEW}, over {@link #ALL_VIEW} (also printed in the README). */
    public static final String LATEST_SQL = "SELECT * FROM (SELECT *, row_number() OVER (PARTITION BY "
            + OutputSchema.PATH + " ORDER BY " + OutputSchema.SCORED_AT + " DESC, " + OutputSchema.MODIFICATION_TIME
            + " DESC) AS version_rank FROM " + ALL_VIEW + ") WHERE version_rank = 1";

    private ScoringResults() {}

    /** Every row of the output at {@code path}: a Delta table (it has a _delta_log) or a Parquet dataset. */
    public static Dataset<Row> read(SparkSession spark, String path) {
        Path p = new Path(path);
        boolean delta;
        try {
            delta = OutputDirs.hasDeltaLog(p.getFileSystem(spark.sparkContext().hadoopConfiguration()), p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path + ": " + e.getMessage(), e);
        }
        return delta ? spark.read().format("delta").load(path) : spark.read().parquet(path);
    }

    /** The Delta table at {@code path} as of a version of its history (time travel). */
    public static Dataset<Row> readVersion(SparkSession spark, String path, long version) {
        return spark.read().format("delta").option("versionAsOf", version).load(path);
    }

    /** The newest row per path. */
    public static Dataset<Row> latest(Dataset<Row> results) {
        return results.withColumn("version_rank", row_number().over(Window.partitionBy(OutputSchema.PATH)
                        .orderBy(col(OutputSchema.SCORED_AT).desc(), col(OutputSchema.MODIFICATION_TIME).desc())))
                .where(col("version_rank").equalTo(1)).drop("version_rank");
    }

    /** Registers the temporary views {@value #ALL_VIEW} and {@value #LATEST_VIEW} over an output. */
    public static void registerViews(SparkSession spark, String path) {
        read(spark, path).createOrReplaceTempView(ALL_VIEW);
        spark.sql("CREATE OR REPLACE TEMP VIEW " + LATEST_VIEW + " AS " + LATEST_SQL);
    }
}
