package dev.dawg.trending;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;

import dev.dawg.events.ProjectActivity;
import dev.dawg.platform.scheduling.PeriodicPass;

/**
 * Keeps the trending scores ({@code trending_scores}, see V27) up to date, incrementally: activity is added up in
 * memory per project and written every {@code DAWG_TRENDING_FLUSH_INTERVAL} in one statement, each project's row per
 * period merged with what it had (a log-space sum). Ranking then reads the top of an index; nothing scans the
 * interactions. Activity still in memory when a node dies is lost: trending is a ranking, not a count (the counts
 * of likes, comments and plays are exact elsewhere).
 */
@Component
public class TrendingScores extends PeriodicPass implements ProjectActivity {

    private static final Logger log = LoggerFactory.getLogger(TrendingScores.class);

    /** Weight of each kind of activity: a remix or a comment says more than a like, a like more than a play. */
    static long weight(Kind kind) {
        return switch (kind) {
            case PLAY -> 1;
            case LIKE -> 3;
            case COMMENT -> 4;
            case REMIX -> 6;
        };
    }

    private static final String MERGE = """
            INSERT INTO trending_scores (period, project_id, log_score, last_activity_at)
            SELECT per.name, a.id, a.log_weight + per.exponent, :at
            FROM unnest(:ids::uuid[], :logWeights::float8[]) AS a (id, log_weight)
            CROSS JOIN unnest(:periods::text[], :exponents::float8[]) AS per (name, exponent)
            JOIN projects p ON p.id = a.id AND p.deleted_at IS NULL
            ON CONFLICT (period, project_id) DO UPDATE SET
                log_score = GREATEST(trending_scores.log_score, EXCLUDED.log_score)
                    + ln(1 + power(2::float8, GREATEST(LEAST(trending_scores.log_score, EXCLUDED.log_score)
                        - GREATEST(trending_scores.log_score, EXCLUDED.log_score), -1000))) / ln(2),
                last_activity_at = GREATEST(trending_scores.last_activity_at, EXCLUDED.last_activity_at)""";

    private final DatabaseClient db;
    private final Clock clock;
    private final Duration flushInterval;
    /** Weight per project since the last flush; {@code remove} takes a project's sum and a later {@code merge} starts anew. */
    private final Map<UUID, Long> pending = new ConcurrentHashMap<>();

    @Autowired
    TrendingScores(DatabaseClient db, @Value("${dawg.trending.flush-interval:2s}") Duration flushInterval) {
        this(db, flushInterval, Clock.systemUTC());
    }

    /** With another clock: tests write activity as of a moment of their choosing. */
    TrendingScores(DatabaseClient db, Duration flushInterval, Clock clock) {
        this.db = db;
        this.clock = clock;
        this.flushInterval = flushInterval;
    }

    @Override
    public void happened(UUID projectId, Kind kind) {
        pending.merge(projectId, weight(kind), Long::sum);
    }

    /** Writes what was added up since the last flush; how many projects it moved. */
    public Mono<Integer> flush() {
        List<UUID> ids = new ArrayList<>();
        List<Double> logWeights = new ArrayList<>();
        for (UUID id : List.copyOf(pending.keySet())) {
            Long weight = pending.remove(id);
            if (weight != null) {
                ids.add(id);
                logWeights.add(Math.log(weight) / Math.log(2));
            }
        }
        if (ids.isEmpty()) {
            return Mono.just(0);
        }
        Instant now = clock.instant();
        TrendingPeriod[] periods = TrendingPeriod.values();
        String[] names = new String[periods.length];
        Double[] exponents = new Double[periods.length];
        for (int i = 0; i < periods.length; i++) {
            names[i] = periods[i].wireName();
            exponents[i] = periods[i].exponent(now);
        }
        return db.sql(MERGE)
                .bind("ids", ids.toArray(UUID[]::new))
                .bind("logWeights", logWeights.toArray(Double[]::new))
                .bind("periods", names)
                .bind("exponents", exponents)
                .bind("at", now)
                .fetch().rowsUpdated()
                .thenReturn(ids.size());
    }

    /** Forgets the rows of projects with no activity within their period's window. */
    Mono<Long> sweep() {
        return Flux.fromArray(TrendingPeriod.values())
                .concatMap(period -> db.sql("DELETE FROM trending_scores WHERE period = :period AND last_activity_at < :before")
                        .bind("period", period.wireName())
                        .bind("before", clock.instant().minus(period.window()))
                        .fetch().rowsUpdated())
                .reduce(0L, Long::sum);
    }

    @Override
    protected Flux<?> ticks() {
        return Flux.interval(flushInterval, flushInterval);
    }

    @Override
    protected Mono<?> pass() {
        return flush().then(sweepNow() ? sweep() : Mono.empty());
    }

    private long passes; // only the pass, one at a time, touches it

    /** The sweep runs every 30th pass: a minute at the default interval. */
    private boolean sweepNow() {
        return ++passes % 30 == 0;
    }

    @Override
    protected String nextRun() {
        return "in " + flushInterval;
    }
}
