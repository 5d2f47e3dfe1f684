package dev.dawg.social;

import java.time.Duration;
import java.util.UUID;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;

import dev.dawg.platform.config.DawgProperties;
import dev.dawg.projects.ProjectHeads;

/**
 * Play counting: a listener (user, or address when anonymous) counts once per project per window, decided by
 * one Redis {@code SET NX PX} shared by every node, so a loop cannot inflate the count.
 */
@Component
class Plays {

    private static final Logger log = LoggerFactory.getLogger(Plays.class);

    private final DatabaseClient db;
    private final ProjectHeads heads;
    private final ReactiveStringRedisTemplate redis;
    private final Duration window;
    private final Counter skipped;

    Plays(DatabaseClient db, ProjectHeads heads, ReactiveStringRedisTemplate redis, DawgProperties properties, MeterRegistry meters) {
        this.db = db;
        this.heads = heads;
        this.redis = redis;
        this.window = properties.social().playDedupeWindow();
        this.skipped = Counter.builder("dawg.social.plays.skipped")
                .description("Plays not counted because Redis could not be asked").register(meters);
    }

    /** Counts the play unless this listener played the project within the window; true when it counted. */
    Mono<Boolean> count(UUID projectId, String listener) {
        return redis.opsForValue().setIfAbsent("dawg:plays:" + projectId + ":" + listener, "1", window)
                .timeout(Duration.ofSeconds(1))
                .onErrorResume(ex -> {
                    // Without Redis a play cannot be deduplicated; not counting it is the choice that cannot inflate.
                    skipped.increment();
                    log.warn("Play of project {} not counted, Redis could not be asked: {}", projectId, ex.toString());
                    return Mono.just(false);
                })
                .flatMap(first -> !first ? Mono.just(false)
                        : db.sql("UPDATE projects SET play_count = play_count + 1 WHERE id = :id")
                                .bind("id", projectId)
                                .fetch().rowsUpdated()
                                .doOnNext(updated -> heads.changed(projectId))
                                .map(updated -> updated > 0));
    }
}
