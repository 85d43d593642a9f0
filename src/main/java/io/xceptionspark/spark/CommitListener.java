package io.xceptionspark.spark;

/**
 * Told, on the driver, of each durable step of an output commit (to record or monitor publishes, say). Listeners
 * are found with {@link java.util.ServiceLoader}: classes named in
 * {@code META-INF/services/io.xceptionspark.spark.CommitListener} on the driver's class path, each with a public
 * no-argument constructor. None ship with the product; the crash tests register one that halts the JVM at a stage.
 * A listener runs inside the commit, so it must return quickly; what it throws fails the run, and the next run
 * completes a committed one (docs/OUTPUTS.md).
 */
public interface CommitListener {
    /** The steps, in the order a run reaches them. */
    enum Stage {
        /** Parquet: the run's journal is in place (the run is committed); nothing renamed yet. */
        PUBLISH_COMMITTED,
        /** Parquet: the run directory is in the output; an overwrite's old entries are not yet moved out. */
        PUBLISH_RUN_VISIBLE,
        /** Parquet: every rename is done; the journal and staging are not yet deleted. */
        PUBLISH_APPLIED,
        /** Stream: a micro-batch is in the output (either format); Spark's checkpoint does not record it yet. */
        MICRO_BATCH_WRITTEN
    }

    /** {@code runId}: the run (or micro-batch run) that reached {@code stage}. */
    void reached(Stage stage, String runId);
}
