package io.xceptionspark.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xceptionspark.config.HttpOptions;
import io.xceptionspark.testing.LoopbackHttpServer;
import io.xceptionspark.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Each way a download can go, against a misbehaving server on loopback: a body or an error with its own code. */
class UrlFetcherTest {
    private static final HttpOptions HTTP = new HttpOptions(Duration.ofSeconds(2), Duration.ofSeconds(1), 2,
            Duration.ofMillis(10), 3);
    private static LoopbackHttpServer server;
    private static byte[] dog;

    @BeforeAll
    static void start() throws Exception {
        server = new LoopbackHttpServer(TestData.samples());
        dog = Files.readAllBytes(TestData.samples().resolve("dog.jpg"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static UrlFetcher.Fetched fetch(String path) {
        return new UrlFetcher(HTTP, 10L << 20).fetch(server.url(path));
    }

    @Test
    void ok() {
        UrlFetcher.Fetched f = fetch("/files/dog.jpg");
        assertNull(f.failure());
        assertArrayEquals(dog, f.bytes());
        assertArrayEquals(dog, fetch("/chunked/dog.jpg").bytes(), "no declared length");
    }

    @Test
    void notFoundIsNotRetried() {
        assertEquals("HTTP_404", fetch("/missing/a.jpg").failure().code());
        assertEquals(1, server.requests("/missing/a.jpg"));
    }

    @Test
    void serverErrorThenOkIsRetried() {
        UrlFetcher.Fetched f = fetch("/flaky/dog.jpg");
        assertNull(f.failure(), () -> f.failure().message());
        assertArrayEquals(dog, f.bytes());
        assertEquals(2, server.requests("/flaky/dog.jpg"));
    }

    @Test
    void connectionClosedThenOk() {
        UrlFetcher.Fetched f = fetch("/reset/dog.jpg");
        assertNull(f.failure(), () -> f.failure().message());
        assertArrayEquals(dog, f.bytes());
    }

    @Test
    void slowBodyTimesOut() {
        long start = System.nanoTime();
        UrlFetcher.Fetched f = fetch("/slow/dog.jpg");
        assertEquals("TIMEOUT", f.failure().code(), f.failure().message());
        assertTrue(System.nanoTime() - start < LoopbackHttpServer.SLOW_PAUSE_MILLIS * 1_000_000, "gave up before the body");
    }

    @Test
    void oversizedBody() {
        UrlFetcher small = new UrlFetcher(HTTP, 1000);
        UrlFetcher.Fetched declared = small.fetch(server.url("/big/dog.jpg"));
        assertEquals("TOO_LARGE", declared.failure().code());
        assertTrue(declared.failure().message().contains("was not read"), declared.failure().message());
        UrlFetcher.Fetched chunked = small.fetch(server.url("/chunked/dog.jpg"));
        assertEquals("TOO_LARGE", chunked.failure().code());
        assertTrue(chunked.failure().message().contains("reading stopped"), chunked.failure().message());
    }

    @Test
    void redirectLoopIsBounded() {
        UrlFetcher.Fetched f = fetch("/loop/0");
        assertEquals(UrlFetcher.TOO_MANY_REDIRECTS, f.failure().code());
    }

    @Test
    void noServer() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        UrlFetcher.Fetched f = new UrlFetcher(HTTP, 1000).fetch("http://127.0.0.1:" + port + "/x.jpg");
        assertEquals("UNREADABLE", f.failure().code(), f.failure().message());
        assertEquals("HTTP_OTHER", UrlFetcher.counterOf("HTTP_418"));
        assertEquals("HTTP_404", UrlFetcher.counterOf("HTTP_404"));
        assertTrue(UrlFetcher.isUrl("HTTPS://a/b") && !UrlFetcher.isUrl("file:/a") && !UrlFetcher.isUrl(Path.of("/x").toString()));
    }
}
