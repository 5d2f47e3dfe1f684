package dev.dawg.auth;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import io.r2dbc.spi.Readable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;

import dev.dawg.users.Role;

/**
 * API keys for bots and scripts: {@code dawg_<prefix>_<secret>}; only a digest is stored, the prefix is shown in
 * listings so owners can tell keys apart. Every request looks the key up, so a revocation takes effect at once.
 */
@Component
class ApiKeys {

    static final String PREFIX = "dawg_";
    static final int MAX_KEYS_PER_USER = 50;

    private final DatabaseClient db;

    ApiKeys(DatabaseClient db) {
        this.db = db;
    }

    /** A key as listed: never its secret. */
    record ApiKey(UUID id, String name, List<String> scopes, String prefix, Instant createdAt, Instant lastUsedAt) {
    }

    /** A freshly created key: the only time its secret is shown. */
    record CreatedApiKey(UUID id, String name, List<String> scopes, String prefix, String key, Instant createdAt) {
    }

    /** The owner and scopes of a valid key. */
    record KeyOwner(UUID userId, String username, Set<Role> roles, Set<Scope> scopes) {
    }

    Mono<CreatedApiKey> create(UUID userId, String name, Set<Scope> scopes) {
        String prefix = SecretTokens.random(6).replace('-', 'x').replace('_', 'y');
        String key = PREFIX + prefix + "_" + SecretTokens.random(32);
        String[] scopeNames = scopes.stream().map(Scope::value).sorted().toArray(String[]::new);
        return db.sql("""
                        INSERT INTO api_keys (user_id, name, prefix, secret_hash, scopes)
                        SELECT :userId, :name, :prefix, :hash, :scopes
                        WHERE (SELECT count(*) FROM api_keys WHERE user_id = :userId AND revoked_at IS NULL) < :max
                        RETURNING id, created_at""")
                .bind("userId", userId)
                .bind("name", name)
                .bind("prefix", PREFIX + prefix)
                .bind("hash", SecretTokens.sha256(key))
                .bind("scopes", scopeNames)
                .bind("max", MAX_KEYS_PER_USER)
                .map(row -> new CreatedApiKey(row.get("id", UUID.class), name, List.of(scopeNames), PREFIX + prefix, key,
                        row.get("created_at", OffsetDateTime.class).toInstant()))
                .one()
                .switchIfEmpty(Mono.error(() -> dev.dawg.platform.web.ApiProblem.conflict(
                        "You already have " + MAX_KEYS_PER_USER + " active API keys; revoke one first")));
    }

    Flux<ApiKey> list(UUID userId) {
        return db.sql("SELECT id, name, scopes, prefix, created_at, last_used_at FROM api_keys WHERE user_id = :userId AND revoked_at IS NULL ORDER BY created_at DESC")
                .bind("userId", userId)
                .map(ApiKeys::toApiKey)
                .all();
    }

    /** Revokes the caller's own key; false when there is no such active key of theirs. */
    Mono<Boolean> revoke(UUID userId, UUID keyId) {
        return db.sql("UPDATE api_keys SET revoked_at = now() WHERE id = :id AND user_id = :userId AND revoked_at IS NULL")
                .bind("id", keyId).bind("userId", userId)
                .fetch().rowsUpdated().map(count -> count > 0);
    }

    Mono<KeyOwner> authenticate(String key) {
        if (!key.startsWith(PREFIX) || key.length() > 200) {
            return Mono.empty();
        }
        return db.sql("""
                        SELECT k.id, k.user_id, k.scopes, k.last_used_at < now() - interval '1 minute' OR k.last_used_at IS NULL AS stale,
                               u.username, u.roles
                        FROM api_keys k JOIN users u ON u.id = k.user_id
                        WHERE k.secret_hash = :hash AND k.revoked_at IS NULL""")
                .bind("hash", SecretTokens.sha256(key))
                .map(row -> new Lookup(row.get("id", UUID.class), Boolean.TRUE.equals(row.get("stale", Boolean.class)),
                        new KeyOwner(row.get("user_id", UUID.class), row.get("username", String.class),
                                toRoles(row.get("roles", String[].class)), toScopes(row.get("scopes", String[].class)))))
                .one()
                // Recording use at most once a minute keeps a busy bot from turning every read into a write.
                .flatMap(lookup -> lookup.stale()
                        ? db.sql("UPDATE api_keys SET last_used_at = now() WHERE id = :id").bind("id", lookup.keyId())
                                .fetch().rowsUpdated().thenReturn(lookup.owner())
                        : Mono.just(lookup.owner()));
    }

    private record Lookup(UUID keyId, boolean stale, KeyOwner owner) {
    }

    private static Set<Role> toRoles(String[] names) {
        Set<Role> roles = EnumSet.noneOf(Role.class);
        Arrays.stream(names).forEach(name -> roles.add(Role.valueOf(name)));
        return roles;
    }

    private static ApiKey toApiKey(Readable row) {
        OffsetDateTime lastUsed = row.get("last_used_at", OffsetDateTime.class);
        return new ApiKey(row.get("id", UUID.class), row.get("name", String.class), List.of(row.get("scopes", String[].class)),
                row.get("prefix", String.class), row.get("created_at", OffsetDateTime.class).toInstant(),
                lastUsed == null ? null : lastUsed.toInstant());
    }

    private static Set<Scope> toScopes(String[] names) {
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        Arrays.stream(names).forEach(name -> Scope.parse(name).ifPresent(scopes::add));
        return scopes;
    }
}
