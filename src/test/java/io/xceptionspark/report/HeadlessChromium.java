package io.xceptionspark.report;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Debian's Chromium, headless, driven over the DevTools protocol (JDK WebSocket, no Selenium): open a page,
 * evaluate JavaScript, collect console errors and uncaught exceptions, take screenshots. One browser per
 * instance, with its own empty profile, no network services; closed (process killed) by {@link #close()}.
 */
final class HeadlessChromium implements AutoCloseable {
    private static final Pattern DEVTOOLS = Pattern.compile("DevTools listening on (ws://\\S+)");

    private final Process process;
    private final HttpClient http = HttpClient.newHttpClient();
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonObject>> pending = new ConcurrentHashMap<>();
    private final List<String> errors = Collections.synchronizedList(new ArrayList<>());
    private volatile CountDownLatch loaded = new CountDownLatch(1);

    /** The browser binary: -Dchromium.path, else /usr/bin/chromium (scripts/install-chromium.sh installs it). */
    static Path binary() {
        Path path = Path.of(System.getProperty("chromium.path", "/usr/bin/chromium"));
        if (!Files.isExecutable(path)) {
            throw new IllegalStateException("Chromium not found at " + path + ": run scripts/install-chromium.sh"
                    + " (Debian's chromium package; scripts/test.sh does) or pass -Dchromium.path=...");
        }
        return path;
    }

    HeadlessChromium(Path profile, int width, int height) throws Exception {
        Files.createDirectories(profile);
        process = new ProcessBuilder(binary().toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-extensions", "--user-data-dir=" + profile, "--remote-debugging-port=0",
                "--remote-allow-origins=*", "--window-size=" + width + "," + height, "about:blank")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String browserUrl = devtoolsUrl();
        socket = http.newWebSocketBuilder().buildAsync(URI.create(pageUrl(browserUrl)), new Listener())
                .orTimeout(30, TimeUnit.SECONDS).join();
        send("Runtime.enable", new JsonObject());
        send("Log.enable", new JsonObject());
        send("Page.enable", new JsonObject());
    }

    /** Loads a URL and waits for its load event. */
    void open(String url) throws Exception {
        loaded = new CountDownLatch(1);
        JsonObject params = new JsonObject();
        params.addProperty("url", url);
        send("Page.navigate", params);
        if (!loaded.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the page did not load in 60 s: " + url);
        }
    }

    /** Evaluates a JavaScript expression in the page and returns its JSON value. */
    JsonElement eval(String expression) throws Exception {
        JsonObject params = new JsonObject();
        params.addProperty("expression", expression);
        params.addProperty("returnByValue", true);
        JsonObject result = send("Runtime.evaluate", params);
        if (result.has("exceptionDetails")) {
            throw new IllegalStateException("JavaScript failed: " + result.get("exceptionDetails"));
        }
        return result.getAsJsonObject("result").get("value");
    }

    int count(String selector) throws Exception {
        return eval("document.querySelectorAll(" + quote(selector) + ").length").getAsInt();
    }

    /** Console errors, uncaught exceptions and error log entries since the browser started. */
    List<String> errors() {
        return List.copyOf(errors);
    }

    /** Writes a PNG of the whole page, or of its first {@code maxHeight} CSS pixels. */
    void screenshot(Path file, int maxHeight) throws Exception {
        JsonObject metrics = send("Page.getLayoutMetrics", new JsonObject());
        JsonObject size = metrics.getAsJsonObject("cssContentSize");
        JsonObject clip = new JsonObject();
        clip.addProperty("x", 0);
        clip.addProperty("y", 0);
        clip.addProperty("width", size.get("width").getAsDouble());
        clip.addProperty("height", Math.min(maxHeight, size.get("height").getAsDouble()));
        clip.addProperty("scale", 1);
        JsonObject params = new JsonObject();
        params.addProperty("format", "png");
        params.addProperty("captureBeyondViewport", true);
        params.add("clip", clip);
        JsonObject shot = send("Page.captureScreenshot", params);
        Files.createDirectories(file.getParent());
        Files.write(file, Base64.getDecoder().decode(shot.get("data").getAsString()));
    }

    /** Moves the mouse to page coordinates (fires mouseover/mouseout like a user's pointer). */
    void moveMouse(double x, double y) throws Exception {
        JsonObject params = new JsonObject();
        params.addProperty("type", "mouseMoved");
        params.addProperty("x", x);
        params.addProperty("y", y);
        send("Input.dispatchMouseEvent", params);
    }

    JsonObject send(String method, JsonObject params) throws Exception {
        int id = ids.incrementAndGet();
        JsonObject message = new JsonObject();
        message.addProperty("id", id);
        message.addProperty("method", method);
        message.add("params", params);
        CompletableFuture<JsonObject> reply = new CompletableFuture<>();
        pending.put(id, reply);
        socket.sendText(message.toString(), true).join();
        JsonObject answer = reply.get(60, TimeUnit.SECONDS);
        if (answer.has("error")) {
            throw new IllegalStateException(method + " failed: " + answer.get("error"));
        }
        return answer.getAsJsonObject("result");
    }

    private String devtoolsUrl() throws IOException {
        BufferedReader err = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        long deadline = System.currentTimeMillis() + 60_000;
        String line;
        while (System.currentTimeMillis() < deadline && (line = err.readLine()) != null) {
            seen.append(line).append('\n');
            Matcher m = DEVTOOLS.matcher(line);
            if (m.find()) {
                Thread drain = new Thread(() -> {
                    try {
                        while (err.readLine() != null) {
                            // keep the pipe empty so Chromium never blocks on its stderr
                        }
                    } catch (IOException ignored) {
                        // the browser ended
                    }
                }, "chromium-stderr");
                drain.setDaemon(true);
                drain.start();
                return m.group(1);
            }
        }
        throw new IllegalStateException("Chromium did not start its DevTools endpoint:\n" + seen);
    }

    /** The page target's WebSocket URL, from the browser's /json/list endpoint. */
    private String pageUrl(String browserUrl) throws IOException, InterruptedException {
        URI ws = URI.create(browserUrl);
        URI list = URI.create("http://" + ws.getHost() + ":" + ws.getPort() + "/json/list");
        for (int attempt = 0; attempt < 50; attempt++) {
            String body = http.send(HttpRequest.newBuilder(list).build(), HttpResponse.BodyHandlers.ofString()).body();
            for (JsonElement target : JsonParser.parseString(body).getAsJsonArray()) {
                JsonObject t = target.getAsJsonObject();
                if ("page".equals(t.get("type").getAsString())) {
                    return t.get("webSocketDebuggerUrl").getAsString();
                }
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("Chromium has no page target");
    }

    private static String quote(String s) {
        return new com.google.gson.JsonPrimitive(s).toString();
    }

    @Override
    public void close() throws Exception {
        try {
            socket.abort();
        } finally {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder buffer = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            buffer.append(data);
            if (last) {
                handle(JsonParser.parseString(buffer.toString()).getAsJsonObject());
                buffer.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        private void handle(JsonObject message) {
            if (message.has("id")) {
                CompletableFuture<JsonObject> reply = pending.remove(message.get("id").getAsInt());
                if (reply != null) {
                    reply.complete(message);
                }
                return;
            }
            String method = message.get("method").getAsString();
            JsonObject params = message.getAsJsonObject("params");
            switch (method) {
                case "Page.loadEventFired" -> loaded.countDown();
                case "Runtime.exceptionThrown" -> errors.add("exception: " + params.getAsJsonObject("exceptionDetails"));
                case "Runtime.consoleAPICalled" -> {
                    String type = params.get("type").getAsString();
                    if (type.equals("error") || type.equals("assert")) {
                        JsonArray args = params.getAsJsonArray("args");
                        errors.add("console." + type + ": " + args);
                    }
                }
                case "Log.entryAdded" -> {
                    JsonObject entry = params.getAsJsonObject("entry");
                    if ("error".equals(entry.get("level").getAsString())) {
                        errors.add("log: " + entry.get("text").getAsString()
                                + (entry.has("url") ? " (" + entry.get("url").getAsString() + ")" : ""));
                    }
                }
                default -> { }
            }
        }
    }
}
