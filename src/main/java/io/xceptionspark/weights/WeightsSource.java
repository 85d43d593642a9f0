package io.xceptionspark.weights;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/**
 * Where the network's weights come from, parsed from the user's {@code weights} option:
 * {@code none} (seeded random initialisation, for tests and benchmarks), {@code imagenet} (the official
 * Keras files, from the cache or downloaded), a local file (plain path or {@code file:} URI), a file shipped
 * with the job ({@code spark-files:NAME}, see {@link ShippedFiles}), or any other URI ({@code hdfs://},
 * {@code s3a://}, ...) left for Hadoop's file systems to open later ({@link RemoteWeightsCache}).
 */
public sealed interface WeightsSource {

    /** The seed used by {@code none} unless the caller gives another. */
    long DEFAULT_SEED = 0L;

    /** Random initialisation with a fixed seed, so two runs with {@code weights=none} agree. */
    record RandomInit(long seed) implements WeightsSource {
    }

    /** The official Keras ImageNet weights ({@link ImagenetWeights} finds or fetches them). */
    record Imagenet() implements WeightsSource {
    }

    /** A weights file on the local file system; it existed when parsed. */
    record LocalFile(Path path) implements WeightsSource {
        public LocalFile {
            Objects.requireNonNull(path, "path");
        }
    }

    /** A weights file behind a non-local URI; resolving it is left to the caller. */
    record RemoteUri(URI uri) implements WeightsSource {
        public RemoteUri {
            Objects.requireNonNull(uri, "uri");
        }
    }

    /** A file shipped with the job (spark-submit --files), by its file name; found where needed. */
    record ShippedFile(String name) implements WeightsSource {
        public ShippedFile {
            Objects.requireNonNull(name, "name");
        }
    }

    /** {@link #parse(String, long)} with {@link #DEFAULT_SEED}. */
    static WeightsSource parse(String value) {
        return parse(value, DEFAULT_SEED);
    }

    /**
     * Parses the {@code weights} option. {@code none} and {@code imagenet} are case-insensitive; a
     * one-letter scheme is taken as a path, not a URI.
     *
     * @param seed the seed for {@code none}
     * @throws WeightsException for a blank value, an invalid URI, or a local file that does not exist
     */
    static WeightsSource parse(String value, long seed) {
        String v = value == null ? "" : value.strip();
        if (v.isEmpty()) {
            throw new WeightsException("The weights option is empty. Set weights=imagenet (official Keras "
                    + "weights), weights=none (random, seeded) or weights=<path or URI of a Keras .h5 file>.");
        }
        switch (v.toLowerCase(Locale.ROOT)) {
            case "none":
                return new RandomInit(seed);
            case "imagenet":
                return new Imagenet();
            default:
                break;
        }
        int colon = v.indexOf(':');
        boolean uri = colon > 1 && v.substring(0, colon).matches("[A-Za-z][A-Za-z0-9+.-]*");
        if (!uri) {
            return localFile(v, pathOf(v));
        }
        if (v.substring(0, colon).equalsIgnoreCase(ShippedFiles.SCHEME)) {
            String name = v.substring(colon + 1);
            if (name.isBlank() || name.contains("/") || name.contains("\\") || name.equals(".") || name.equals("..")) {
                throw new WeightsException("weights=" + v + ": write " + ShippedFiles.SCHEME + ":NAME with the bare"
                        + " file name of a file shipped with spark-submit --files (e.g. --files /models/w.h5 and"
                        + " weights=" + ShippedFiles.SCHEME + ":w.h5).");
            }
            return new ShippedFile(name);
        }
        URI u;
        try {
            u = new URI(v);
        } catch (URISyntaxException e) {
            throw new WeightsException("weights=" + v + " is not a valid URI (" + e.getReason()
                    + "). Percent-encode special characters such as spaces (%20), or give a plain local path.", e);
        }
        if ("file".equalsIgnoreCase(u.getScheme())) {
            try {
                return localFile(v, Path.of(u));
            } catch (IllegalArgumentException e) {
                throw new WeightsException("weights=" + v + " is not a usable file: URI (" + e.getMessage()
                        + "). Write it as file:///absolute/path.h5 or give a plain path.", e);
            }
        }
        return new RemoteUri(u);
    }

    private static Path pathOf(String v) {
        try {
            return Path.of(v);
        } catch (InvalidPathException e) {
            throw new WeightsException("weights=" + v + " is not a valid path (" + e.getReason() + ").", e);
        }
    }

    private static LocalFile localFile(String given, Path path) {
        if (!Files.isRegularFile(path)) {
            String what = Files.exists(path) ? "is not a file" : "does not exist";
            throw new WeightsException("weights=" + given + ": " + path.toAbsolutePath() + " " + what
                    + ". Give the path of a Keras .h5 weights file, or use weights=imagenet or weights=none.");
        }
        return new LocalFile(path);
    }
}
