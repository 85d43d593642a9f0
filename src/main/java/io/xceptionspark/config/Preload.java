package io.xceptionspark.config;

import java.util.Locale;

/** Key {@code scoring.preload}: whether every executor loads and warms up the model as it starts. */
public enum Preload {
    /** On for cluster masters, off for local ones (local tasks share the model the driver's preflight loaded). */
    AUTO,
    ON,
    OFF;

    public static Preload parse(String value) {
        String v = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "auto" -> AUTO;
            case "true", "on", "yes" -> ON;
            case "false", "off", "no" -> OFF;
            default -> throw new IllegalArgumentException("must be auto, true or false (got '" + value + "')");
        };
    }

    /** Whether executors preload for this Spark master URL. */
    public boolean enabledFor(String master) {
        return switch (this) {
            case ON -> true;
            case OFF -> false;
            case AUTO -> !isLocal(master);
        };
    }

    /**
     * Whether the driver itself warms the model up before scoring: with local[N] masters its JVM runs the tasks
     * (their first passes would otherwise pay for the libtorch graph's and the decoders' first use).
     */
    public boolean warmsTheDriver(String master) {
        return this != OFF && runsTasksInThisJvm(master);
    }

    /** local, local[N], local[*]: the driver's JVM runs the tasks (local-cluster's executors are other JVMs). */
    public static boolean runsTasksInThisJvm(String master) {
        String m = master == null ? "" : master.strip().toLowerCase(Locale.ROOT);
        return isLocal(m) && !m.startsWith("local-cluster");
    }

    /** local, local[N], local[*], local-cluster[...] run the executors in (or beside) the driver's JVM. */
    public static boolean isLocal(String master) {
        return master == null || master.isBlank() || master.strip().toLowerCase(Locale.ROOT).startsWith("local");
    }
}
