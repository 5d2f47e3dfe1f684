package dev.dawg.realtime;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.netty.channel.Channel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.SmartLifecycle;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketSession;

import dev.dawg.auth.AccessTokenRevocations;
import dev.dawg.auth.AccessTokens;
import dev.dawg.platform.web.ApiProblem;
import dev.dawg.platform.ratelimit.ConcurrencySlots;

/**
 * The node's realtime hub: its open connections, the Redis channels they need, the dispatch of every event
 * this node receives to the connections that follow it, and a tick that keeps them alive (heartbeat, token
 * expiry, stuck closes, a probe of the Redis link, channel reconciliation after a Redis outage).
 *
 * <p>On shutdown it stops first, before the web server drains: it refuses new connections and closes every
 * WebSocket with 1001, so clients reconnect elsewhere with their {@code lastEventId}.
 */
@Component
class RealtimeHub implements SmartLifecycle, RealtimeRedis.Listener {

    private static final Logger log = LoggerFactory.getLogger(RealtimeHub.class);
    /** When a client refused for its address's share may try again: sockets come and go within seconds. */
    private static final long SLOT_RETRY_SECONDS = 5;

    private final RealtimeRedis redis;
    private final EventHistory history;
    private final SubscriberAccess access;
    private final RealtimeMetrics metrics;
    private final RealtimeProperties settings;
    private final ServerMessages messages;
    private final JsonMapper json;
    private final ReactiveJwtDecoder tokens;
    private final ChannelRegistry channels;
    private final AccessTokenRevocations revocations;
    private final Set<LiveConnection> connections = ConcurrentHashMap.newKeySet();
    private final ConcurrencySlots<String> addressSlots;
    /** The address slot each connection holds, given back when it closes. */
    private final Map<LiveConnection, ConcurrencySlots<String>.Slot> slots = new ConcurrentHashMap<>();
    private volatile boolean accepting;
    private volatile boolean running;
    private volatile Disposable ticker;

    RealtimeHub(RealtimeRedis redis, EventHistory history, SubscriberAccess access, RealtimeMetrics metrics,
            RealtimeProperties settings, ServerMessages messages, JsonMapper json, AccessTokens accessTokens,
            AccessTokenRevocations revocations, ChannelRegistry channels) {
        this.redis = redis;
        this.history = history;
        this.access = access;
        this.metrics = metrics;
        this.settings = settings;
        this.messages = messages;
        this.json = json;
        this.tokens = accessTokens.decoder();
        this.channels = channels;
        this.addressSlots = new ConcurrencySlots<>(settings.maxConnectionsPerAddress());
        metrics.channelsGauge(channels::size);
        redis.listen(this);
        this.revocations = revocations;
        revocations.onRevoked(this::tokenRevoked);
    }

    /** Whether this node knows the token was revoked (a connection that raced with the news checks on every tick). */
    boolean revokedHere(String tokenId) {
        return revocations.revokedHere(tokenId);
    }

    /** An access token was revoked (on any node): the connections it authenticates close with 1008. */
    private void tokenRevoked(String tokenId) {
        for (LiveConnection connection : connections) {
            connection.tokenRevoked(tokenId);
        }
    }

    /** The caller of a {@code ?token=}: validated exactly like a REST bearer token. */
    Mono<SocketCaller> authenticate(String token) {
        return tokens.decode(token)
                .map(jwt -> new SocketCaller(Optional.of(AccessTokens.toCurrentUser(jwt)), jwt.getExpiresAt(), jwt.getId()))
                .onErrorMap(ex -> ApiProblem.unauthorized("The access token is invalid or expired")
                        .withHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer error=\"invalid_token\""));
    }

    // ---- connections

    /** Whether a handshake may proceed: not shutting down, and room for one more connection. */
    Optional<ApiProblem> admit() {
        if (!accepting) {
            return Optional.of(ApiProblem.serviceUnavailable("This node is shutting down; connect again"));
        }
        if (connections.size() >= settings.maxConnections()) {
            return Optional.of(ApiProblem.serviceUnavailable("This node holds as many live connections as it may"));
        }
        return Optional.empty();
    }

    /**
     * One of the client address's connection slots for a handshake, or a 429 when the address already holds
     * {@code DAWG_REALTIME_MAX_CONNECTIONS_PER_ADDRESS} connections on this node (other addresses still connect).
     */
    ConcurrencySlots<String>.Slot reserve(String address) {
        return addressSlots.take(address).orElseThrow(() -> ApiProblem.of(HttpStatus.TOO_MANY_REQUESTS, "RATE_LIMITED",
                        "At most " + addressSlots.limit() + " live connections from one address; close one, or retry in "
                                + SLOT_RETRY_SECONDS + " s")
                .withHeader(HttpHeaders.RETRY_AFTER, Long.toString(SLOT_RETRY_SECONDS))
                .with("retryAfterSeconds", SLOT_RETRY_SECONDS));
    }

    LiveConnection open(WebSocketSession session, SocketCaller caller, Channel channel, ConcurrencySlots<String>.Slot slot) {
        OutboundQueue queue = new OutboundQueue(session, channel, settings, metrics);
        ProjectFeeds feeds = new ProjectFeeds(session.getId(), caller, queue, channel == null ? Runnable::run : channel.eventLoop(),
                channels, history, access, messages, metrics, settings, System::nanoTime, Schedulers.parallel());
        LiveConnection connection = new LiveConnection(this, caller, channel, queue, feeds, settings, messages, json);
        connections.add(connection);
        metrics.connectionOpened();
        caller.user().ifPresent(user -> channels.join(RedisProjectEventPublisher.userChannel(user.id()), feeds));
        if (slot != null) {
            slots.put(connection, slot);
            if (!slot.handOver()) {
                // Its handshake was abandoned and gave the slot back meanwhile: this connection has no place.
                connection.close(CloseStatus.POLICY_VIOLATION.withReason("Too many connections from this address"), null);
            }
        }
        if (!accepting) {
            connection.close(LiveConnection.SHUTTING_DOWN, null);
        }
        return connection;
    }

    void closed(LiveConnection connection) {
        ConcurrencySlots<String>.Slot slot = slots.remove(connection);
        if (slot != null) {
            slot.release();
        }
        if (!connections.remove(connection)) {
            return;
        }
        metrics.connectionClosed();
        connection.release();
    }

    // ---- Redis

    @Override
    public void message(String channelName, String message) {
        ChannelRegistry.Channel channel = channels.channel(channelName);
        if (channel == null) {
            return;
        }
        if (channel.ownerChannel && message.startsWith(RedisUserEventPublisher.PREFIX)) {
            byte[] frame = RedisUserEventPublisher.frameOf(message, channel.id);
            if (frame != null) {
                metrics.received();
                for (ProjectFeeds feeds : channel.listeners) {
                    feeds.deliverToUser(frame);
                }
            }
            return;
        }
        PublishedEvent event = PublishedEvent.fromMessage(message);
        if (event == null) {
            log.debug("Ignoring a malformed message on {}", channelName);
            return;
        }
        if (event.isAccessChange()) {
            access.forget(event.projectId());
            for (ProjectFeeds feeds : channel.listeners) {
                feeds.deliverAccessChange(event.projectId());
            }
            return;
        }
        metrics.received();
        ProjectFeeds.fanOut(channel.listeners, event, channel.ownerChannel);
    }

    @Override
    public void subscribed(String channel) {
        channels.subscribed(channel);
    }

    @Override
    public void connectionLost() {
        if (!running) {
            return;
        }
        log.warn("Realtime hub lost its Redis subscriber connection; it resubscribes and catches up when Redis is back");
        channels.connectionLost();
    }

    // ---- heartbeat

    private void tick() {
        try {
            long now = System.nanoTime();
            Instant wallClock = Instant.now();
            for (LiveConnection connection : connections) {
                connection.tick(now, wallClock);
            }
            redis.probe();
            channels.reconcile();
            access.sweep();
        }
        catch (RuntimeException ex) {
            log.warn("Realtime heartbeat tick failed: {}", ex.toString());
        }
    }

    private Duration tickInterval() {
        Duration quarter = settings.heartbeatInterval().dividedBy(4);
        Duration interval = quarter.compareTo(Duration.ofSeconds(1)) > 0 ? Duration.ofSeconds(1) : quarter;
        return interval.compareTo(Duration.ofMillis(50)) < 0 ? Duration.ofMillis(50) : interval;
    }

    // ---- lifecycle

    @Override
    public void start() {
        accepting = true;
        running = true;
        ticker = Flux.interval(tickInterval(), Schedulers.parallel()).subscribe(tick -> tick());
    }

    @Override
    public void stop(Runnable callback) {
        accepting = false;
        if (!connections.isEmpty()) {
            log.info("Closing {} WebSocket connections (1001)", connections.size());
        }
        connections.forEach(connection -> connection.close(LiveConnection.SHUTTING_DOWN, null));
        Flux.interval(Duration.ofMillis(20))
                .filter(tick -> connections.isEmpty())
                .next()
                .timeout(settings.closeTimeout().plusSeconds(1))
                .onErrorResume(ex -> Mono.empty())
                .doFinally(signal -> {
                    Disposable current = ticker;
                    if (current != null) {
                        current.dispose();
                    }
                    running = false;
                    callback.run();
                })
                .subscribe();
    }

    @Override
    public void stop() {
        stop(() -> { });
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Stops first: before the web server's graceful shutdown, which would otherwise wait on open WebSockets. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE;
    }
}
