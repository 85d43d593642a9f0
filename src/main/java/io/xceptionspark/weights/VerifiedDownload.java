package io.xceptionspark.weights;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;

/**
 * Downloads one file into place so that nobody ever sees a partial or wrong file at the target path:
 * the bytes go to a temporary file in the target's directory while their MD5 is computed, and only a
 * verified file is renamed onto the target (atomic on POSIX). Several JVMs sharing a cache directory can
 * race safely: each renames its own complete copy of the same bytes.
 */
final class VerifiedDownload {

    private static final System.Logger LOG = System.getLogger(VerifiedDownload.class.getName());
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration HEADERS_TIMEOUT = Duration.ofSeconds(60);

    private VerifiedDownload() {
    }

    /** Fetches {@code source} to {@code target}, or throws a {@link WeightsException} leaving nothing behind. */
    static void fetch(OfficialWeights source, Path target) {
        Path dir = target.toAbsolutePath().getParent();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new WeightsException("Cannot create the weights cache directory " + dir + " (" + e
                    + "). Set " + ImagenetWeights.CACHE_ENV + " to a writable directory.", e);
        }
        Path tmp = null;
        try {
            tmp = Files.createTempFile(dir, source.fileName() + ".", ".part");
            LOG.log(System.Logger.Level.INFO, "Downloading {0} to {1}", source.url(), target);
            String actual = download(source, tmp);
            if (!actual.equals(source.md5())) {
                throw new WeightsException("The download of " + source.url() + " has md5 " + actual
                        + " but the expected md5 is " + source.md5() + "; nothing was saved to " + target
                        + ". The download was corrupted or the server sent another file: try again, or fetch "
                        + "the file yourself and put it at " + target + ".");
            }
            moveIntoPlace(tmp, target);
            tmp = null;
        } catch (IOException e) {
            throw new WeightsException("Could not download " + source.url() + " to " + target + " (" + e
                    + "). Check network access and proxy settings, or fetch the file yourself and put it at "
                    + target + ".", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WeightsException("Interrupted while downloading " + source.url() + " to " + target
                    + "; nothing was saved. Run again to retry.", e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: a stray .part file never shadows the target
                }
            }
        }
    }

    /** Streams the body to {@code tmp}; returns its MD5. */
    private static String download(OfficialWeights source, Path tmp) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        HttpRequest request = HttpRequest.newBuilder(source.url()).timeout(HEADERS_TIMEOUT).GET().build();
        HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        MessageDigest md5 = Checksums.digest("MD5");
        try (InputStream in = response.body()) {
            if (response.statusCode() != 200) {
                throw new IOException("HTTP status " + response.statusCode());
            }
            try (OutputStream out = Files.newOutputStream(tmp)) {
                byte[] buf = new byte[1 << 16];
                for (int n; (n = in.read(buf)) > 0; ) {
                    md5.update(buf, 0, n);
                    out.write(buf, 0, n);
                }
            }
        }
        return HexFormat.of().formatHex(md5.digest());
    }

    private static void moveIntoPlace(Path tmp, Path target) throws IOException {
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
