package dev.dawg.realtime;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.reactive.RedisReactiveCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import dev.dawg.platform.config.DawgProperties;
import dev.dawg.platform.redis.RedisReconnects;

/**
 * The hub's own two Redis connections, apart from the pool the rest of the server shares: one in subscriber
 * mode for the channels this node has local listeners for, one for publishing and reading event history. A client
 * of its own, since the hub must see its subscriber connection drop and replace a frozen link, which Spring Data
 * Redis's shared connection hides; on the same event loops, with the same reconnect policy ({@link RedisReconnects}).
 *
 * <p>Both fail fast while Redis is away (a REST write never waits for a publish that cannot happen), reconnect
 * within two seconds of its return, and Lettuce then subscribes to the same channels again by itself. The first
 * connection is retried in the background, so the server starts, and serves REST, without Redis.
 *
 * <p>A link that freezes without a reset (a stalled NAT entry, a peer gone without a word) leaves a connection
 * open that Lettuce never reconnects: the node would silently stop receiving events. So the hub's heartbeat
 * {@link #probe() probes} both connections with a PING; one left unanswered past the command timeout has both
 * replaced by fresh ones, and the hub subscribes its channels again and catches up from the history.
 */
@Component
class RealtimeRedis implements SmartLifecycle {

    /** Started before the web server and stopped after it, so requests still draining can publish. */
    static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

    private static final Logger log = LoggerFactory.getLogger(RealtimeRedis.class);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(2);

    /** What the hub hears from the subscriber connection. */
    interface Listener {

        void message(String channel, String message);

        void subscribed(String channel);

        void connectionLost();
    }

    private final ClientResources resources;
    private final RedisURI subscriberUri;
    private final RedisURI commandsUri;
    private final String nodeId;
    private volatile Listener listener;
    private volatile RedisClient client;
    private volatile StatefulRedisPubSubConnection<String, String> subscriber;
    private volatile StatefulRedisConnection<String, String> commands;
    private volatile Disposable connecting;
    private volatile boolean running;
    private final AtomicBoolean probing = new AtomicBoolean();

    RealtimeRedis(DawgProperties properties, ClientResources sharedResources) {
        this.nodeId = UUID.randomUUID().toString().substring(0, 8);
        RedisURI uri = RedisURI.create(properties.redis().url());
        uri.setTimeout(COMMAND_TIMEOUT);
        this.subscriberUri = RedisURI.builder(uri).withClientName("dawg-realtime-sub-" + nodeId).build();
        this.commandsUri = RedisURI.builder(uri).withClientName("dawg-realtime-cmd-" + nodeId).build();
        this.resources = sharedResources;
    }

    /** A client per start: a stopped one cannot be started again (test contexts are paused and resumed). */
    private RedisClient newClient() {
        RedisClient created = RedisClient.create(resources);
        created.setOptions(RedisReconnects.rejectCommandsWhileDisconnected(ClientOptions.builder())
                .timeoutOptions(TimeoutOptions.enabled(COMMAND_TIMEOUT))
                .build());
        created.addListener(new RedisConnectionStateListener() {
            @Override
            public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
                Listener current = listener;
                if (connection == subscriber && current != null) {
                    current.connectionLost();
                }
            }
        });
        return created;
    }

    void listen(Listener listener) {
        this.listener = listener;
    }

    /** Distinguishes this node's connections in {@code CLIENT LIST} ({@code dawg-realtime-sub-<nodeId>}). */
    String nodeId() {
        return nodeId;
    }

    boolean subscriberConnected() {
        StatefulRedisPubSubConnection<String, String> connection = subscriber;
        return connection != null && connection.isOpen();
    }

    /** Publishing and history commands; fails at once while Redis is unreachable. */
    Mono<RedisReactiveCommands<String, String>> commands() {
        StatefulRedisConnection<String, String> connection = commands;
        return connection != null && connection.isOpen() ? Mono.just(connection.reactive())
                : Mono.error(new RedisUnavailableException());
    }

    CompletionStage<Void> subscribe(String channel) {
        StatefulRedisPubSubConnection<String, String> connection = subscriber;
        if (connection == null || !connection.isOpen()) {
            return CompletableFuture.failedFuture(new RedisUnavailableException());
        }
        return connection.async().subscribe(channel);
    }

    void unsubscribe(String channel) {
        StatefulRedisPubSubConnection<String, String> connection = subscriber;
        if (connection != null && connection.isOpen()) {
            // Nothing to wait for: a late message for a channel nobody listens to any more is dropped.
            connection.async().unsubscribe(channel);
        }
    }

    @Override
    public void start() {
        RedisClient client = newClient();
        this.client = client;
        running = true;
        connecting = Mono.when(connectSubscriber(client), connectCommands(client))
                .subscribe(done -> { }, ex -> log.error("Realtime Redis connections gave up: {}", ex.toString()),
                        () -> log.info("Realtime hub connected to Redis (node {})", nodeId));
    }

    private Mono<Void> connectSubscriber(RedisClient client) {
        return Mono.defer(() -> Mono.fromCompletionStage(client.connectPubSubAsync(StringCodec.UTF8, subscriberUri)))
                .retryWhen(untilConnected("subscriber"))
                .doOnNext(this::attach)
                .then();
    }

    private Mono<Void> connectCommands(RedisClient client) {
        return Mono.defer(() -> Mono.fromCompletionStage(client.connectAsync(StringCodec.UTF8, commandsUri)))
                .retryWhen(untilConnected("commands"))
                .doOnNext(connection -> commands = connection)
                .then();
    }

    /**
     * Called on every heartbeat tick: PINGs both connections, one probe at a time, while both are open (a closed one
     * is Lettuce's to reconnect). A PING unanswered within the command timeout means the link froze: both
     * connections are replaced.
     */
    void probe() {
        StatefulRedisPubSubConnection<String, String> probedSubscriber = subscriber;
        StatefulRedisConnection<String, String> probedCommands = commands;
        if (!running || probedSubscriber == null || probedCommands == null || !probedSubscriber.isOpen() || !probedCommands.isOpen()
                || !probing.compareAndSet(false, true)) {
            return;
        }
        CompletableFuture<String> subscriberPong = probedSubscriber.async().ping().toCompletableFuture();
        CompletableFuture<String> commandsPong = probedCommands.async().ping().toCompletableFuture();
        CompletableFuture.allOf(subscriberPong, commandsPong).whenComplete((pongs, ex) -> {
            probing.set(false);
            Throwable failure = ex instanceof CompletionException wrapped ? wrapped.getCause() : ex;
            if (failure instanceof RedisCommandTimeoutException) {
                replace(probedSubscriber, probedCommands);
            }
        });
    }

    /** Drops both connections of a frozen link and connects afresh: the commands one first, which catch-ups need. */
    private void replace(StatefulRedisPubSubConnection<String, String> frozenSubscriber, StatefulRedisConnection<String, String> frozenCommands) {
        RedisClient current = client;
        Listener currentListener = listener;
        synchronized (this) {
            if (!running || current == null || subscriber != frozenSubscriber || commands != frozenCommands) {
                return;
            }
            subscriber = null;
            commands = null;
        }
        log.warn("Realtime hub's Redis link froze (a PING went unanswered for {}); reconnecting", COMMAND_TIMEOUT);
        frozenSubscriber.closeAsync();
        frozenCommands.closeAsync();
        if (currentListener != null) {
            currentListener.connectionLost();
        }
        connecting = connectCommands(current).then(connectSubscriber(current))
                .subscribe(done -> { }, ex -> log.error("Realtime Redis connections gave up: {}", ex.toString()),
                        () -> log.info("Realtime hub reconnected to Redis (node {})", nodeId));
    }

    private Retry untilConnected(String which) {
        return Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(200)).maxBackoff(Duration.ofSeconds(5))
                .filter(ex -> running)
                .doBeforeRetry(signal -> {
                    if (signal.totalRetries() == 0) {
                        log.warn("Realtime hub cannot reach Redis yet ({} connection: {}); retrying in the background",
                                which, signal.failure().toString());
                    }
                });
    }

    private void attach(StatefulRedisPubSubConnection<String, String> connection) {
        connection.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String message) {
                Listener current = listener;
                if (current != null) {
                    current.message(channel, message);
                }
            }

            @Override
            public void subscribed(String channel, long count) {
                Listener current = listener;
                if (current != null) {
                    current.subscribed(channel);
                }
            }
        });
        subscriber = connection;
    }

    @Override
    public void stop(Runnable callback) {
        running = false;
        Disposable pending = connecting;
        if (pending != null) {
            pending.dispose();
        }
        RedisClient stopping = client;
        client = null;
        subscriber = null;
        commands = null;
        if (stopping == null) {
            callback.run();
            return;
        }
        stopping.shutdownAsync(0, 2, TimeUnit.SECONDS).whenComplete((ok, ex) -> callback.run());
    }

    @Override
    public void stop() {
        stop(() -> { });
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    /** Redis cannot be reached right now; the caller degrades (no publish, an error to the subscriber). */
    static final class RedisUnavailableException extends IllegalStateException {

        RedisUnavailableException() {
            super("Redis is not reachable");
        }
    }
}
