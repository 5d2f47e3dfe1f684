package dev.dawg.assets.system;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

import io.r2dbc.spi.Readable;

/** A pack of the sample library: a named collection of samples, shown to everyone while active. */
public record Pack(UUID id, String slug, String name, String description, UUID categoryId, List<String> tags, boolean active,
        boolean featured, long sampleCount, Instant createdAt, Instant updatedAt) {

    static final String COLUMNS = " p.id, p.slug, p.name, p.description, p.category_id, p.tags, p.is_active, p.is_featured, p.created_at, "
            + "p.updated_at, (SELECT count(*) FROM system_samples x WHERE x.pack_id = p.id) AS sample_count ";

    static Pack from(Readable row) {
        return new Pack(row.get("id", UUID.class), row.get("slug", String.class), row.get("name", String.class),
                row.get("description", String.class), row.get("category_id", UUID.class), List.of(row.get("tags", String[].class)),
                row.get("is_active", Boolean.class), row.get("is_featured", Boolean.class), row.get("sample_count", Long.class),
                row.get("created_at", OffsetDateTime.class).toInstant(), row.get("updated_at", OffsetDateTime.class).toInstant());
    }
}
