package dev.dawg.realtime;

import java.time.Instant;

import io.netty.channel.Channel;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.WebSocketSession;

/**
 * One client's WebSocket: its messages read within their {@link MessageBudget}, the projects it follows in its
 * {@link ProjectFeeds}, everything it is sent in its own {@link OutboundQueue}, and on every hub tick its
 * heartbeat, its token's expiry and revocation, and a close that does not finish.
 */
final class LiveConnection {

    static final CloseStatus TOO_MANY_MESSAGES = CloseStatus.POLICY_VIOLATION.withReason("Too many messages");
    static final CloseStatus TOKEN_EXPIRED = CloseStatus.POLICY_VIOLATION.withReason("The access token has expired");
    static final CloseStatus TOKEN_REVOKED = CloseStatus.POLICY_VIOLATION.withReason("The access token was revoked (signed out)");
    static final CloseStatus NO_HEARTBEAT = CloseStatus.GOING_AWAY.withReason("No heartbeat");
    static final CloseStatus SHUTTING_DOWN = CloseStatus.GOING_AWAY.withReason("Server shutting down: reconnect with lastEventId");
    static final CloseStatus TOO_BIG = CloseStatus.TOO_BIG_TO_PROCESS.withReason("Message too large");

    private final RealtimeHub hub;
    private final SocketCaller caller;
    private final Channel channel;
    private final OutboundQueue queue;
    private final ProjectFeeds feeds;
    private final RealtimeProperties settings;
    private final ServerMessages messages;
    private final JsonMapper json;
    private final MessageBudget budget;
    /** The token the connection is signed in with now: the caller's, or a fresher one it authenticated with. */
    private volatile SocketCaller token;
    private volatile long lastHeardAt = System.nanoTime();
    private volatile long lastPingAt = lastHeardAt;

    LiveConnection(RealtimeHub hub, SocketCaller caller, Channel channel, OutboundQueue queue, ProjectFeeds feeds,
            RealtimeProperties settings, ServerMessages messages, JsonMapper json) {
        this.hub = hub;
        this.caller = caller;
        this.channel = channel;
        this.queue = queue;
        this.feeds = feeds;
        this.settings = settings;
        this.messages = messages;
        this.json = json;
        this.budget = new MessageBudget(settings);
        this.token = caller;
    }

    // ---- inbound

    /** Reads a frame on the event loop (its payload is released after): heartbeat, rate budget, parsing. */
    ClientMessage read(WebSocketMessage message) {
        lastHeardAt = System.nanoTime();
        if (message.getType() == WebSocketMessage.Type.PING || message.getType() == WebSocketMessage.Type.PONG) {
            return null;
        }
        if (!budget.take()) {
            if (budget.exhausted()) {
                close(TOO_MANY_MESSAGES, "rate_limited");
            }
            return queue.closing() ? null : new ClientMessage.Invalid("RATE_LIMITED",
                    "Too many messages: at most " + settings.messageRate() + " per second", null);
        }
        if (message.getType() == WebSocketMessage.Type.BINARY) {
            return new ClientMessage.Invalid("MALFORMED_REQUEST", "Messages are JSON text frames", null);
        }
        return ClientMessage.parse(json, message.getPayloadAsText());
    }

    Mono<Void> execute(ClientMessage message) {
        if (message instanceof ClientMessage.Subscribe subscribe) {
            return feeds.subscribe(subscribe);
        }
        if (message instanceof ClientMessage.Authenticate authenticate) {
            return authenticate(authenticate.token());
        }
        if (message instanceof ClientMessage.Unsubscribe unsubscribe) {
            feeds.unsubscribe(unsubscribe.projectId());
        }
        else if (message instanceof ClientMessage.Ping) {
            queue.reply(messages.pong());
        }
        else if (message instanceof ClientMessage.Invalid invalid) {
            queue.reply(messages.error(invalid.code(), invalid.projectId(), invalid.detail()));
        }
        return Mono.empty();
    }

    private Mono<Void> authenticate(String accessToken) {
        if (caller.anonymous()) {
            queue.reply(messages.error("UNAUTHORIZED", null, "This connection is anonymous: reconnect with ?token= to sign in"));
            return Mono.empty();
        }
        return hub.authenticate(accessToken)
                .doOnNext(this::reauthenticated)
                .onErrorResume(ex -> {
                    queue.reply(messages.error("UNAUTHORIZED", null, "The access token is invalid or expired"));
                    return Mono.empty();
                })
                .then();
    }

    private void reauthenticated(SocketCaller fresh) {
        if (!fresh.user().orElseThrow().id().equals(caller.user().orElseThrow().id())) {
            queue.reply(messages.error("UNAUTHORIZED", null, "The token is for another user"));
            return;
        }
        token = fresh;
        queue.reply(messages.authenticated(fresh.expiresAt()));
    }

    // ---- outbound, heartbeat and closing

    Flux<WebSocketMessage> outbound() {
        return queue.frames();
    }

    /**
     * What the connection sends until it stops: written straight to its Netty channel when it has one, else
     * through the session.
     */
    Mono<Void> send(WebSocketSession session) {
        return queue.direct() ? queue.sent() : session.send(queue.frames());
    }

    /** Called on every hub tick: pings a quiet client, closes a dead or expired one, cuts one that will not close. */
    void tick(long now, Instant wallClock) {
        long since = queue.closingSince();
        if (since != 0) {
            if (now - since > settings.closeTimeout().toNanos() && channel != null) {
                channel.close();
            }
            return;
        }
        SocketCaller current = token;
        long silent = now - lastHeardAt;
        if (current.expiresAt() != null && !wallClock.isBefore(current.expiresAt())) {
            close(TOKEN_EXPIRED, "token_expired");
        }
        else if (current.tokenId() != null && hub.revokedHere(current.tokenId())) {
            close(TOKEN_REVOKED, "token_revoked");
        }
        else if (silent > settings.heartbeatTimeout().toNanos()) {
            close(NO_HEARTBEAT, "heartbeat");
        }
        else if (silent > settings.heartbeatInterval().toNanos() && now - lastPingAt > settings.heartbeatInterval().toNanos()) {
            lastPingAt = now;
            queue.send(OutboundQueue.Kind.PING, new byte[0]);
        }
    }

    /** A token was revoked: if it is the one this connection is signed in with, the connection ends (1008). */
    void tokenRevoked(String revokedId) {
        if (revokedId.equals(token.tokenId())) {
            close(TOKEN_REVOKED, "token_revoked");
        }
    }

    void close(CloseStatus status, String dropReason) {
        queue.close(status, dropReason);
    }

    Mono<Void> closeFrame() {
        return queue.closeFrame();
    }

    /** The client closed, or the inbound side failed: stop sending too. */
    void inboundEnded() {
        queue.stop();
    }

    /** The connection is gone: nothing more is sent, and its feeds leave their channels. */
    void release() {
        queue.stop();
        feeds.release();
    }
}
