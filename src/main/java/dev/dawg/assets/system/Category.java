package dev.dawg.assets.system;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.UUID;

import io.r2dbc.spi.Readable;

/** A category of the sample library (kicks, pads...): its slug names it in URLs and on each sample. */
public record Category(UUID id, String slug, String name, String description, int sortOrder, long sampleCount, Instant createdAt,
        Instant updatedAt) {

    static final String COLUMNS = " c.id, c.slug, c.name, c.description, c.sort_order, c.created_at, c.updated_at, "
            + "(SELECT count(*) FROM assets x WHERE x.category = c.slug AND x.project_id IS NULL AND x.owner_id IS NULL) AS sample_count ";

    static Category from(Readable row) {
        return new Category(row.get("id", UUID.class), row.get("slug", String.class), row.get("name", String.class),
                row.get("description", String.class), row.get("sort_order", Integer.class), row.get("sample_count", Long.class),
                row.get("created_at", OffsetDateTime.class).toInstant(), row.get("updated_at", OffsetDateTime.class).toInstant());
    }
}
