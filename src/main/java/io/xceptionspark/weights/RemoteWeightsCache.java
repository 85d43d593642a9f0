package io.xceptionspark.weights;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local copy of a weights file that lives behind a Hadoop file system URI ({@code hdfs://}, {@code s3a://},
 * {@code viewfs://}, {@code file:}, ... whatever file systems are on the classpath), so that every executor
 * reads its weights from local disk and the remote store is read once per executor, not once per task.
 *
 * <p>The copy is named after the qualified URI, the remote length and modification time (a changed remote
 * file gets a new copy) and ends with the remote file name. It is written to a temporary file in the same
 * directory and renamed into place atomically once complete and verified, so processes sharing a cache
 * directory (executors on one host) never see a partial file: each either reuses a finished copy or makes
 * its own and renames it over an identical one. Nothing is locked; at worst two executors starting at the
 * same moment both copy.
 *
 * <p>Every copy is checked: its length against the remote file's, and its SHA-256 against the expected one
 * when given ({@code model.weights-sha256}). The SHA-256 is returned so the model's identity can show it.
 */
public final class RemoteWeightsCache {
    private static final Logger LOG = LoggerFactory.getLogger(RemoteWeightsCache.class);
    /** Leftover temporary files (a JVM killed while copying) older than this are removed. */
    private static final Duration STALE_PART = Duration.ofHours(24);
    private static final String PART_SUFFIX = ".part";

    private final Path dir;
    private final Configuration hadoop;

    /**
     * @param dir the local cache directory (created when needed)
     * @param hadoop the configuration to open the file systems with (credentials, spark.hadoop.* settings)
     */
    public RemoteWeightsCache(Path dir, Configuration hadoop) {
        this.dir = Objects.requireNonNull(dir, "dir").toAbsolutePath();
        this.hadoop = Objects.requireNonNull(hadoop, "hadoop");
    }

    /** The cache directory used when none is configured: {@code <java.io.tmpdir>/xception-spark-weights}. */
    public static Path defaultDir() {
        return Path.of(System.getProperty("java.io.tmpdir"), "xception-spark-weights");
    }

    /** A local, verified copy of a remote file, and its SHA-256 (lower-case hex). */
    public record LocalCopy(Path file, String sha256, boolean copied) {}

    /**
     * The local copy of {@code uri}, made now unless a complete copy of the same remote version exists.
     *
     * @param expectedSha256 the SHA-256 the file must have; blank: not checked
     * @throws WeightsException when the remote file is missing or unreadable, the copy cannot be written, or
     *                          the checksum differs (the message names the fix)
     */
    public LocalCopy resolve(URI uri, String expectedSha256) {
        org.apache.hadoop.fs.Path remote = new org.apache.hadoop.fs.Path(uri);
        FileSystem fs;
        FileStatus status;
        try {
            fs = remote.getFileSystem(hadoop);
            status = fs.getFileStatus(remote);
        } catch (FileNotFoundException e) {
            throw new WeightsException("weights=" + uri + " does not exist. Check the URI (model.weights), or copy"
                    + " the Keras .h5 file there.", e);
        } catch (IOException | RuntimeException e) {
            throw new WeightsException("Cannot read weights=" + uri + ": " + e + ". Check the URI, that the file"
                    + " system's connector is on the classpath (e.g. hadoop-aws for s3a://) and its credentials"
                    + " (spark.hadoop.* settings).", e);
        }
        if (status.isDirectory()) {
            throw new WeightsException("weights=" + uri + " is a directory. Point model.weights at the Keras .h5"
                    + " file itself.");
        }
        Path target = dir.resolve(cacheName(fs.makeQualified(remote).toString(), status));
        try {
            if (Files.isRegularFile(target) && Files.size(target) == status.getLen()) {
                String sha = Checksums.sha256(target);
                if (expectedSha256 == null || expectedSha256.isBlank() || sha.equalsIgnoreCase(expectedSha256.strip())) {
                    LOG.info("xception-spark: weights {} from the local cache {}", uri, target);
                    return new LocalCopy(target, sha, false);
                }
                LOG.warn("xception-spark: cached copy {} of {} has SHA-256 {}, not the expected {}: copying again",
                        target, uri, sha, expectedSha256);
            }
        } catch (IOException e) {
            // unreadable cached copy: copy again below
        }
        return copy(uri, fs, remote, status, target, expectedSha256);
    }

    private LocalCopy copy(URI uri, FileSystem fs, org.apache.hadoop.fs.Path remote, FileStatus status, Path target,
                           String expectedSha256) {
        Path part = null;
        try {
            Files.createDirectories(dir);
            removeStaleParts();
            part = Files.createTempFile(dir, "." + target.getFileName() + ".", PART_SUFFIX);
            MessageDigest digest = Checksums.digest("SHA-256");
            long start = System.nanoTime();
            long copied = 0;
            try (InputStream in = fs.open(remote); OutputStream out = Files.newOutputStream(part)) {
                byte[] buf = new byte[1 << 16];
                for (int n; (n = in.read(buf)) > 0; ) {
                    digest.update(buf, 0, n);
                    out.write(buf, 0, n);
                    copied += n;
                }
            }
            if (copied != status.getLen()) {
                throw new WeightsException("Copying weights=" + uri + " stopped after " + copied + " of "
                        + status.getLen() + " bytes (the file changed while it was read?). Run the job again.");
            }
            String sha = HexFormat.of().formatHex(digest.digest());
            Checksums.requireSha256(uri.toString(), sha, expectedSha256);
            Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            LOG.info(String.format("xception-spark: copied weights %s (%d bytes, SHA-256 %s) to %s in %.1f s", uri,
                    copied, sha, target, (System.nanoTime() - start) / 1e9));
            return new LocalCopy(target, sha, true);
        } catch (IOException e) {
            throw new WeightsException("Cannot copy weights=" + uri + " to the local cache " + dir + ": " + e
                    + ". Check the free space and permissions there, or set model.remote-weights-cache-dir to"
                    + " another local directory.", e);
        } finally {
            if (part != null) {
                try {
                    Files.deleteIfExists(part);
                } catch (IOException e) {
                    // left for removeStaleParts
                }
            }
        }
    }

    /** {@code <16 hex digits of SHA-256(uri, length, mtime)>-<remote file name>}. */
    static String cacheName(String qualifiedUri, FileStatus status) {
        MessageDigest digest = Checksums.digest("SHA-256");
        digest.update((qualifiedUri + "\n" + status.getLen() + "\n" + status.getModificationTime())
                .getBytes(StandardCharsets.UTF_8));
        String key = HexFormat.of().formatHex(digest.digest()).substring(0, 16);
        String name = status.getPath().getName().replaceAll("[^A-Za-z0-9._-]", "_");
        if (name.isEmpty() || name.startsWith(".")) {
            name = "weights" + name;
        }
        return key + "-" + name;
    }

    private void removeStaleParts() {
        FileTime cutoff = FileTime.from(Instant.now().minus(STALE_PART));
        try (DirectoryStream<Path> parts = Files.newDirectoryStream(dir, ".*" + PART_SUFFIX)) {
            for (Path p : parts) {
                if (Files.getLastModifiedTime(p).compareTo(cutoff) < 0) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException e) {
            // best effort
        }
    }
}
