package io.xceptionspark.weights;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Streaming file digests: MD5 because that is what Keras publishes for its weight files, SHA-256 to
 * identify a model's weights (its first {@value #SHORT_ID_LENGTH} hex digits serve as a short id).
 */
public final class Checksums {

    public static final int SHORT_ID_LENGTH = 12;
    private static final int BUFFER = 1 << 16;

    private Checksums() {
    }

    /** Lower-case hex MD5 of the file's bytes. */
    public static String md5(Path file) {
        return hex(file, "MD5");
    }

    /** Lower-case hex SHA-256 of the file's bytes. */
    public static String sha256(Path file) {
        return hex(file, "SHA-256");
    }

    /** Lower-case hex SHA-256 of {@code bytes} (e.g. an input file's content, to group identical files). */
    public static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(digest("SHA-256").digest(bytes));
    }

    /** The first {@value #SHORT_ID_LENGTH} hex digits of the file's SHA-256, e.g. for model ids in outputs. */
    public static String shortId(Path file) {
        return sha256(file).substring(0, SHORT_ID_LENGTH);
    }

    /** Whether {@code value} is a SHA-256 in hex (64 digits, either case). */
    public static boolean isSha256(String value) {
        return value != null && value.strip().matches("[0-9a-fA-F]{64}");
    }

    /**
     * Checks a weights file's SHA-256 against the configured one ({@code model.weights-sha256}); a blank
     * {@code expected} checks nothing.
     *
     * @param source the file as the user named it (path, URI or spark-files:NAME), for the message
     * @param actual the file's SHA-256, lower-case hex
     * @throws WeightsException naming both checksums and the fix when they differ
     */
    public static void requireSha256(String source, String actual, String expected) {
        if (expected == null || expected.isBlank() || expected.strip().equalsIgnoreCase(actual)) {
            return;
        }
        throw new WeightsException("Weights checksum mismatch: " + source + " has SHA-256 " + actual
                + " but model.weights-sha256 expects " + expected.strip().toLowerCase(java.util.Locale.ROOT)
                + ". It is not the file this job was configured for: point model.weights at the right file, or"
                + " set model.weights-sha256 to the new file's checksum if the change is intended.");
    }

    /** A fresh digest for {@code algorithm} (MD5 and SHA-256 are in every JDK). */
    static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " missing from this JDK", e);
        }
    }

    /** Reads {@code in} to its end into {@code digest}; returns the byte count. */
    static long update(MessageDigest digest, InputStream in) throws IOException {
        byte[] buf = new byte[BUFFER];
        long total = 0;
        for (int n; (n = in.read(buf)) > 0; ) {
            digest.update(buf, 0, n);
            total += n;
        }
        return total;
    }

    private static String hex(Path file, String algorithm) {
        MessageDigest digest = digest(algorithm);
        try (InputStream in = Files.newInputStream(file)) {
            update(digest, in);
        } catch (IOException e) {
            throw new WeightsException("Cannot read " + file + " to compute its " + algorithm + ": " + e
                    + ". Check that the file exists and is readable.", e);
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
