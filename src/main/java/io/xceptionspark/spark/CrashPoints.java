package io.xceptionspark.spark;

/**
 * Named moments of the output commit at which a test can make the driver die, to prove what readers and the
 * next run see after a crash there. Off unless the JVM runs with {@code -Dxception-spark.crash-at=POINT};
 * the JVM then halts at that point (no shutdown hooks, no finally blocks: as abrupt as kill -9).
 */
public final class CrashPoints {
    /** The system property naming the point to die at. */
    public static final String PROPERTY = "xception-spark.crash-at";
    /** Parquet: the journal is in place (the run is committed), nothing renamed yet. */
    public static final String PUBLISH_COMMITTED = "publish-committed";
    /** Parquet: the run directory is renamed into the output, an overwrite's old entries not yet moved out. */
    public static final String PUBLISH_RUN_VISIBLE = "publish-run-visible";
    /** Parquet: every rename is done; the journal and staging are not yet deleted. */
    public static final String PUBLISH_APPLIED = "publish-applied";
    /** Stream: a micro-batch is in the output, and Spark's checkpoint does not record it as done yet. */
    public static final String MICRO_BATCH_WRITTEN = "micro-batch-written";
    /** The exit status of a halted JVM (that of a process killed by SIGKILL). */
    public static final int HALT_STATUS = 137;

    private CrashPoints() {}

    /** Halts the JVM if it was started to die at {@code point}. */
    public static void reached(String point) {
        if (point.equals(System.getProperty(PROPERTY))) {
            System.err.println("xception-spark: crash point " + point + " reached: halting the JVM (test hook)");
            System.err.flush();
            Runtime.getRuntime().halt(HALT_STATUS);
        }
    }
}
