package io.xceptionspark.testing;

import io.xceptionspark.spark.SparkSessions;
import io.xceptionspark.spark.XceptionKryoRegistrator;
import io.xceptionspark.sql.XceptionExtensions;
import org.apache.spark.sql.SparkSession;

/**
 * The one Spark session the Spark tests share (starting Spark costs seconds): local[2], so two task
 * threads run concurrently, with the Kryo serializer, the project's registrator and
 * spark.kryo.registrationRequired=true and the SQL extensions, exactly as conf/spark-defaults.conf sets them,
 * and Delta Lake's extension and catalog, as the job adds them for output.format = delta
 * (but for the two test-only settings below, which keep Delta's small-table work from spreading over thousands of
 * tasks on 2 cores).
 */
public final class SparkTestSession {
    /**
     * Delta's log replay in 2 partitions instead of 50 (a test-only setting): the tests' tables have a handful of
     * commits, and 50 tasks per snapshot cost the Delta tests a large share of their time on 2 cores (measured:
     * ReportCommandTest's Delta case 120 s -> 74 s).
     */
    public static final String DELTA_SNAPSHOT_PARTITIONS = "spark.databricks.delta.snapshotPartitions";
    public static final String DELTA_SNAPSHOT_PARTITIONS_VALUE = "2";
    /**
     * Delta's VACUUM lists the table in this many tasks (Spark's default 10,000): 4 here (test-only). Measured:
     * ReadmeSqlTest's VACUUM of a 3-row table 64.7 s -> 6.3 s.
     */
    public static final String LISTING_PARALLELISM = "spark.sql.sources.parallelPartitionDiscovery.parallelism";
    public static final String LISTING_PARALLELISM_VALUE = "4";

    private static SparkSession session;

    private SparkTestSession() {}

    /**
     * A session as the tests and the benchmarks run Spark: local[2] (the job on 2 cores), no UI, the job's Kryo
     * set-up with registrationRequired (a class a cluster run could not serialise fails here too).
     */
    public static SparkSession.Builder local2(String appName) {
        return SparkSession.builder()
                .master("local[2]")
                .appName(appName)
                .config("spark.ui.enabled", "false")
                .config("spark.serializer", SparkSessions.KRYO_SERIALIZER)
                .config("spark.kryo.registrator", XceptionKryoRegistrator.class.getName())
                .config("spark.kryo.registrationRequired", "true");
    }

    public static synchronized SparkSession get() {
        if (session == null) {
            session = local2("xception-spark-tests")
                    .config("spark.sql.shuffle.partitions", "4")
                    // conf/spark-defaults.conf's extensions, plus what the job adds when output.format = delta
                    .config("spark.sql.extensions", XceptionExtensions.class.getName()
                            + ",io.delta.sql.DeltaSparkSessionExtension")
                    .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
                    .config(DELTA_SNAPSHOT_PARTITIONS, DELTA_SNAPSHOT_PARTITIONS_VALUE)
                    .config(LISTING_PARALLELISM, LISTING_PARALLELISM_VALUE)
                    .getOrCreate();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> session.stop()));
        }
        return session;
    }
}
