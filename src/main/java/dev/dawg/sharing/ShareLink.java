package dev.dawg.sharing;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.UUID;

import io.r2dbc.spi.Readable;

/** A share link as stored: a bearer token opening one project at one level, until it expires or is revoked. */
record ShareLink(String token, UUID projectId, AccessLevel accessLevel, Instant expiresAt, long viewCount, Instant createdAt) {

    static final String COLUMNS = " s.token, s.project_id, s.access_level, s.expires_at, s.view_count, s.created_at ";

    static ShareLink from(Readable row) {
        OffsetDateTime expires = row.get("expires_at", OffsetDateTime.class);
        return new ShareLink(row.get("token", String.class), row.get("project_id", UUID.class),
                AccessLevel.ofShareLevel(row.get("access_level", String.class)).orElseThrow(),
                expires == null ? null : expires.toInstant(), row.get("view_count", Long.class),
                row.get("created_at", OffsetDateTime.class).toInstant());
    }

    boolean isExpired(Instant now) {
        return expiresAt != null && !expiresAt.isAfter(now);
    }
}
