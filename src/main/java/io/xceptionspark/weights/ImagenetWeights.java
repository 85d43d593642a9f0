package io.xceptionspark.weights;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Finds the official Keras ImageNet weights for Xception in a local cache (by default Keras' own,
 * {@code ~/.keras/models}, so files Keras already downloaded are reused), always checking their MD5.
 * Downloads only when the caller explicitly allows it: nothing is fetched at run time unless the user
 * asked, and an offline machine gets one message saying which file to put where.
 */
public final class ImagenetWeights {

    /** Environment variable naming the cache directory. */
    public static final String CACHE_ENV = "XCEPTION_SPARK_WEIGHTS_CACHE";
    /** System property naming the cache directory (wins over the environment variable). */
    public static final String CACHE_PROPERTY = "xception.spark.weights.cache";
    /** Environment variable that allows downloading ({@code true}). */
    public static final String DOWNLOAD_ENV = "XCEPTION_SPARK_WEIGHTS_DOWNLOAD";
    /** System property that allows downloading ({@code true}; wins over the environment variable). */
    public static final String DOWNLOAD_PROPERTY = "xception.spark.weights.download";

    private final Path cacheDir;
    private final boolean downloadAllowed;
    private final OfficialWeights top;
    private final OfficialWeights notop;

    /** The official Keras files in {@code cacheDir}. */
    public ImagenetWeights(Path cacheDir, boolean downloadAllowed) {
        this(cacheDir, downloadAllowed, OfficialWeights.XCEPTION, OfficialWeights.XCEPTION_NOTOP);
    }

    /** Other files (a mirror, or a test server) with their own URLs and MD5s. */
    public ImagenetWeights(Path cacheDir, boolean downloadAllowed, OfficialWeights top, OfficialWeights notop) {
        this.cacheDir = Objects.requireNonNull(cacheDir, "cacheDir");
        this.downloadAllowed = downloadAllowed;
        this.top = Objects.requireNonNull(top, "top");
        this.notop = Objects.requireNonNull(notop, "notop");
    }

    /** Cache directory and download permission from system properties, then environment variables. */
    public static ImagenetWeights fromEnvironment() {
        boolean allowed = Boolean.parseBoolean(setting(System::getProperty, System::getenv,
                DOWNLOAD_PROPERTY, DOWNLOAD_ENV));
        return new ImagenetWeights(defaultCacheDir(), allowed);
    }

    /** {@value #CACHE_PROPERTY}, else {@value #CACHE_ENV}, else {@code ~/.keras/models} as Keras uses. */
    public static Path defaultCacheDir() {
        return defaultCacheDir(System::getProperty, System::getenv, System.getProperty("user.home"));
    }

    static Path defaultCacheDir(UnaryOperator<String> properties, UnaryOperator<String> env, String userHome) {
        String dir = setting(properties, env, CACHE_PROPERTY, CACHE_ENV);
        return dir != null ? Path.of(dir) : Path.of(userHome, ".keras", "models");
    }

    private static String setting(UnaryOperator<String> properties, UnaryOperator<String> env,
                                  String property, String variable) {
        String v = properties.apply(property);
        if (v == null || v.isBlank()) {
            v = env.apply(variable);
        }
        return v == null || v.isBlank() ? null : v.strip();
    }

    public Path cacheDir() {
        return cacheDir;
    }

    public boolean downloadAllowed() {
        return downloadAllowed;
    }

    /**
     * The verified local file for Xception with ({@code includeTop}) or without its classifier.
     *
     * @throws WeightsException if the cached file has the wrong MD5, or it is missing and may not (or could
     *                          not) be downloaded
     */
    public Path resolve(boolean includeTop) {
        OfficialWeights source = includeTop ? top : notop;
        Path target = cacheDir.resolve(source.fileName()).toAbsolutePath();
        if (!Files.exists(target)) {
            if (!downloadAllowed) {
                throw new WeightsException("The ImageNet weights file " + target + " is missing (weights cache "
                        + cacheDir.toAbsolutePath() + "). Download " + source.url() + " (md5 " + source.md5()
                        + ") and put it at " + target + ", or point " + CACHE_ENV + " (or -D" + CACHE_PROPERTY
                        + ") at a directory holding it, or allow the download with " + DOWNLOAD_ENV
                        + "=true (or -D" + DOWNLOAD_PROPERTY + "=true).");
            }
            VerifiedDownload.fetch(source, target);
        }
        String actual = Checksums.md5(target);
        if (!actual.equals(source.md5())) {
            throw new WeightsException("The ImageNet weights file " + target + " has md5 " + actual
                    + " but the official file has md5 " + source.md5() + ": it is damaged or a different file. "
                    + "Delete it and fetch it again from " + source.url() + ".");
        }
        return target;
    }
}
