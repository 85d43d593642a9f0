package io.xceptionspark.spark;

import io.delta.tables.DeltaTable;
import io.xceptionspark.config.JobConfigException;
import io.xceptionspark.config.OutputOptions;
import io.xceptionspark.config.SaveMode;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Writing a run into a Delta Lake table. Every run is one transaction of the table's log, so a run that
 * dies leaves the table at its previous version. Incremental runs MERGE on {@code path} (one current row
 * per path; history keeps the replaced rows for time travel); other runs append or overwrite, idempotently
 * when output.delta.txn-version is set. Each commit's userMetadata names the run; the table properties
 * carry {@link OutputMetadata}.
 */
public final class DeltaOutput {
    /** The session settings Delta needs (the job sets them when it builds the session). */
    static final Map<String, String> SESSION_CONF = Map.of(
            "spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension",
            "spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog");
    private static final String USER_METADATA_CONF = "spark.databricks.delta.commitInfo.userMetadata";

    private DeltaOutput() {}

    /** Fails fast when the session was built without Delta's extension (MERGE and SQL on the table need it). */
    static void requireSession(SparkSession spark) {
        String extensions = spark.conf().get("spark.sql.extensions", "");
        if (!extensions.contains(SESSION_CONF.get("spark.sql.extensions"))) {
            throw new JobConfigException("output.format = delta needs Delta Lake in the Spark session: start it with "
                    + SESSION_CONF.entrySet().stream().sorted(Map.Entry.comparingByKey())
                            .map(e -> "--conf " + e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" "))
                    + " (the launcher sets them when output.format = delta).");
        }
    }

    /** SQL name of the table at an absolute {@code path}. */
    static String table(String path) {
        return "delta.`" + path.replace("`", "``") + "`";
    }

    /**
     * SQL name of the table at {@code path}, qualified with the session's Hadoop settings first: Delta's
     * {@code delta.`path`} names resolve no relative paths (a relative output.path would not be found).
     */
    public static String table(SparkSession spark, String path) {
        return table(HadoopConfs.qualified(path, spark.sparkContext().hadoopConfiguration()));
    }

    /** The committed table's partition columns. */
    static List<String> partitionColumns(SparkSession spark, String path) {
        Row detail = spark.sql("DESCRIBE DETAIL " + table(spark, path)).first();
        return detail.getList(detail.fieldIndex("partitionColumns"));
    }

    /** A run that adds rows must keep the table's partitioning (Delta cannot change it on append or MERGE). */
    static void checkPartitioning(SparkSession spark, OutputOptions output) {
        List<String> existing = partitionColumns(spark, output.path());
        if (!existing.equals(output.partitionBy())) {
            throw new JobConfigException("The Delta table " + output.path() + " is partitioned by " + existing
                    + " but output.partition-by = " + output.partitionBy() + ": "
                    + (output.incremental() ? "MERGE" : "an append") + " keeps the table's partitioning. Set"
                    + " output.partition-by = " + existing + ", or rewrite the table with output.save-mode = overwrite.");
        }
    }

    /** Writes the run's rows: MERGE for an incremental run on an existing table, else append/overwrite. */
    static void write(SparkSession spark, Dataset<Row> rows, OutputOptions output, boolean tableExists,
                      String runId, Map<String, String> metadata) {
        String userMetadata = "xception-spark run " + runId;
        if (output.incremental() && tableExists) {
            withUserMetadata(spark, userMetadata, () -> DeltaTable.forPath(spark, output.path()).as("t")
                    .merge(rows.as("s"), "t." + OutputSchema.PATH + " = s." + OutputSchema.PATH)
                    .whenMatched().updateAll()
                    .whenNotMatched().insertAll()
                    .execute());
        } else {
            DataFrameWriter<Row> writer = rows.write().format("delta").mode(output.saveMode().sparkName())
                    .partitionBy(output.partitionBy().toArray(String[]::new))
                    .option("userMetadata", userMetadata);
            if (output.saveMode() == SaveMode.OVERWRITE) {
                writer = writer.option("overwriteSchema", "true"); // an overwrite replaces the layout too
            }
            if (output.deltaTxnVersion() != OutputOptions.NO_TXN_VERSION) {
                writer = writer.option("txnAppId", output.deltaTxnAppId())
                        .option("txnVersion", Long.toString(output.deltaTxnVersion()));
            }
            writer.save(output.path());
        }
        setProperties(spark, output.path(), runId, metadata);
    }

    /** Delta's session settings for idempotent writes that take no writer options (MERGE). */
    private static final String TXN_APP_ID_CONF = "spark.databricks.delta.write.txnAppId";
    private static final String TXN_VERSION_CONF = "spark.databricks.delta.write.txnVersion";

    /**
     * One micro-batch of a stream in one transaction, idempotent by (txnAppId = the stream's id, txnVersion = the
     * batch id): a replay of a committed batch (the driver died before the checkpoint recorded it) writes nothing.
     * The first batch creates the table; later ones MERGE on path (a path scored again replaces its row).
     */
    static void writeMicroBatch(SparkSession spark, Dataset<Row> rows, OutputOptions output, boolean tableExists,
                                   String streamId, long batchId, String runId, Map<String, String> metadata) {
        String userMetadata = "xception-spark run " + runId;
        if (tableExists) {
            spark.conf().set(TXN_APP_ID_CONF, streamId);
            spark.conf().set(TXN_VERSION_CONF, Long.toString(batchId));
            try {
                withUserMetadata(spark, userMetadata, () -> DeltaTable.forPath(spark, output.path()).as("t")
                        .merge(rows.as("s"), "t." + OutputSchema.PATH + " = s." + OutputSchema.PATH)
                        .whenMatched().updateAll()
                        .whenNotMatched().insertAll()
                        .execute());
            } finally {
                spark.conf().unset(TXN_APP_ID_CONF);
                spark.conf().unset(TXN_VERSION_CONF);
            }
        } else {
            rows.write().format("delta").mode("append").partitionBy(output.partitionBy().toArray(String[]::new))
                    .option("userMetadata", userMetadata).option("txnAppId", streamId)
                    .option("txnVersion", Long.toString(batchId)).save(output.path());
        }
        setProperties(spark, output.path(), runId, metadata);
    }

    /** The last txnVersion the table committed for {@code appId}, or -1. */
    static long committedTxnVersion(SparkSession spark, String path, String appId) {
        org.apache.spark.sql.delta.DeltaLog log = org.apache.spark.sql.delta.DeltaLog.forTable(spark,
                HadoopConfs.qualified(path, spark.sparkContext().hadoopConfiguration()));
        scala.Option<Object> version = log.update(false, scala.Option.empty(), scala.Option.empty())
                .transactions().get(appId);
        return version.isDefined() ? (Long) version.get() : -1;
    }

    /** Records the model and preprocessing as table properties (one more commit only when they changed). */
    static void setProperties(SparkSession spark, String path, String runId, Map<String, String> metadata) {
        if (OutputMetadata.ofDeltaTable(spark, path).equals(new java.util.TreeMap<>(metadata))) {
            return;
        }
        String assignments = metadata.entrySet().stream()
                .map(e -> quote(e.getKey()) + " = " + quote(e.getValue())).collect(Collectors.joining(", "));
        withUserMetadata(spark, "xception-spark run " + runId + ": model and preprocessing properties",
                () -> spark.sql("ALTER TABLE " + table(spark, path) + " SET TBLPROPERTIES (" + assignments + ")"));
    }

    private static String quote(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    private static void withUserMetadata(SparkSession spark, String userMetadata, Runnable commit) {
        spark.conf().set(USER_METADATA_CONF, userMetadata);
        try {
            commit.run();
        } finally {
            spark.conf().unset(USER_METADATA_CONF);
        }
    }
}
