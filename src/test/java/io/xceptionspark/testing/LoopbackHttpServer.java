package io.xceptionspark.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP server on 127.0.0.1 (JDK's com.sun.net.httpserver) that serves the files of a directory and misbehaves on
 * request, by path prefix:
 * <pre>
 * /files/NAME        200 with the file
 * /missing/NAME      404
 * /flaky/NAME        500 the first time, then the file
 * /reset/NAME        the connection closed without an answer the first time, then the file
 * /slow/NAME         the headers and 10 bytes, then a pause of {@link #SLOW_PAUSE_MILLIS}, then the rest
 * /big/NAME          the file, declaring its length
 * /chunked/NAME      the file, without a declared length
 * /loop/N            a redirect to /loop/N+1, forever
 * </pre>
 */
public final class LoopbackHttpServer implements AutoCloseable {
    public static final long SLOW_PAUSE_MILLIS = 4000;
    private final HttpServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(8);
    private final Path root;
    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();

    public LoopbackHttpServer(Path root) throws IOException {
        this.root = root;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.createContext("/", this::handle);
        server.setExecutor(threads);
        server.start();
    }

    /** The URL of {@code path} on this server, e.g. url("/files/a.jpg"). */
    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** How many requests {@code path} got. */
    public int requests(String path) {
        AtomicInteger n = requests.get(path);
        return n == null ? 0 : n.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        int nth = requests.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
        String[] parts = path.split("/", 3);
        String kind = parts.length > 1 ? parts[1] : "";
        String name = parts.length > 2 ? parts[2] : "";
        try (exchange) {
            switch (kind) {
                case "missing" -> send(exchange, 404, new byte[0]);
                case "loop" -> {
                    exchange.getResponseHeaders().set("Location", "/loop/" + (nth + name.length() + 1) + "x");
                    exchange.sendResponseHeaders(302, -1);
                }
                case "flaky" -> {
                    if (nth == 1) {
                        send(exchange, 500, "try again".getBytes());
                    } else {
                        send(exchange, 200, file(name));
                    }
                }
                case "reset" -> {
                    if (nth == 1) {
                        return; // closed without a status line
                    }
                    send(exchange, 200, file(name));
                }
                case "slow" -> {
                    byte[] body = file(name);
                    exchange.sendResponseHeaders(200, body.length);
                    OutputStream out = exchange.getResponseBody();
                    out.write(body, 0, 10);
                    out.flush();
                    sleep();
                    out.write(body, 10, body.length - 10);
                }
                case "chunked" -> {
                    byte[] body = file(name);
                    exchange.sendResponseHeaders(200, 0);
                    exchange.getResponseBody().write(body);
                }
                case "files", "big" -> send(exchange, 200, file(name));
                default -> send(exchange, 404, new byte[0]);
            }
        } catch (IOException e) {
            // the client gave up (a timeout or a size limit): nothing to answer
        }
    }

    private byte[] file(String name) throws IOException {
        return Files.readAllBytes(root.resolve(name));
    }

    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            exchange.getResponseBody().write(body);
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(SLOW_PAUSE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
