package dev.dawg.realtime;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.dawg.support.Api;
import dev.dawg.support.IntegrationTest;
import dev.dawg.support.LiveSocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A real browser on a page of another origin (listed in DAWG_CORS_ORIGINS) opens {@code /ws} with its access
 * token, subscribes, and shows an event the test causes. Chromium runs headless and is driven over the DevTools
 * protocol with the JDK's WebSocket; the class is skipped where {@code /usr/bin/chromium} (or the path in the
 * {@code dawg.chromium} system property) is not installed ({@code apt-get install -y chromium}).
 */
@IntegrationTest
@EnabledIf(value = "chromiumInstalled", disabledReason = "Chromium is not installed (apt-get install -y chromium)")
class RealtimeBrowserTests {

    private static final Path CHROMIUM = Path.of(System.getProperty("dawg.chromium", "/usr/bin/chromium"));
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String PAGE = """
            <!doctype html>
            <html><head><meta charset="utf-8"><title>DAWG live</title></head>
            <body>
            <p id="status">connecting</p>
            <ul id="events"></ul>
            <script>
              const params = new URLSearchParams(location.search);
              const status = document.getElementById('status');
              const socket = new WebSocket(params.get('ws'));
              socket.onopen = () => {
                status.textContent = 'open';
                socket.send(JSON.stringify({ type: 'subscribe', projectId: params.get('project') }));
              };
              socket.onmessage = (frame) => {
                const message = JSON.parse(frame.data);
                if (message.type === 'subscribed') {
                  status.textContent = 'subscribed';
                  return;
                }
                const item = document.createElement('li');
                item.textContent = message.type + ' by ' + (message.actor ? message.actor.username : '?') + ': ' + JSON.stringify(message.data);
                document.getElementById('events').appendChild(item);
              };
              socket.onclose = (event) => { status.textContent = 'closed ' + event.code; };
            </script>
            </body></html>
            """;

    private static HttpServer pages;
    private static Process browser;
    private static Path profile;

    @LocalServerPort
    int port;

    @Autowired
    Api api;

    /** Evaluated before the class starts anything: without Chromium it is reported as skipped. */
    static boolean chromiumInstalled() {
        return Files.isExecutable(CHROMIUM);
    }

    /** The page is served from its own origin, which the server must allow like any DAW front end. */
    @DynamicPropertySource
    static void pageOrigin(DynamicPropertyRegistry registry) throws IOException {
        pages = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        pages.createContext("/live.html", exchange -> {
            byte[] body = PAGE.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        pages.start();
        registry.add("dawg.web.cors-origins", () -> pageOrigin());
    }

    private static String pageOrigin() {
        return "http://127.0.0.1:" + pages.getAddress().getPort();
    }

    @AfterAll
    static void stopBrowserAndPages() throws IOException {
        if (browser != null) {
            browser.descendants().forEach(ProcessHandle::destroy);
            browser.destroy();
            try {
                if (!browser.waitFor(5, TimeUnit.SECONDS)) {
                    browser.destroyForcibly();
                }
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        }
        if (pages != null) {
            pages.stop(0);
        }
        if (profile != null) {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    @Test
    void shouldShowALiveEventInARealBrowser() throws Exception {
        Api.User owner = api.signUp();
        Api.User fan = api.signUp();
        UUID projectId = UUID.fromString((String) api.createProject(owner, Map.of("visibility", "public")).get("id"));
        String page = pageOrigin() + "/live.html?project=" + projectId + "&ws="
                + URLEncoder.encode(LiveSocket.uri(port, owner.accessToken()).toString(), StandardCharsets.UTF_8);

        try (DevTools devTools = DevTools.launch()) {
            devTools.call("Page.enable", Map.of());
            devTools.call("Page.navigate", Map.of("url", page));
            await().atMost(20, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(200))
                    .until(() -> "subscribed".equals(devTools.evaluate("document.getElementById('status').textContent")));

            // The event is caused the way a listener causes it: a like over REST.
            api.http().post().uri("/api/projects/{id}/like", projectId)
                    .header(org.springframework.http.HttpHeaders.AUTHORIZATION, fan.bearer())
                    .exchange().expectStatus().isOk();

            // The owner's page hears the like on the project and, on the user's own channel, the notification of it.
            await().atMost(10, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(100))
                    .until(() -> devTools.evaluate("document.querySelectorAll('#events li').length"), count -> "2".equals(count));
            assertThat(devTools.evaluate("[...document.querySelectorAll('#events li')].map(li => li.textContent)"
                    + ".find(text => text.startsWith('like:added'))"))
                    .isEqualTo("like:added by " + fan.username() + ": {\"likeCount\":1}");
            assertThat(devTools.evaluate("[...document.querySelectorAll('#events li')].map(li => li.textContent)"
                    + ".find(text => text.startsWith('notification:new'))"))
                    .contains("\"type\":\"like\"").contains(fan.username() + " liked");
            assertThat(devTools.evaluate("document.getElementById('status').textContent")).isEqualTo("subscribed");
        }
    }

    /** Chromium headless and one page of it, over the DevTools protocol. */
    private static final class DevTools implements AutoCloseable {

        private final WebSocket socket;
        private final AtomicInteger ids = new AtomicInteger();
        private final Map<Integer, CompletableFuture<JsonNode>> calls = new ConcurrentHashMap<>();

        private DevTools(WebSocket.Builder builder, URI target) throws Exception {
            this.socket = builder.buildAsync(target, new Listener()).get(10, TimeUnit.SECONDS);
        }

        static DevTools launch() throws Exception {
            profile = Files.createTempDirectory("dawg-chromium-");
            browser = new ProcessBuilder(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                    "--disable-dev-shm-usage", "--disable-background-networking", "--no-first-run",
                    "--user-data-dir=" + profile, "--remote-debugging-port=0", "--remote-allow-origins=*", "about:blank")
                    .redirectErrorStream(true)
                    .redirectOutput(profile.resolve("chromium.log").toFile())
                    .start();
            Path activePort = profile.resolve("DevToolsActivePort");
            await().atMost(30, TimeUnit.SECONDS).until(() -> Files.exists(activePort) && Files.readAllLines(activePort).size() >= 2);
            int debugPort = Integer.parseInt(Files.readAllLines(activePort).get(0).trim());
            HttpClient http = HttpClient.newHttpClient();
            JsonNode targets = await().atMost(10, TimeUnit.SECONDS).until(() -> JSON.readTree(http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + debugPort + "/json/list")).build(),
                    HttpResponse.BodyHandlers.ofString()).body()), list -> pageTarget(list) != null);
            return new DevTools(http.newWebSocketBuilder(), URI.create(pageTarget(targets).get("webSocketDebuggerUrl").stringValue()));
        }

        private static JsonNode pageTarget(JsonNode targets) {
            for (JsonNode target : targets) {
                if ("page".equals(target.path("type").stringValue(""))) {
                    return target;
                }
            }
            return null;
        }

        JsonNode call(String method, Map<String, Object> params) throws Exception {
            int id = ids.incrementAndGet();
            CompletableFuture<JsonNode> answer = new CompletableFuture<>();
            calls.put(id, answer);
            socket.sendText(JSON.writeValueAsString(Map.of("id", id, "method", method, "params", params)), true).get(5, TimeUnit.SECONDS);
            JsonNode result = answer.get(15, TimeUnit.SECONDS);
            assertThat(result.has("error")).as(method + " failed: " + result).isFalse();
            return result.path("result");
        }

        /** A JavaScript expression's value in the page, as text. */
        String evaluate(String expression) throws Exception {
            JsonNode value = call("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true)).path("result").path("value");
            return value.isString() ? value.stringValue() : value.toString();
        }

        @Override
        public void close() {
            socket.abort();
        }

        private final class Listener implements WebSocket.Listener {

            private final StringBuilder partial = new StringBuilder();

            @Override
            public void onOpen(WebSocket webSocket) {
                webSocket.request(1);
            }

            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                partial.append(data);
                if (last) {
                    JsonNode message = JSON.readTree(partial.toString());
                    partial.setLength(0);
                    CompletableFuture<JsonNode> call = message.has("id") ? calls.remove(message.get("id").asInt()) : null;
                    if (call != null) {
                        call.complete(message);
                    }
                }
                webSocket.request(1);
                return null;
            }
        }
    }
}
