package dev.dawg.assets;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.UUID;

import io.r2dbc.spi.Readable;

/** A folder of a user's personal sample library; folders nest through {@code parentId} (null at the top level). */
public record AssetFolder(UUID id, UUID ownerId, UUID parentId, String name, Instant createdAt) {

    static final String COLUMNS = " f.id, f.owner_id, f.parent_id, f.name, f.created_at ";

    static AssetFolder from(Readable row) {
        return new AssetFolder(row.get("id", UUID.class), row.get("owner_id", UUID.class), row.get("parent_id", UUID.class),
                row.get("name", String.class), row.get("created_at", OffsetDateTime.class).toInstant());
    }

    /** The folder as the API shows it. */
    public View view() {
        return new View(id, parentId, name, createdAt);
    }

    /** The JSON body of a folder. */
    public record View(UUID id, UUID parentId, String name, Instant createdAt) {
    }
}
