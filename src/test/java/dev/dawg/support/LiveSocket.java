package dev.dawg.support;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * A live client of {@code GET /ws} for tests (the JDK's WebSocket, which answers pings by itself): sends the
 * contract's messages and hands back what the server sent, in order, as JSON maps.
 */
public final class LiveSocket implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final JsonMapper JSON = JsonMapper.builder().build();
    public static final Duration WAIT = Duration.ofSeconds(10);

    /** How the server closed the connection (code -1: the connection failed without a close frame). */
    public record Closed(int code, String reason) {
    }

    private final BlockingQueue<Map<String, Object>> received = new LinkedBlockingQueue<>();
    private final CompletableFuture<Closed> closed = new CompletableFuture<>();
    private WebSocket socket;

    private LiveSocket() {
    }

    public static URI uri(int port, String token) {
        return URI.create("ws://127.0.0.1:" + port + "/ws" + (token == null ? "" : "?token=" + URLEncoder.encode(token, StandardCharsets.UTF_8)));
    }

    public static LiveSocket open(int port, String token) {
        return open(uri(port, token), Map.of());
    }

    public static LiveSocket open(URI uri, Map<String, String> headers) {
        LiveSocket live = new LiveSocket();
        try {
            live.socket = builder(headers).buildAsync(uri, live.new Listener()).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            return live;
        }
        catch (InterruptedException | ExecutionException | TimeoutException ex) {
            throw new AssertionError("Could not open " + uri + ": " + ex, ex);
        }
    }

    /** The HTTP status with which the server refused the handshake. */
    public static int refusal(URI uri, Map<String, String> headers) {
        try {
            WebSocket opened = builder(headers).buildAsync(uri, new WebSocket.Listener() { }).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            opened.abort();
            return fail("The handshake to " + uri + " was accepted");
        }
        catch (ExecutionException ex) {
            if (ex.getCause() instanceof WebSocketHandshakeException refused) {
                return refused.getResponse().statusCode();
            }
            throw new AssertionError(ex);
        }
        catch (InterruptedException | TimeoutException ex) {
            throw new AssertionError(ex);
        }
    }

    private static WebSocket.Builder builder(Map<String, String> headers) {
        WebSocket.Builder builder = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
        headers.forEach(builder::header);
        return builder;
    }

    public LiveSocket send(Map<String, Object> message) {
        return sendText(JSON.writeValueAsString(message));
    }

    public LiveSocket sendText(String text) {
        socket.sendText(text, true).join();
        return this;
    }

    /** Subscribes and waits for {@code subscribed}; fails on anything else. */
    public LiveSocket subscribe(UUID projectId) {
        return subscribe(projectId, null);
    }

    public LiveSocket subscribe(UUID projectId, String lastEventId) {
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("type", "subscribe");
        message.put("projectId", projectId.toString());
        if (lastEventId != null) {
            message.put("lastEventId", lastEventId);
        }
        send(message);
        Map<String, Object> answer = next();
        assertThat(answer).as("answer to subscribe").containsEntry("type", "subscribed").containsEntry("projectId", projectId.toString());
        return this;
    }

    /** The next message from the server; fails if none comes in time. */
    public Map<String, Object> next() {
        return next(WAIT);
    }

    public Map<String, Object> next(Duration wait) {
        Map<String, Object> message = poll(wait);
        if (message == null) {
            fail("No message from the server within " + wait + (closed.isDone() ? "; closed: " + closed.join() : ""));
        }
        return message;
    }

    /** The next message, or null if none comes in time. */
    public Map<String, Object> poll(Duration wait) {
        try {
            return received.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new AssertionError(ex);
        }
    }

    /** The next {@code count} messages, each waited for as long as {@link #next()} does. */
    public List<Map<String, Object>> take(int count) {
        List<Map<String, Object>> messages = new ArrayList<>();
        while (messages.size() < count) {
            messages.add(next());
        }
        return messages;
    }

    /** Everything that arrives until the server has been quiet for {@code quiet}. */
    public List<Map<String, Object>> drain(Duration quiet) {
        List<Map<String, Object>> messages = new ArrayList<>();
        Map<String, Object> message;
        while ((message = poll(quiet)) != null) {
            messages.add(message);
        }
        return messages;
    }

    /** Asserts that nothing arrives for {@code quiet}. */
    public void expectNothing(Duration quiet) {
        assertThat(poll(quiet)).as("unexpected message").isNull();
    }

    public Closed awaitClose() {
        return awaitClose(WAIT);
    }

    public Closed awaitClose(Duration wait) {
        try {
            return closed.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (InterruptedException | ExecutionException | TimeoutException ex) {
            throw new AssertionError("The server did not close the connection within " + wait, ex);
        }
    }

    public boolean isClosed() {
        return closed.isDone();
    }

    @Override
    public void close() {
        if (socket != null && !closed.isDone()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").orTimeout(2, TimeUnit.SECONDS).exceptionally(ex -> null).join();
            socket.abort();
        }
    }

    private final class Listener implements WebSocket.Listener {

        private final StringBuilder partial = new StringBuilder();

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
        }

        @Override
        @SuppressWarnings("unchecked")
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                received.add(JSON.readValue(partial.toString(), Map.class));
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(new Closed(statusCode, reason));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.complete(new Closed(-1, error.toString()));
        }
    }
}
