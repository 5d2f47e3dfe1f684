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
import dev.dawg.platform.web.RequestIds;
import dev.dawg.projects.ProjectWrites;

/**
 * Play counting: a listener (user, or address when anonymous) counts once per project per window, decided by
 * one Redis {@code SET NX PX} shared by every node, so a loop cannot inflate the count.
 *
 * <p>A play changes the play count alone, and is no change of the project to the other nodes: the database
 * announces none (see V14), so plays never drop the project's cached head anywhere. The node that counted it
 * puts the new count into its own cached head; other nodes show it once their copy expires
 * ({@code DAWG_PROJECT_HEAD_TTL}) or is dropped by a real change, and reads from the database are exact.
 */
@Component
class Plays {

    private static final Logger log = LoggerFactory.getLogger(Plays.class);

    private final DatabaseClient db;
    private final ProjectWrites projects;
    private final ReactiveStringRedisTemplate redis;
    private final Duration window;
    private final Counter skipped;

    Plays(DatabaseClient db, ProjectWrites projects, ReactiveStringRedisTemplate redis, DawgProperties properties, MeterRegistry meters) {
        this.db = db;
        this.projects = projects;
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
                    return RequestIds.logged(() -> log.warn("Play of project {} not counted, Redis could not be asked: {}", projectId, ex.toString()))
                            .thenReturn(false);
                })
                .flatMap(first -> !first ? Mono.just(false)
                        : db.sql("UPDATE projects SET play_count = play_count + 1 WHERE id = :id RETURNING play_count")
                                .bind("id", projectId)
                                .map(row -> row.get("play_count", Long.class))
                                .one()
                                .doOnNext(playCount -> projects.playCounted(projectId, playCount))
                                .hasElement());
    }
}
