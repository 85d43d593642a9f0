package io.xceptionspark.cli;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What the launcher script (scripts/xception-spark) tells the JVM: where the project's conf/ directory
 * is ({@value #CONF_DIR_PROPERTY}), so the site defaults and spark-defaults.conf apply; and how to print
 * the spark-submit line that runs the same job on a cluster.
 */
final class Launcher {
    /** System property naming the directory holding xception-spark.conf and spark-defaults.conf. */
    static final String CONF_DIR_PROPERTY = "xception-spark.conf-dir";
    static final String SITE_FILE = "xception-spark.conf";
    static final String SPARK_DEFAULTS_FILE = "spark-defaults.conf";

    private Launcher() {}

    static Optional<Path> confDir() {
        String dir = System.getProperty(CONF_DIR_PROPERTY, "");
        return dir.isBlank() ? Optional.empty() : Optional.of(Path.of(dir).toAbsolutePath());
    }

    static Optional<Path> siteFile() {
        return confDir().map(d -> d.resolve(SITE_FILE)).filter(Files::isRegularFile);
    }

    static Optional<Path> sparkDefaults() {
        return confDir().map(d -> d.resolve(SPARK_DEFAULTS_FILE)).filter(Files::isRegularFile);
    }

    /** The jar (or classes directory) this code runs from. */
    static String jar() {
        try {
            return Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException | RuntimeException e) {
            return "target/xception-spark.jar";
        }
    }

    /** The spark-submit command running the same subcommand with the same arguments. */
    static String sparkSubmitLine(String master, List<String> args) {
        StringBuilder b = new StringBuilder("spark-submit --master ").append(quote(master));
        sparkDefaults().ifPresent(f -> b.append(" --properties-file ").append(quote(f.toString())));
        // replaces spark.driver.extraJavaOptions, so it repeats the module the resampler's Vector API needs
        String javaOptions = "-Dai.djl.offline=true --add-modules=jdk.incubator.vector"
                + confDir().map(d -> " -D" + CONF_DIR_PROPERTY + "=" + d).orElse("");
        b.append(" --driver-java-options ").append(quote(javaOptions));
        if (args.stream().anyMatch(a -> a.contains("s3a://"))) { // the connector and its committers (docs/STORES.md)
            b.append(" --packages ").append(io.xceptionspark.spark.ObjectStores.S3A_PACKAGES);
        }
        b.append(" --class ").append(Main.class.getName()).append(' ').append(quote(jar()));
        b.append(args.stream().map(Launcher::quote).collect(Collectors.joining(" ", " ", "")));
        return b.toString();
    }

    /** Shell quoting where needed. */
    static String quote(String s) {
        if (!s.isEmpty() && s.matches("[A-Za-z0-9_./:=,@%+-]+")) {
            return s;
        }
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
