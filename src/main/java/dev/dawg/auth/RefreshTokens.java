package dev.dawg.auth;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;

import dev.dawg.platform.config.DawgProperties;
import dev.dawg.platform.web.ApiProblem;

/**
 * Opaque refresh tokens in families: each token works once and is replaced by the next of its family; a token
 * presented again after use means it leaked, so the whole family (every session descended from that sign-in)
 * is revoked. The "use" is one conditional UPDATE, so of two concurrent refreshes exactly one wins; the loser (a
 * token used less than {@code dawg.auth.refresh-race-window} ago) is refused without revoking the family, so two
 * tabs refreshing at once do not sign each other out.
 */
@Component
class RefreshTokens {

    static final String PREFIX = "rt_";

    private final DatabaseClient db;
    private final TransactionalOperator transactions;
    private final Duration ttl;
    private final Duration raceWindow;

    RefreshTokens(DatabaseClient db, TransactionalOperator transactions, DawgProperties properties) {
        this.db = db;
        this.transactions = transactions;
        this.ttl = properties.auth().refreshTokenTtl();
        this.raceWindow = properties.auth().refreshRaceWindow();
    }

    /** Starts a new family (a new sign-in) and returns its first token. */
    Mono<String> startFamily(UUID userId) {
        return db.sql("INSERT INTO refresh_token_families (user_id) VALUES (:userId) RETURNING id")
                .bind("userId", userId)
                .map(row -> row.get("id", UUID.class))
                .one()
                .flatMap(familyId -> issue(familyId, userId))
                .as(transactions::transactional);
    }

    /** Spends {@code token} and returns the user it belonged to with the next token of its family. */
    Mono<Rotation> rotate(String token) {
        byte[] hash = SecretTokens.sha256(token);
        return db.sql("""
                        UPDATE refresh_tokens t SET used_at = now()
                        FROM refresh_token_families f
                        WHERE t.token_hash = :hash AND t.used_at IS NULL AND t.expires_at > now()
                          AND f.id = t.family_id AND f.revoked_at IS NULL
                        RETURNING t.family_id, t.user_id""")
                .bind("hash", hash)
                .map(row -> new Spent(row.get("family_id", UUID.class), row.get("user_id", UUID.class)))
                .one()
                .flatMap(spent -> issue(spent.familyId(), spent.userId()).map(next -> new Rotation(spent.userId(), next)))
                .as(transactions::transactional)
                .switchIfEmpty(Mono.defer(() -> refuse(hash)));
    }

    /**
     * The user a refresh token that can still be spent was issued to (for per-account limits); empty when it is
     * unknown, used, expired or revoked, so a dead token of someone else's cannot spend that account's budget.
     */
    Mono<UUID> ownerOf(String token) {
        return db.sql("""
                        SELECT t.user_id FROM refresh_tokens t JOIN refresh_token_families f ON f.id = t.family_id
                        WHERE t.token_hash = :hash AND t.used_at IS NULL AND t.expires_at > now() AND f.revoked_at IS NULL""")
                .bind("hash", SecretTokens.sha256(token))
                .map(row -> row.get("user_id", UUID.class))
                .one();
    }

    /** Revokes the family of {@code token}, whatever state the token is in; unknown tokens are ignored. */
    Mono<Void> revokeFamilyOf(String token) {
        return db.sql("""
                        UPDATE refresh_token_families f SET revoked_at = coalesce(f.revoked_at, now())
                        FROM refresh_tokens t WHERE t.token_hash = :hash AND f.id = t.family_id""")
                .bind("hash", SecretTokens.sha256(token))
                .fetch().rowsUpdated().then();
    }

    private Mono<Rotation> refuse(byte[] hash) {
        // Used moments ago: another request of the same client won the race, and its new token must keep working.
        // Used earlier: the token is being replayed, so everything descended from it is revoked.
        Mono<Boolean> lostRace = db.sql("""
                        WITH used AS (
                            SELECT family_id, used_at >= now() - make_interval(secs => :windowSeconds) AS raced
                            FROM refresh_tokens WHERE token_hash = :hash AND used_at IS NOT NULL),
                        revoked AS (
                            UPDATE refresh_token_families f SET revoked_at = coalesce(f.revoked_at, now())
                            FROM used WHERE f.id = used.family_id AND NOT used.raced)
                        SELECT raced FROM used""")
                .bind("hash", hash)
                .bind("windowSeconds", raceWindow.toMillis() / 1000.0)
                .map(row -> Boolean.TRUE.equals(row.get("raced", Boolean.class)))
                .one()
                .defaultIfEmpty(false);
        return lostRace.flatMap(raced -> Mono.error(raced
                ? ApiProblem.unauthorized("This refresh token was just used by another request; use the tokens that request received")
                : ApiProblem.unauthorized("The refresh token is invalid, expired or already used; sign in again")));
    }

    private Mono<String> issue(UUID familyId, UUID userId) {
        String token = PREFIX + SecretTokens.random(32);
        return db.sql("INSERT INTO refresh_tokens (token_hash, family_id, user_id, expires_at) VALUES (:hash, :familyId, :userId, :expiresAt)")
                .bind("hash", SecretTokens.sha256(token))
                .bind("familyId", familyId)
                .bind("userId", userId)
                .bind("expiresAt", OffsetDateTime.now(ZoneOffset.UTC).plus(ttl))
                .fetch().rowsUpdated()
                .thenReturn(token);
    }

    Duration ttl() {
        return ttl;
    }

    private record Spent(UUID familyId, UUID userId) {
    }

    /** The outcome of a successful refresh. */
    record Rotation(UUID userId, String nextToken) {
    }
}
