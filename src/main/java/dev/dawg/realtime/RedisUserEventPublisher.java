package dev.dawg.realtime;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Component;

import dev.dawg.events.UserEvent;
import dev.dawg.events.UserEventPublisher;
import dev.dawg.platform.web.RequestIds;

/**
 * Publishes a {@link UserEvent} on the user's Redis channel, the one every signed-in connection of theirs listens
 * to on every node (it also carries the events of the projects they own). The message is
 * {@code {"user":"<id>","frame":<the client's frame>}}, told apart from project events by its first member; the hub
 * hands the frame to the user's connections as it is. There is no history: a user event missed while away is
 * not replayed (clients reload, e.g. the unread count, when they reconnect).
 */
@Component
class RedisUserEventPublisher implements UserEventPublisher {

    private static final Logger log = LoggerFactory.getLogger(RedisUserEventPublisher.class);
    private static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(1);
    static final String PREFIX = "{\"user\":\"";
    private static final String FRAME = "\",\"frame\":";

    private final RealtimeRedis redis;
    private final JsonMapper json;
    private final RealtimeMetrics metrics;
    private final Clock clock = Clock.systemUTC();

    RedisUserEventPublisher(RealtimeRedis redis, JsonMapper json, RealtimeMetrics metrics) {
        this.redis = redis;
        this.json = json;
        this.metrics = metrics;
    }

    @Override
    public Mono<Void> publish(UserEvent event) {
        return Mono.defer(() -> {
                    String message = PREFIX + event.userId() + FRAME + frame(event) + "}";
                    return redis.commands().flatMap(commands -> commands.publish(RedisProjectEventPublisher.userChannel(event.userId()), message));
                })
                .timeout(PUBLISH_TIMEOUT)
                .doOnSuccess(receivers -> metrics.published())
                .onErrorResume(ex -> {
                    metrics.publishFailed();
                    return RequestIds.logged(() -> log.warn("Could not publish {} for user {}: {}", event.type(), event.userId(), ex.toString()));
                })
                .then();
    }

    /** The event as the user's clients receive it: {@code {"type","at","data"}}. */
    private String frame(UserEvent event) {
        Map<String, Object> frame = new LinkedHashMap<>();
        frame.put("type", event.type());
        frame.put("at", clock.instant().toString());
        frame.put("data", event.data());
        return json.writeValueAsString(frame);
    }

    /** The client's frame of a user event message for {@code userId}; null when the message is not one. */
    static byte[] frameOf(String message, UUID userId) {
        if (!message.startsWith(PREFIX) || !message.startsWith(FRAME, PREFIX.length() + 36) || !message.endsWith("}")
                || !message.regionMatches(PREFIX.length(), userId.toString(), 0, 36)) {
            return null;
        }
        return message.substring(PREFIX.length() + 36 + FRAME.length(), message.length() - 1).getBytes(StandardCharsets.UTF_8);
    }
}
