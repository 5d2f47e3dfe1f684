package dev.dawg.presets;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.r2dbc.spi.Readable;
import tools.jackson.databind.util.RawValue;

/**
 * A preset as stored: its description, counters and, when the query read it, its data as the JSON text the owner
 * wrote ({@code null} in lists), which goes to the response as it is, never parsed on a read.
 */
record Preset(UUID id, UUID ownerId, String ownerUsername, String name, PresetType type, String engine, String category,
        String genre, List<String> tags, String description, boolean isPublic, Instant featuredAt, int sizeBytes,
        long downloadCount, long ratingCount, double ratingAverage, long popularity, Instant createdAt, Instant updatedAt,
        String data, Integer myRating) {

    /** The columns of {@link #from}, over {@code presets p JOIN users u ON u.id = p.owner_id}. */
    static final String COLUMNS = "p.id, p.owner_id, u.username AS owner_username, p.name, p.preset_type, p.engine, p.category, "
            + "p.genre, p.tags, p.description, p.is_public, p.featured_at, p.size_bytes, p.download_count, p.rating_count, "
            + "p.rating_average, p.popularity, p.created_at, p.updated_at";

    /** The same with the data as text ({@code data_text}). */
    static final String COLUMNS_WITH_DATA = COLUMNS + ", p.data::text AS data_text";

    static final String FROM = " FROM presets p JOIN users u ON u.id = p.owner_id";

    static Preset from(Readable row, boolean withData) {
        String[] tags = row.get("tags", String[].class);
        OffsetDateTime featured = row.get("featured_at", OffsetDateTime.class);
        return new Preset(row.get("id", UUID.class), row.get("owner_id", UUID.class), row.get("owner_username", String.class),
                row.get("name", String.class), PresetType.parse(row.get("preset_type", String.class)).orElseThrow(),
                row.get("engine", String.class), row.get("category", String.class), row.get("genre", String.class),
                tags == null ? List.of() : Arrays.asList(tags), row.get("description", String.class),
                Boolean.TRUE.equals(row.get("is_public", Boolean.class)), featured == null ? null : featured.toInstant(),
                row.get("size_bytes", Integer.class), number(row, "download_count"), number(row, "rating_count"),
                row.get("rating_average", Double.class), number(row, "popularity"),
                row.get("created_at", OffsetDateTime.class).toInstant(), row.get("updated_at", OffsetDateTime.class).toInstant(),
                withData ? row.get("data_text", String.class) : null, null);
    }

    Preset withData(String text) {
        return new Preset(id, ownerId, ownerUsername, name, type, engine, category, genre, tags, description, isPublic, featuredAt,
                sizeBytes, downloadCount, ratingCount, ratingAverage, popularity, createdAt, updatedAt, text, myRating);
    }

    Preset withMyRating(Integer rating) {
        return new Preset(id, ownerId, ownerUsername, name, type, engine, category, genre, tags, description, isPublic, featuredAt,
                sizeBytes, downloadCount, ratingCount, ratingAverage, popularity, createdAt, updatedAt, data, rating);
    }

    Preset withDownloadCount(long count) {
        return new Preset(id, ownerId, ownerUsername, name, type, engine, category, genre, tags, description, isPublic, featuredAt,
                sizeBytes, count, ratingCount, ratingAverage, popularity, createdAt, updatedAt, data, myRating);
    }

    boolean isOwnedBy(UUID userId) {
        return ownerId.equals(userId);
    }

    /** What a list shows: everything but the data. */
    Map<String, Object> summary() {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", id);
        view.put("ownerId", ownerId);
        view.put("owner", Map.of("id", ownerId, "username", ownerUsername));
        view.put("name", name);
        view.put("type", type.wireName());
        view.put("engine", engine);
        view.put("category", category);
        view.put("genre", genre);
        view.put("tags", tags);
        view.put("description", description);
        view.put("isPublic", isPublic);
        view.put("featured", featuredAt != null);
        view.put("featuredAt", featuredAt);
        view.put("sizeBytes", sizeBytes);
        view.put("downloadCount", downloadCount);
        view.put("ratingCount", ratingCount);
        view.put("ratingAverage", ratingAverage);
        view.put("createdAt", createdAt);
        view.put("updatedAt", updatedAt);
        return view;
    }

    /** The whole preset: the summary, the caller's own rating and the data exactly as written. */
    Map<String, Object> full() {
        Map<String, Object> view = summary();
        view.put("myRating", myRating);
        view.put("data", new RawValue(data));
        return view;
    }

    private static long number(Readable row, String column) {
        Number value = row.get(column, Number.class);
        return value == null ? 0 : value.longValue();
    }
}
