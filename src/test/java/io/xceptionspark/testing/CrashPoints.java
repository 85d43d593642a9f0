package io.xceptionspark.testing;

import io.xceptionspark.spark.CommitListener;
import java.util.Locale;

/**
 * Named moments at which a crash test makes a driver JVM die, to prove what readers and the next run see after a
 * crash there: the commit stages ({@link CommitListener.Stage}, e.g. {@code publish-committed}; this class is
 * registered as a listener in src/test/resources/META-INF/services, so the child JVMs of {@link ChildJob}, which run
 * with the test class path, load it) and points of test classes such as {@link HaltingCommitProtocol}. Off unless
 * the JVM runs with {@code -Dxception-spark.crash-at=POINT}; the JVM then halts at that point (no shutdown hooks,
 * no finally blocks: as abrupt as kill -9).
 */
public final class CrashPoints implements CommitListener {
    /** The system property naming the point to die at. */
    public static final String PROPERTY = "xception-spark.crash-at";
    /** The exit status of a halted JVM (that of a process killed by SIGKILL). */
    public static final int HALT_STATUS = 137;

    /** A commit stage's point name: {@code PUBLISH_COMMITTED} is {@code publish-committed}. */
    public static String name(Stage stage) {
        return stage.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The JVM flag that makes a child JVM die at {@code point}. */
    public static String flag(String point) {
        return "-D" + PROPERTY + "=" + point;
    }

    @Override
    public void reached(Stage stage, String runId) {
        reached(name(stage));
    }

    /** Halts the JVM if it was started to die at {@code point}. */
    public static void reached(String point) {
        if (point.equals(System.getProperty(PROPERTY))) {
            System.err.println("xception-spark: crash point " + point + " reached: halting the JVM (test hook)");
            System.err.flush();
            Runtime.getRuntime().halt(HALT_STATUS);
        }
    }
}
