package io.xceptionspark.spark;

import io.xceptionspark.config.HttpOptions;
import io.xceptionspark.image.ImageErrorCode;
import io.xceptionspark.scoring.ScoreResult;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URL;
import java.util.List;

/**
 * Executor side of manifests: downloads one http(s) URL into memory for scoring, never failing the task. The
 * connect timeout and the read timeout (request to last byte) bound each attempt; a 5xx or 429 status and a
 * connection reset are retried with exponential backoff; redirects are followed by hand up to a bound; a body
 * whose declared length is over the size limit is not read, and one that turns out longer stops being read at
 * the limit. Each failure is a result with its own error code: {@code HTTP_<status>}, {@code TIMEOUT},
 * {@code TOO_LARGE}, {@code TOO_MANY_REDIRECTS} or {@code UNREADABLE} (no connection).
 */
public final class UrlFetcher {
    public static final String TOO_MANY_REDIRECTS = "TOO_MANY_REDIRECTS";
    /** The prefix of an HTTP status error code, e.g. HTTP_404. */
    public static final String HTTP = "HTTP_";
    /** The statuses the run summary counts one by one (others count as HTTP_OTHER). */
    public static final List<Integer> COUNTED_STATUSES = List.of(400, 401, 403, 404, 408, 410, 429, 500, 502, 503, 504);
    public static final String HTTP_OTHER = HTTP + "OTHER";

    private final HttpOptions options;
    private final long maxBytes;

    /** @param maxBytes preprocess.max-file-bytes */
    public UrlFetcher(HttpOptions options, long maxBytes) {
        this.options = options;
        this.maxBytes = maxBytes;
    }

    /** Whether {@code path} is fetched by this class rather than through Hadoop's file systems. */
    public static boolean isUrl(String path) {
        String p = path.length() > 8 ? path.substring(0, 8).toLowerCase(java.util.Locale.ROOT) : path;
        return p.startsWith("http://") || p.startsWith("https://");
    }

    /**
     * The body, or why not.
     *
     * @param bytes null when the fetch failed
     * @param lastModified the Last-Modified header in epoch millis, or -1
     */
    public record Fetched(byte[] bytes, long lastModified, ScoreResult.Failed failure) {
        static Fetched failed(String code, String message) {
            return new Fetched(null, -1, new ScoreResult.Failed(code, message));
        }
    }

    public Fetched fetch(String url) {
        URL current;
        try {
            current = URI.create(url).toURL();
        } catch (IllegalArgumentException | java.net.MalformedURLException e) {
            return Fetched.failed(ScoreResult.UNREADABLE, "not a valid URL: " + url + " (" + e.getMessage() + ")");
        }
        int redirects = 0;
        int attempt = 0;
        while (true) {
            HttpURLConnection connection = null;
            String retryReason;
            try {
                connection = open(current);
                long started = System.nanoTime();
                int status = connection.getResponseCode();
                if (status >= 300 && status < 400 && connection.getHeaderField("Location") != null) {
                    if (++redirects > options.maxRedirects()) {
                        return Fetched.failed(TOO_MANY_REDIRECTS, url + ": more than input.http.max-redirects = "
                                + options.maxRedirects() + " redirects (last to " + connection.getHeaderField("Location") + ")");
                    }
                    current = new URL(current, connection.getHeaderField("Location"));
                    continue;
                }
                if (status >= 500 || status == 429) {
                    retryReason = "HTTP status " + status;
                    if (attempt >= options.retries()) {
                        return Fetched.failed(HTTP + status, url + ": HTTP status " + status + " "
                                + connection.getResponseMessage() + " after " + (attempt + 1) + " attempts");
                    }
                } else if (status < 200 || status >= 300) {
                    return Fetched.failed(HTTP + status, url + ": HTTP status " + status + " "
                            + connection.getResponseMessage());
                } else {
                    return body(url, connection, started);
                }
            } catch (SocketTimeoutException e) {
                return Fetched.failed(ImageErrorCode.TIMEOUT.name(), url + ": no answer within input.http."
                        + (e.getMessage() != null && e.getMessage().contains("connect") ? "connect-timeout = "
                                + options.connectTimeout() : "read-timeout = " + options.readTimeout()) + " (" + e.getMessage() + ")");
            } catch (SocketException e) {
                retryReason = "connection lost: " + e.getMessage();
                if (attempt >= options.retries()) {
                    return Fetched.failed(ScoreResult.UNREADABLE, url + ": " + retryReason + " after " + (attempt + 1)
                            + " attempts");
                }
            } catch (IOException | RuntimeException e) {
                return Fetched.failed(ScoreResult.UNREADABLE, "cannot fetch " + url + ": " + e);
            } finally {
                if (connection != null) {
                    connection.disconnect();
                }
            }
            try {
                Thread.sleep(options.retryBackoff().toMillis() << attempt);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Fetched.failed(ScoreResult.UNREADABLE, url + ": interrupted while waiting to retry (" + retryReason + ")");
            }
            attempt++;
        }
    }

    private HttpURLConnection open(URL url) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) url.openConnection();
        connection.setInstanceFollowRedirects(false);
        connection.setConnectTimeout(millis(options.connectTimeout()));
        connection.setReadTimeout(millis(options.readTimeout()));
        connection.setRequestProperty("Accept-Encoding", "identity");
        connection.setRequestProperty("User-Agent", "xception-spark");
        return connection;
    }

    /** Reads the body within the read timeout (counted from the request) and the size limit. */
    private Fetched body(String url, HttpURLConnection connection, long started) throws IOException {
        long declared = connection.getContentLengthLong();
        if (declared > maxBytes) {
            return Fetched.failed(ImageErrorCode.TOO_LARGE.name(), url + ": declares " + declared + " bytes, over the"
                    + " limit preprocess.max-file-bytes = " + maxBytes + "; it was not read");
        }
        long deadline = started + options.readTimeout().toNanos();
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream(declared > 0 ? (int) declared : 64 * 1024);
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = connection.getInputStream()) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                body.write(buffer, 0, n);
                if (body.size() > maxBytes) {
                    return Fetched.failed(ImageErrorCode.TOO_LARGE.name(), url + ": body longer than the limit"
                            + " preprocess.max-file-bytes = " + maxBytes + "; reading stopped there");
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new SocketTimeoutException("body not complete within the read timeout");
                }
                connection.setReadTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, left / 1_000_000)));
            }
        }
        return new Fetched(body.toByteArray(), connection.getLastModified() > 0 ? connection.getLastModified() : -1, null);
    }

    private static int millis(java.time.Duration d) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, d.toMillis()));
    }

    /** The run summary's counter for a failure code of this class. */
    public static String counterOf(String code) {
        if (code.startsWith(HTTP)) {
            try {
                return COUNTED_STATUSES.contains(Integer.parseInt(code.substring(HTTP.length()))) ? code : HTTP_OTHER;
            } catch (NumberFormatException e) {
                return HTTP_OTHER;
            }
        }
        return code;
    }
}
