package dev.dawg.auth;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;

import dev.dawg.platform.scheduling.PeriodicPass;

/**
 * The periodic, non-blocking cleanup each node runs: refresh tokens past their expiry (used or not: neither can
 * be spent any more) are deleted in bounded batches, then the families left without a token. Nodes sweeping at
 * once skip each other's rows ({@code FOR UPDATE SKIP LOCKED}).
 */
@Component
class RefreshTokenSweeper extends PeriodicPass {

    private static final Logger log = LoggerFactory.getLogger(RefreshTokenSweeper.class);
    static final Duration INTERVAL = Duration.ofMinutes(10);
    static final int BATCH = 1000;
    /** At most this many batches a pass, so one pass never holds the database for long; the next goes on. */
    static final int MAX_BATCHES = 20;

    private final DatabaseClient db;
    private final TransactionalOperator transactions;

    RefreshTokenSweeper(DatabaseClient db, TransactionalOperator transactions) {
        this.db = db;
        this.transactions = transactions;
    }

    /** One pass: how many token rows were deleted. */
    Mono<Long> sweep() {
        return sweepBatch()
                .expand(deleted -> deleted == BATCH ? sweepBatch() : Mono.empty())
                .take(MAX_BATCHES)
                .reduce(0L, Long::sum)
                .doOnNext(total -> {
                    if (total > 0) {
                        log.info("Refresh token sweep deleted {} expired tokens", total);
                    }
                });
    }

    private Mono<Long> sweepBatch() {
        // A minute past expiry, so a refresh that began just before the token expired is never cut short.
        return db.sql("""
                        DELETE FROM refresh_tokens WHERE token_hash IN (
                            SELECT token_hash FROM refresh_tokens WHERE expires_at < now() - interval '1 minute'
                            ORDER BY expires_at LIMIT :batch FOR UPDATE SKIP LOCKED)
                        RETURNING family_id""")
                .bind("batch", BATCH)
                .map(row -> row.get("family_id", UUID.class))
                .all()
                .collectList()
                .flatMap(families -> deleteEmptyFamilies(families).thenReturn((long) families.size()))
                // One transaction: families whose last token went are deleted with it, or the tokens stay too.
                .as(transactions::transactional);
    }

    /** A family without tokens can gain none (only spending one of its tokens issues the next). */
    private Mono<Long> deleteEmptyFamilies(List<UUID> families) {
        if (families.isEmpty()) {
            return Mono.just(0L);
        }
        return db.sql("""
                        DELETE FROM refresh_token_families f WHERE f.id = ANY(:ids)
                          AND NOT EXISTS (SELECT 1 FROM refresh_tokens t WHERE t.family_id = f.id)""")
                .bind("ids", families.stream().distinct().toArray(UUID[]::new))
                .fetch().rowsUpdated();
    }

    @Override
    protected Flux<Long> ticks() {
        return Flux.interval(INTERVAL, INTERVAL);
    }

    @Override
    protected Mono<Long> pass() {
        return sweep();
    }

    @Override
    protected String nextRun() {
        return "in " + INTERVAL;
    }
}
