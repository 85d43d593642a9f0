package io.xceptionspark.weights;

import java.io.File;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds a file shipped with the job ({@code spark-submit --files /models/w.h5}, named {@code spark-files:w.h5}
 * in {@code model.weights}) on the node that needs it:
 * <ol>
 *   <li>inside Spark (driver or executor): {@code SparkFiles.get(name)}, where Spark fetched it;</li>
 *   <li>the working directory: where YARN localizes {@code --files}, and where standalone and Kubernetes
 *       executors fetch them;</li>
 *   <li>on a driver before Spark starts (the job's model check): the entry of {@code spark.files} (or
 *       {@code spark.yarn.dist.files}) with that file name, as spark-submit passed it; a {@code name#alias}
 *       entry is found by its alias. A local entry is read in place, another URI is fetched by the caller.</li>
 * </ol>
 * Spark is only looked up when it is on the classpath; without it steps 2 and 3 still apply.
 */
public final class ShippedFiles {
    /** The URI scheme naming a shipped file in {@code model.weights}. */
    public static final String SCHEME = "spark-files";
    private static final List<String> FILE_LIST_KEYS = List.of("spark.files", "spark.yarn.dist.files");

    private ShippedFiles() {}

    /** Where a shipped file is: a local file, or the URI it was shipped from (to be fetched). */
    public sealed interface Location {
    }

    public record Local(Path path) implements Location {}

    public record Remote(URI uri) implements Location {}

    /**
     * @throws WeightsException naming the fix when no file of that name was shipped
     */
    public static Location locate(String name) {
        Optional<Path> fetched = sparkFilesGet(name);
        if (fetched.isPresent()) {
            return new Local(fetched.get());
        }
        Path inWorkingDir = Path.of(name).toAbsolutePath();
        if (Files.isRegularFile(inWorkingDir)) {
            return new Local(inWorkingDir);
        }
        List<String> listed = new ArrayList<>();
        for (String key : FILE_LIST_KEYS) {
            for (String entry : fileList(key)) {
                listed.add(entry);
                Optional<Location> match = match(entry, name);
                if (match.isPresent()) {
                    return match.get();
                }
            }
        }
        throw new WeightsException("weights=" + SCHEME + ":" + name + ": no file named " + name + " was shipped"
                + " with the job" + (listed.isEmpty() ? "" : " (shipped: " + String.join(", ", listed) + ")")
                + ". Add it with spark-submit --files /path/to/" + name + ", or point model.weights at a path or"
                + " URI (hdfs://, s3a://, ...) instead.");
    }

    /** The location an entry of spark.files names, if its file name (or #alias) is {@code name}. */
    static Optional<Location> match(String entry, String name) {
        String e = entry.strip();
        if (e.isEmpty()) {
            return Optional.empty();
        }
        URI uri;
        try {
            uri = new URI(e);
        } catch (URISyntaxException ex) {
            uri = Path.of(e).toUri();
        }
        String alias = uri.getFragment();
        String path = uri.getPath() == null ? "" : uri.getPath();
        String fileName = alias != null ? alias : path.substring(path.lastIndexOf('/') + 1);
        if (!fileName.equals(name)) {
            return Optional.empty();
        }
        URI withoutAlias;
        try {
            withoutAlias = new URI(uri.getScheme(), uri.getAuthority(), uri.getPath(), uri.getQuery(), null);
        } catch (URISyntaxException ex) {
            return Optional.empty();
        }
        if (withoutAlias.getScheme() == null || "local".equals(withoutAlias.getScheme())) {
            return Optional.of(new Local(Path.of(withoutAlias.getPath())));
        }
        if ("file".equals(withoutAlias.getScheme())) {
            return Optional.of(new Local(new File(withoutAlias).toPath()));
        }
        return Optional.of(new Remote(withoutAlias));
    }

    private static List<String> fileList(String key) {
        String value = System.getProperty(key);
        if (value == null) {
            value = sparkConf(key).orElse("");
        }
        return value.isBlank() ? List.of() : List.of(value.split(","));
    }

    // ---- Spark, when it is on the classpath and running in this JVM ---------------------------------

    private static Optional<Path> sparkFilesGet(String name) {
        try {
            if (org.apache.spark.SparkEnv.get() == null) {
                return Optional.empty();
            }
            Path p = Path.of(org.apache.spark.SparkFiles.get(name));
            return Files.isRegularFile(p) ? Optional.of(p.toAbsolutePath()) : Optional.empty();
        } catch (LinkageError | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> sparkConf(String key) {
        try {
            org.apache.spark.SparkEnv env = org.apache.spark.SparkEnv.get();
            return env == null ? Optional.empty() : Optional.ofNullable(env.conf().get(key, null));
        } catch (LinkageError | RuntimeException e) {
            return Optional.empty();
        }
    }
}
