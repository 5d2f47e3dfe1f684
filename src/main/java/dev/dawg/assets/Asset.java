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
        String objectKey, UUID folderId, Instant createdAt, Processing processing) {

    public static final String COLUMNS = " a.id, a.project_id, a.owner_id, a.category, a.filename, a.format, a.content_type, a.size_bytes,"
            + " a.sha256, a.duration_seconds, a.sample_rate, a.channels, a.bit_depth, a.status, a.object_key, a.folder_id, a.created_at, "
            + " a.processing_status, a.processing_error, a.loudness_lufs, a.loudness_range_lu, a.true_peak_dbtp, a.decoded_duration_seconds ";

    public static Asset from(Readable row) {
        return new Asset(row.get("id", UUID.class), row.get("project_id", UUID.class), row.get("owner_id", UUID.class),
                row.get("category", String.class), row.get("filename", String.class), AudioFormat.parse(row.get("format", String.class)),
                row.get("content_type", String.class), row.get("size_bytes", Long.class), row.get("sha256", String.class),
                row.get("duration_seconds", Double.class), row.get("sample_rate", Integer.class), row.get("channels", Integer.class),
                row.get("bit_depth", Integer.class), row.get("status", String.class), row.get("object_key", String.class),
                row.get("folder_id", UUID.class), row.get("created_at", OffsetDateTime.class).toInstant(), Processing.from(row));
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
                sampleRate, channels, bitDepth, status, category, inSystemLibrary(), folderId, "/api/assets/" + id + "/content", createdAt,
                processing.state(), processing.loudness());
    }

    /** The JSON body of an asset. */
    public record View(UUID id, UUID projectId, UUID ownerId, String filename, String contentType, String format, long sizeBytes,
            String sha256, double durationSeconds, int sampleRate, int channels, Integer bitDepth, String status, String category,
            boolean system, UUID folderId, String contentUrl, Instant createdAt, Processing.State processing, Processing.Loudness loudness) {
    }

    /**
     * Where the asset's processing (issue 19, {@code dev.dawg.processing}) stands, and its loudness once measured:
     * integrated loudness (LUFS) and loudness range (LU), null for silence; true peak (dBTP); the decoded duration.
     */
    public record Processing(State state, Loudness loudness) {

        static Processing from(Readable row) {
            Double duration = row.get("decoded_duration_seconds", Double.class);
            return new Processing(new State(row.get("processing_status", String.class), row.get("processing_error", String.class)),
                    duration == null ? null : new Loudness(row.get("loudness_lufs", Double.class), row.get("loudness_range_lu", Double.class),
                            row.get("true_peak_dbtp", Double.class), duration));
        }

        /** {@code pending}, {@code running}, {@code done} or {@code failed} (with the reason). */
        public record State(String status, String error) {
        }

        public record Loudness(Double integratedLufs, Double loudnessRange, Double truePeakDbtp, double decodedDurationSeconds) {
        }
    }
}
