package io.xceptionspark.cli;

import io.xceptionspark.config.JobConfigException;
import io.xceptionspark.config.Preload;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * What the launcher (scripts/xception-spark, Spark embedded in its JVM) does for a cluster master, doing
 * spark-submit's part itself: the executors get the project's jar through {@code spark.jars} (served by the
 * driver) and the executor settings of conf/spark-defaults.conf (applied to the session by
 * {@link io.xceptionspark.spark.SparkSessions}). A master whose cluster manager is not on the launcher's
 * classpath (YARN, Kubernetes: spark-submit brings those) is refused before Spark starts, naming
 * scripts/submit.sh. Under spark-submit (scripts/submit.sh) nothing is added: it has shipped the jar already.
 */
final class ClusterLaunch {
    /** Cluster managers by master URL prefix: the class Spark looks up for it. */
    private static final Map<String, String> MANAGERS = Map.of(
            "yarn", "org.apache.spark.deploy.yarn.YarnClusterManager",
            "k8s://", "org.apache.spark.scheduler.cluster.k8s.KubernetesClusterManager");

    private ClusterLaunch() {}

    /** Whether spark-submit started this JVM (it passes its settings as system properties). */
    static boolean underSparkSubmit() {
        return System.getProperty("spark.submit.deployMode") != null;
    }

    /**
     * The Spark settings the launcher adds for {@code master}: none for local masters or under spark-submit;
     * otherwise the jar to ship. Throws a {@link JobConfigException} (exit 2) when the launcher cannot reach it.
     */
    static Map<String, String> settings(String master, String jar, boolean underSparkSubmit,
                                        Predicate<String> onClasspath) {
        if (underSparkSubmit || Preload.isLocal(master)) {
            return Map.of();
        }
        String m = master.strip().toLowerCase(Locale.ROOT);
        for (Map.Entry<String, String> manager : MANAGERS.entrySet()) {
            if (m.startsWith(manager.getKey()) && !onClasspath.test(manager.getValue())) {
                throw new JobConfigException("--master " + master + ": the launcher's embedded Spark has no "
                        + (manager.getKey().equals("yarn") ? "YARN" : "Kubernetes") + " support. Submit with"
                        + " spark-submit instead: scripts/submit.sh --master " + master + " score ... (docs/CLUSTER.md).");
            }
        }
        if (!jar.endsWith(".jar") || !Files.isRegularFile(Path.of(jar))) {
            throw new JobConfigException("--master " + master + ": the executors need the project's jar, but this"
                    + " launcher runs from " + jar + ". Build it (mvn -DskipTests package) and run scripts/xception-spark,"
                    + " or submit with scripts/submit.sh --master " + master + " score ...");
        }
        return Map.of("spark.jars", jar, "spark.submit.deployMode", "client");
    }

    /** {@link #settings} for this JVM. */
    static Map<String, String> settings(String master) {
        return settings(master, Launcher.jar(), underSparkSubmit(), ClusterLaunch::loadable);
    }

    private static boolean loadable(String className) {
        try {
            Class.forName(className, false, ClusterLaunch.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
