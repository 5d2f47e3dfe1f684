package dev.dawg.assets;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.UUID;

import io.r2dbc.spi.Readable;

import dev.dawg.assets.audio.AudioFormat;

/**
 * A stored, checked audio file: in a project, in its owner's personal library (no project, perhaps a folder), or in
 * the built-in system library (no project, no owner, a category). {@code objectKey} never leaves the server.
 */
public record Asset(UUID id, UUID projectId, UUID ownerId, String category, String filename, AudioFormat format, String contentType,
        long sizeBytes, String sha256, double durationSeconds, int sampleRate, int channels, Integer bitDepth, String status,
        String objectKey, UUID folderId, Instant createdAt) {

    public static final String COLUMNS = " a.id, a.project_id, a.owner_id, a.category, a.filename, a.format, a.content_type, a.size_bytes,"
            + " a.sha256, a.duration_seconds, a.sample_rate, a.channels, a.bit_depth, a.status, a.object_key, a.folder_id, a.created_at ";

    public static Asset from(Readable row) {
        return new Asset(row.get("id", UUID.class), row.get("project_id", UUID.class), row.get("owner_id", UUID.class),
                row.get("category", String.class), row.get("filename", String.class), AudioFormat.parse(row.get("format", String.class)),
                row.get("content_type", String.class), row.get("size_bytes", Long.class), row.get("sha256", String.class),
                row.get("duration_seconds", Double.class), row.get("sample_rate", Integer.class), row.get("channels", Integer.class),
                row.get("bit_depth", Integer.class), row.get("status", String.class), row.get("object_key", String.class),
                row.get("folder_id", UUID.class), row.get("created_at", OffsetDateTime.class).toInstant());
    }

    /** In the built-in system library: readable by anyone, managed by administrators. */
    public boolean inSystemLibrary() {
        return projectId == null && ownerId == null;
    }

    /** In its owner's personal library: theirs alone. */
    public boolean inPersonalLibrary() {
        return projectId == null && ownerId != null;
    }

    /** The asset as the API shows it. */
    public View view() {
        return new View(id, projectId, ownerId, filename, contentType, format.wireName(), sizeBytes, sha256, durationSeconds,
                sampleRate, channels, bitDepth, status, category, inSystemLibrary(), folderId, "/api/assets/" + id + "/content", createdAt);
    }

    /** The JSON body of an asset. */
    public record View(UUID id, UUID projectId, UUID ownerId, String filename, String contentType, String format, long sizeBytes,
            String sha256, double durationSeconds, int sampleRate, int channels, Integer bitDepth, String status, String category,
            boolean system, UUID folderId, String contentUrl, Instant createdAt) {
    }
}
