package io.xceptionspark.inference;

import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Key {@code scoring.optimizing-compiler}: which code HotSpot's optimising compiler (C2) may compile in a JVM that
 * scores. Such a JVM spends its cores on the network (native code) and a little Java per image; by default C2 also
 * compiles what runs once per task or once per run (task deserialisation, class loading, Hadoop, the scheduler,
 * formatting of log lines): 22 CPU-seconds of C2 in a 2,000-image run on 2 cores, 2 of every 10 seconds of one core
 * still a minute in, taken from the forward passes. C1's code is good enough there; C2 pays off where every image
 * or row goes (the Vector API compiles to vector instructions only under C2, SHA-256 is a C2 intrinsic, Parquet's
 * encoders and Spark's row writers run per value). docs/PERFORMANCE.md has the measurements.
 */
public enum CompilerScope {
    /**
     * C2 only for the code every image or output row runs through: this project's, DJL's, the Vector API, the JDK's
     * SHA-256, Parquet, Spark SQL's row encoders and writers; everything else is compiled by C1 alone (HotSpot
     * compiler directives, {@code c2-per-image.json} beside this class).
     */
    PER_IMAGE,
    /** HotSpot's default: C2 compiles whatever gets hot. */
    ALL;

    /**
     * The Spark setting that carries the scope from the driver to the executors (also the SQL functions' session
     * name of the key).
     */
    public static final String SPARK_CONF = "spark.xception-spark.scoring.optimizing-compiler";
    private static final Logger LOG = LoggerFactory.getLogger(CompilerScope.class);
    private static final String DIRECTIVES = "c2-per-image.json";
    /** Directives stay for the JVM's life: the first scope a JVM applies is its scope. */
    private static final AtomicBoolean DECIDED = new AtomicBoolean();

    public static CompilerScope parse(String value) {
        String v = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "per-image" -> PER_IMAGE;
            case "all" -> ALL;
            default -> throw new IllegalArgumentException("must be per-image or all (got '" + value + "')");
        };
    }

    public String configName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * Applies the scope named by a Spark setting ({@link #SPARK_CONF}; null or absent: nothing) to this JVM, unless
     * one was applied already; a bad value is logged and ignored (the driver validated the job's).
     */
    public static void applyNamed(String value) {
        if (value == null || DECIDED.get()) {
            return;
        }
        try {
            parse(value).applyToThisJvm();
        } catch (IllegalArgumentException e) {
            LOG.warn("xception-spark: ignoring " + SPARK_CONF + ": " + e.getMessage());
        }
    }

    /**
     * Applies this scope to the running JVM, once per JVM (later calls do nothing). Methods C2 compiled before
     * stay compiled. Where the JVM has no diagnostic command bean (not HotSpot), says so once and leaves
     * HotSpot's default.
     */
    public void applyToThisJvm() {
        if (!DECIDED.compareAndSet(false, true) || this == ALL) {
            return;
        }
        try {
            Path file = Files.createTempFile("xception-spark-c2-", ".json");
            try {
                try (InputStream in = CompilerScope.class.getResourceAsStream(DIRECTIVES)) {
                    if (in == null) {
                        throw new IllegalStateException(DIRECTIVES + " is missing from the class path");
                    }
                    Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
                }
                // jcmd's Compiler.directives_add, from inside: needs no -XX flag on the command line
                Object answer = ManagementFactory.getPlatformMBeanServer().invoke(
                        new ObjectName("com.sun.management:type=DiagnosticCommand"), "compilerDirectivesAdd",
                        new Object[] {new String[] {file.toString()}}, new String[] {String[].class.getName()});
                String said = String.valueOf(answer).strip();
                if (!said.contains("added")) {
                    throw new IllegalStateException(said);
                }
                LOG.info("xception-spark: scoring.optimizing-compiler = per-image: C2 compiles only what every image"
                        + " runs through in this JVM (" + said + ")");
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (Exception | LinkageError e) {
            LOG.warn("xception-spark: scoring.optimizing-compiler = per-image could not be applied in this JVM; C2"
                    + " compiles as by default: " + e);
        }
    }
}
