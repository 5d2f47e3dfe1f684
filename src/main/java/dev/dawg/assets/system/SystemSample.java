package dev.dawg.assets.system;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.r2dbc.spi.Readable;

import dev.dawg.assets.Asset;

/**
 * A sample of the built-in library: the stored audio and what administrators say of it. A seeded sample nobody has
 * described yet reads with defaults (its filename without extension as its name, active, no pack).
 */
public record SystemSample(Asset asset, UUID categoryId, String name, String description, Integer bpm, String key, List<String> tags,
        UUID packId, String packName, boolean premium, boolean featured, boolean active, long usageCount, Instant updatedAt) {

    /** The library's assets: no project and no owner. */
    static final String IS_SYSTEM = " a.project_id IS NULL AND a.owner_id IS NULL ";
    static final String DEFAULT_NAME = "left(regexp_replace(a.filename, '\\.[^.]+$', ''), 100)";
    static final String FROM = " FROM assets a JOIN system_categories c ON c.slug = a.category "
            + "LEFT JOIN system_samples s ON s.asset_id = a.id LEFT JOIN system_packs p ON p.id = s.pack_id ";
    static final String COLUMNS = Asset.COLUMNS + ", c.id AS category_id, coalesce(s.name, " + DEFAULT_NAME + ") AS name, s.description, "
            + "s.bpm, s.key_signature, coalesce(s.tags, '{}') AS tags, s.pack_id, p.name AS pack_name, coalesce(s.is_premium, false) AS premium, "
            + "coalesce(s.is_featured, false) AS featured, coalesce(s.is_active, true) AS active, coalesce(s.usage_count, 0) AS usage_count, "
            + "coalesce(s.updated_at, a.created_at) AS updated_at ";

    static SystemSample from(Readable row) {
        return new SystemSample(Asset.from(row), row.get("category_id", UUID.class), row.get("name", String.class),
                row.get("description", String.class), row.get("bpm", Integer.class), row.get("key_signature", String.class),
                List.of(row.get("tags", String[].class)), row.get("pack_id", UUID.class), row.get("pack_name", String.class),
                row.get("premium", Boolean.class), row.get("featured", Boolean.class), row.get("active", Boolean.class),
                row.get("usage_count", Long.class), row.get("updated_at", OffsetDateTime.class).toInstant());
    }

    public UUID id() {
        return asset.id();
    }

    /** The sample as the native API shows it: the asset's fields and the library's. */
    public View view() {
        return new View(asset.view(), categoryId, name, description, bpm, key, tags, packId, packName, premium, featured, active, usageCount,
                updatedAt);
    }

    /** The JSON body of a library sample. */
    public record View(@JsonUnwrapped Asset.View asset, UUID categoryId, String name, String description, Integer bpm, String key,
            List<String> tags, UUID packId, String packName, boolean premium, boolean featured, boolean active, long usageCount,
            Instant updatedAt) {
    }
}
