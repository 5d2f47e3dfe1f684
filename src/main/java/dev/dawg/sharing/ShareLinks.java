package dev.dawg.sharing;

import java.security.SecureRandom;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;

/** Storage of share links: creation with an unguessable token, the owner's list, changes, revocation, views. */
@Component
class ShareLinks {

    /** 256 random bits, URL-safe: far past guessing, and the token is the whole secret. */
    private static final int TOKEN_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final DatabaseClient db;

    ShareLinks(DatabaseClient db) {
        this.db = db;
    }

    static String newToken() {
        byte[] bytes = new byte[TOKEN_BYTES];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    Mono<ShareLink> create(UUID projectId, UUID createdBy, AccessLevel level, Instant expiresAt) {
        DatabaseClient.GenericExecuteSpec spec = db.sql("""
                        INSERT INTO share_links AS s (token, project_id, created_by, access_level, expires_at)
                        VALUES (:token, :projectId, :createdBy, :level, :expiresAt)
                        RETURNING""" + ShareLink.COLUMNS)
                .bind("token", newToken())
                .bind("projectId", projectId)
                .bind("createdBy", createdBy)
                .bind("level", level.wireName());
        spec = expiresAt == null ? spec.bindNull("expiresAt", OffsetDateTime.class)
                : spec.bind("expiresAt", expiresAt.atOffset(ZoneOffset.UTC));
        return spec.map(ShareLink::from).one();
    }

    /** The project's live (not revoked) links, newest first, after the keyset {@code (createdAt, token)}. */
    Flux<ShareLink> list(UUID projectId, int fetch, Instant afterCreatedAt, String afterToken) {
        String keyset = afterCreatedAt == null ? "" : " AND (s.created_at, s.token) < (:afterCreatedAt, :afterToken) ";
        DatabaseClient.GenericExecuteSpec spec = db.sql("SELECT" + ShareLink.COLUMNS + """
                        FROM share_links s
                        WHERE s.project_id = :projectId AND s.revoked_at IS NULL
                        """ + keyset + """
                        ORDER BY s.created_at DESC, s.token DESC LIMIT :fetch""")
                .bind("projectId", projectId)
                .bind("fetch", fetch);
        if (afterCreatedAt != null) {
            spec = spec.bind("afterCreatedAt", afterCreatedAt.atOffset(ZoneOffset.UTC)).bind("afterToken", afterToken);
        }
        return spec.map(ShareLink::from).all();
    }

    /** A live link of a project that still exists, with the project's owner; empty when revoked or unknown. */
    Mono<Map.Entry<ShareLink, UUID>> findLive(String token) {
        return db.sql("SELECT" + ShareLink.COLUMNS + """
                        , p.owner_id FROM share_links s JOIN projects p ON p.id = s.project_id AND p.deleted_at IS NULL
                        WHERE s.token = :token AND s.revoked_at IS NULL""")
                .bind("token", token)
                .map(row -> Map.entry(ShareLink.from(row), row.get("owner_id", UUID.class)))
                .one();
    }

    /**
     * Opens a link: counts the view and reads the project in full, in one statement, only while the link is
     * live and unexpired; empty otherwise (the caller then asks {@link #findLive} why).
     */
    Mono<Opened> open(String token) {
        return db.sql("""
                        UPDATE share_links s SET view_count = s.view_count + 1
                        FROM projects p
                        WHERE s.token = :token AND s.revoked_at IS NULL AND (s.expires_at IS NULL OR s.expires_at > now())
                          AND p.id = s.project_id AND p.deleted_at IS NULL
                        RETURNING s.token, s.access_level, s.expires_at AS share_expires_at, s.view_count,
                          s.created_at AS share_created_at,""" + SharedProject.COLUMNS)
                .bind("token", token)
                .map(row -> {
                    OffsetDateTime expires = row.get("share_expires_at", OffsetDateTime.class);
                    ShareLink link = new ShareLink(token, row.get("id", UUID.class),
                            AccessLevel.ofShareLevel(row.get("access_level", String.class)).orElseThrow(),
                            expires == null ? null : expires.toInstant(), row.get("view_count", Long.class),
                            row.get("share_created_at", OffsetDateTime.class).toInstant());
                    return new Opened(link, SharedProject.from(row), row.get("version", Integer.class));
                })
                .one();
    }

    /** A link as opened: the link after counting the view, the project in full, and the version it is at. */
    record Opened(ShareLink link, Map<String, Object> project, int version) {
    }

    /**
     * Changes a live link's level and/or expiry; {@code expiresAt} empty means "leave it", a present null
     * value removes the expiry.
     */
    Mono<ShareLink> update(String token, AccessLevel level, Optional<Optional<Instant>> expiresAt) {
        StringBuilder set = new StringBuilder();
        if (level != null) {
            set.append("access_level = :level");
        }
        if (expiresAt.isPresent()) {
            set.append(set.isEmpty() ? "" : ", ").append("expires_at = :expiresAt");
        }
        DatabaseClient.GenericExecuteSpec spec = db.sql("UPDATE share_links s SET " + set
                        + " WHERE s.token = :token AND s.revoked_at IS NULL RETURNING" + ShareLink.COLUMNS)
                .bind("token", token);
        if (level != null) {
            spec = spec.bind("level", level.wireName());
        }
        if (expiresAt.isPresent()) {
            spec = expiresAt.get().isPresent() ? spec.bind("expiresAt", expiresAt.get().get().atOffset(ZoneOffset.UTC))
                    : spec.bindNull("expiresAt", OffsetDateTime.class);
        }
        return spec.map(ShareLink::from).one();
    }

    /** Revokes a live link at once; false when it was not live. */
    Mono<Boolean> revoke(String token) {
        return db.sql("UPDATE share_links SET revoked_at = now() WHERE token = :token AND revoked_at IS NULL")
                .bind("token", token)
                .fetch().rowsUpdated()
                .map(updated -> updated > 0);
    }
}
