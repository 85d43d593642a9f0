package io.xceptionspark.weights;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The weights cache and its download, against a local HTTP server on 127.0.0.1 standing in for Google's. */
class ImagenetWeightsTest {

    private static final byte[] TOP = "pretend top weights\n".repeat(5000).getBytes(StandardCharsets.UTF_8);
    private static final byte[] NOTOP = "pretend notop weights\n".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path cache;

    private HttpServer server;
    private final Map<String, byte[]> served = new ConcurrentHashMap<>();
    private final AtomicInteger requests = new AtomicInteger();
    private String base;

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            byte[] body = served.get(exchange.getRequestURI().getPath());
            exchange.sendResponseHeaders(body == null ? 404 : 200, body == null ? -1 : body.length);
            if (body != null) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
            exchange.close();
        });
        server.setExecutor(Executors.newFixedThreadPool(2));
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort() + "/xception/";
        served.put("/xception/top.h5", TOP);
        served.put("/xception/notop.h5", NOTOP);
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
        ((ExecutorService) server.getExecutor()).shutdownNow();
    }

    private ImagenetWeights weights(boolean download) {
        return new ImagenetWeights(cache, download,
                OfficialWeights.of(base, "top.h5", md5(TOP)), OfficialWeights.of(base, "notop.h5", md5(NOTOP)));
    }

    private static String md5(byte[] bytes) {
        return java.util.HexFormat.of().formatHex(Checksums.digest("MD5").digest(bytes));
    }

    private List<Path> cacheFiles() throws IOException {
        try (Stream<Path> s = Files.list(cache)) {
            return s.toList();
        }
    }

    @Test
    void officialFilesAreKerasOnes() {
        assertEquals("https://storage.googleapis.com/tensorflow/keras-applications/xception/"
                + "xception_weights_tf_dim_ordering_tf_kernels.h5", OfficialWeights.XCEPTION.url().toString());
        assertEquals("0a58e3b7378bc2990ea3b43d5981f1f6", OfficialWeights.XCEPTION.md5());
        assertEquals("https://storage.googleapis.com/tensorflow/keras-applications/xception/"
                + "xception_weights_tf_dim_ordering_tf_kernels_notop.h5", OfficialWeights.XCEPTION_NOTOP.url().toString());
        assertEquals("b0042744bf5b25fce3cb969f33bebb97", OfficialWeights.XCEPTION_NOTOP.md5());
        assertEquals("http://mirror/x/xception_weights_tf_dim_ordering_tf_kernels.h5",
                OfficialWeights.XCEPTION.withBaseUrl("http://mirror/x").url().toString());
    }

    @Test
    void cachedFileWithTheRightMd5IsUsedWithoutNetwork() throws IOException {
        Files.write(cache.resolve("notop.h5"), NOTOP);
        assertEquals(cache.resolve("notop.h5").toAbsolutePath(), weights(false).resolve(false));
        assertEquals(0, requests.get());
    }

    @Test
    void cachedFileWithAWrongMd5IsAClearError() throws IOException {
        Path bad = Files.write(cache.resolve("top.h5"), "damaged".getBytes(StandardCharsets.UTF_8));
        WeightsException e = assertThrows(WeightsException.class, () -> weights(true).resolve(true));
        assertMessage(e, bad.toAbsolutePath().toString(), "has md5 " + md5("damaged".getBytes(StandardCharsets.UTF_8)),
                "official file has md5 " + md5(TOP), "Delete it", base + "top.h5");
        assertEquals(0, requests.get(), "a damaged cached file is reported, not silently replaced");
    }

    @Test
    void emptyCacheWithoutPermissionSaysWhatToPutWhere() throws IOException {
        WeightsException e = assertThrows(WeightsException.class, () -> weights(false).resolve(true));
        assertMessage(e, "put it at " + cache.resolve("top.h5").toAbsolutePath(), base + "top.h5", md5(TOP),
                ImagenetWeights.CACHE_ENV, ImagenetWeights.DOWNLOAD_ENV + "=true",
                "-D" + ImagenetWeights.DOWNLOAD_PROPERTY + "=true");
        assertEquals(0, requests.get());
        assertEquals(List.of(), cacheFiles());
    }

    @Test
    void downloadsOnceWhenAllowedThenUsesTheCache() throws IOException {
        ImagenetWeights w = weights(true);
        Path got = w.resolve(true);
        assertEquals(cache.resolve("top.h5").toAbsolutePath(), got);
        assertArrayEquals(TOP, Files.readAllBytes(got));
        assertEquals(List.of(cache.resolve("top.h5")), cacheFiles(), "no temporary files left");
        assertEquals(got, w.resolve(true));
        assertEquals(1, requests.get());
        assertArrayEquals(NOTOP, Files.readAllBytes(w.resolve(false)));
        assertEquals(2, requests.get());
    }

    @Test
    void createsAMissingCacheDirectory() {
        Path nested = cache.resolve("a/b");
        ImagenetWeights w = new ImagenetWeights(nested, true, OfficialWeights.of(base, "top.h5", md5(TOP)),
                OfficialWeights.of(base, "notop.h5", md5(NOTOP)));
        assertTrue(Files.isRegularFile(w.resolve(true)));
    }

    @Test
    void corruptedDownloadLeavesNothingInTheCache() throws IOException {
        served.put("/xception/top.h5", "truncated or tampered".getBytes(StandardCharsets.UTF_8));
        WeightsException e = assertThrows(WeightsException.class, () -> weights(true).resolve(true));
        assertMessage(e, base + "top.h5", "expected md5 is " + md5(TOP), "nothing was saved",
                cache.resolve("top.h5").toAbsolutePath().toString());
        assertEquals(List.of(), cacheFiles());
    }

    @Test
    void httpErrorIsAClearErrorAndLeavesNothing() throws IOException {
        served.remove("/xception/top.h5");
        WeightsException e = assertThrows(WeightsException.class, () -> weights(true).resolve(true));
        assertMessage(e, "Could not download " + base + "top.h5", "HTTP status 404",
                "put it at " + cache.resolve("top.h5").toAbsolutePath());
        assertEquals(List.of(), cacheFiles());
    }

    @Test
    void unreachableServerIsAClearError() throws IOException {
        server.stop(0);
        WeightsException e = assertThrows(WeightsException.class, () -> weights(true).resolve(false));
        assertMessage(e, "Could not download " + base + "notop.h5", "network");
        assertEquals(List.of(), cacheFiles());
    }

    @Test
    void concurrentDownloadsIntoOneCacheAllSeeTheWholeFile() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Path>> results = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                results.add(pool.submit(() -> weights(true).resolve(true)));
            }
            for (Future<Path> f : results) {
                assertArrayEquals(TOP, Files.readAllBytes(f.get()));
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(List.of(cache.resolve("top.h5")), cacheFiles());
    }

    @Test
    void cacheDirectoryPrecedence() {
        Map<String, String> props = Map.of(ImagenetWeights.CACHE_PROPERTY, "/p");
        Map<String, String> env = Map.of(ImagenetWeights.CACHE_ENV, "/e");
        assertEquals(Path.of("/p"), ImagenetWeights.defaultCacheDir(props::get, env::get, "/home/u"));
        assertEquals(Path.of("/e"), ImagenetWeights.defaultCacheDir(k -> null, env::get, "/home/u"));
        assertEquals(Path.of("/home/u/.keras/models"), ImagenetWeights.defaultCacheDir(k -> null, k -> null, "/home/u"));
    }

    @Test
    void downloadsAreOffUnlessAskedFor() {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv(ImagenetWeights.DOWNLOAD_ENV) == null
                && System.getProperty(ImagenetWeights.DOWNLOAD_PROPERTY) == null);
        assertFalse(ImagenetWeights.fromEnvironment().downloadAllowed());
    }

    private static void assertMessage(WeightsException e, String... fragments) {
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "expected '" + f + "' in: " + e.getMessage());
        }
    }
}
