package dev.dawg.social;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.UUID;

import io.r2dbc.spi.Readable;

/** A comment on a project as clients see it; {@code parentId} threads replies (null for a top-level comment). */
public record Comment(UUID id, UUID projectId, UUID parentId, String text, Author author, Instant createdAt) {

    /** Who wrote it. */
    public record Author(UUID id, String username, String displayName, String avatarUrl) {
    }

    /** The columns {@link #from} reads, over {@code comments c JOIN users u ON u.id = c.author_id}. */
    static final String COLUMNS = " c.id, c.project_id, c.parent_id, c.body, c.created_at, c.author_id, u.username, u.display_name, u.avatar_url ";

    static Comment from(Readable row) {
        return new Comment(row.get("id", UUID.class), row.get("project_id", UUID.class), row.get("parent_id", UUID.class),
                row.get("body", String.class),
                new Author(row.get("author_id", UUID.class), row.get("username", String.class), row.get("display_name", String.class),
                        row.get("avatar_url", String.class)),
                row.get("created_at", OffsetDateTime.class).toInstant());
    }
}
