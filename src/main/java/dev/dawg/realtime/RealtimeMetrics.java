package dev.dawg.realtime;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.stereotype.Component;

/**
 * The hub's meters ({@code /actuator/prometheus}): connections, subscriptions and Redis channels held by this
 * node, events published, received from Redis and sent to clients, resyncs, and connections dropped by reason.
 */
@Component
class RealtimeMetrics {

    private final MeterRegistry registry;
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger subscriptions = new AtomicInteger();
    private final Counter published;
    private final Counter publishFailures;
    private final Counter received;
    private final Counter sentLive;
    private final Counter sentReplayed;
    private final Counter resyncs;
    private final Map<String, Counter> drops = new ConcurrentHashMap<>();

    RealtimeMetrics(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("dawg.realtime.connections", connections, AtomicInteger::get)
                .description("Open WebSocket connections on this node").register(registry);
        Gauge.builder("dawg.realtime.subscriptions", subscriptions, AtomicInteger::get)
                .description("Projects followed by the connections of this node").register(registry);
        this.published = Counter.builder("dawg.realtime.events.published").description("Events published to Redis").register(registry);
        this.publishFailures = Counter.builder("dawg.realtime.publish.failures")
                .description("Events that could not be published to Redis").register(registry);
        this.received = Counter.builder("dawg.realtime.events.received")
                .description("Event messages this node received from Redis").register(registry);
        this.sentLive = Counter.builder("dawg.realtime.events.sent").tag("source", "live")
                .description("Events written to WebSocket clients").register(registry);
        this.sentReplayed = Counter.builder("dawg.realtime.events.sent").tag("source", "replay")
                .description("Events written to WebSocket clients").register(registry);
        this.resyncs = Counter.builder("dawg.realtime.resyncs")
                .description("Subscriptions told to reload because the history did not reach back").register(registry);
    }

    void channelsGauge(Supplier<Number> channels) {
        Gauge.builder("dawg.realtime.redis.channels", channels).description("Redis channels this node subscribes to")
                .register(registry);
    }

    void connectionOpened() {
        connections.incrementAndGet();
    }

    void connectionClosed() {
        connections.decrementAndGet();
    }

    void subscriptionsChanged(int delta) {
        subscriptions.addAndGet(delta);
    }

    void published() {
        published.increment();
    }

    void publishFailed() {
        publishFailures.increment();
    }

    void received() {
        received.increment();
    }

    void sent(boolean replayed) {
        (replayed ? sentReplayed : sentLive).increment();
    }

    void resync() {
        resyncs.increment();
    }

    /** A connection closed by the server: {@code slow_consumer}, {@code heartbeat}, {@code rate_limited}... */
    void dropped(String reason) {
        drops.computeIfAbsent(reason, key -> Counter.builder("dawg.realtime.drops").tag("reason", key)
                .description("Connections the server closed, by reason").register(registry)).increment();
    }
}
