package dev.dawg.realtime;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.stereotype.Component;

/**
 * The publishing side of the realtime hub: features hand it their {@link ProjectEvent}s after a write has
 * committed. Publishing never fails the caller's write: when Redis cannot be reached the event is logged and
 * counted, and live clients catch up by reloading.
 */
@Component
public class ProjectEvents {

    private static final Logger log = LoggerFactory.getLogger(ProjectEvents.class);
    private static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(1);

    private final ReactiveStringRedisTemplate redis;
    private final JsonMapper json;
    private final Counter failures;

    ProjectEvents(ReactiveStringRedisTemplate redis, JsonMapper json, MeterRegistry meters) {
        this.redis = redis;
        this.json = json;
        this.failures = Counter.builder("dawg.realtime.publish.failures")
                .description("Events that could not be published to Redis").register(meters);
    }

    static String projectChannel(UUID projectId) {
        return "dawg:events:project:" + projectId;
    }

    static String userChannel(UUID userId) {
        return "dawg:events:user:" + userId;
    }

    /** Publishes the event; completes empty whether or not Redis took it. */
    public Mono<Void> publish(ProjectEvent event) {
        String message = json.writeValueAsString(wireFormat(event, UUID.randomUUID().toString(), Instant.now()));
        Mono<Long> toSubscribers = event.ownerOnly() ? Mono.just(0L) : redis.convertAndSend(projectChannel(event.projectId()), message);
        Mono<Long> toOwner = redis.convertAndSend(userChannel(event.ownerId()), message);
        return toSubscribers.then(toOwner)
                .timeout(PUBLISH_TIMEOUT)
                .doOnError(ex -> {
                    failures.increment();
                    log.warn("Could not publish {} for project {}: {}", event.type(), event.projectId(), ex.toString());
                })
                .onErrorComplete()
                .then();
    }

    /** The event as clients receive it (see the contract's Realtime section). */
    static Map<String, Object> wireFormat(ProjectEvent event, String eventId, Instant at) {
        Map<String, Object> wire = new LinkedHashMap<>();
        wire.put("type", event.type());
        wire.put("projectId", event.projectId());
        wire.put("eventId", eventId);
        wire.put("at", at);
        wire.put("actor", event.actor());
        wire.put("data", event.data());
        return wire;
    }
}
