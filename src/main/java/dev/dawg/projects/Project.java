package dev.dawg.projects;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import io.r2dbc.spi.Readable;

import dev.dawg.sharing.Visibility;

/**
 * A project's metadata as stored, and its document as the database's JSON text when the query read it
 * ({@code null} for summaries): the text goes to the response as it is, never parsed on a read.
 */
public record Project(UUID id, UUID ownerId, String title, String description, List<String> tags, Integer bpm,
        String keySignature, String timeSignature, Visibility visibility, int version, UUID remixedFromId,
        long likeCount, long commentCount, long playCount, long remixCount, Instant createdAt, Instant updatedAt,
        RemixNote remixNote, String projectData) {

    /** The metadata columns, qualified by {@code alias} (for queries that join other tables). */
    public static String columns(String alias) {
        String p = alias.isEmpty() ? "" : alias + ".";
        return String.join(", ", p + "id", p + "owner_id", p + "title", p + "description", p + "tags", p + "bpm",
                p + "key_signature", p + "time_signature", p + "visibility", p + "version", p + "remixed_from",
                p + "like_count", p + "comment_count", p + "play_count", p + "remix_count", p + "created_at", p + "updated_at",
                p + "remix_summary", p + "remix_credits");
    }

    /** A row of {@link #columns}, plus {@code project_data_text} when {@code withData}. */
    public static Project from(Readable row, boolean withData) {
        String[] tags = row.get("tags", String[].class);
        return new Project(row.get("id", UUID.class), row.get("owner_id", UUID.class), row.get("title", String.class),
                row.get("description", String.class), tags == null ? List.of() : Arrays.asList(tags),
                row.get("bpm", Integer.class), row.get("key_signature", String.class), row.get("time_signature", String.class),
                Visibility.parse(row.get("visibility", String.class)).orElseThrow(), row.get("version", Integer.class),
                row.get("remixed_from", UUID.class), number(row, "like_count"), number(row, "comment_count"),
                number(row, "play_count"), number(row, "remix_count"),
                row.get("created_at", OffsetDateTime.class).toInstant(), row.get("updated_at", OffsetDateTime.class).toInstant(),
                new RemixNote(row.get("remix_summary", String.class), row.get("remix_credits", String.class)),
                withData ? row.get("project_data_text", String.class) : null);
    }

    Project withData(String data) {
        return new Project(id, ownerId, title, description, tags, bpm, keySignature, timeSignature, visibility, version,
                remixedFromId, likeCount, commentCount, playCount, remixCount, createdAt, updatedAt, remixNote, data);
    }

    Project withPlayCount(long count) {
        return new Project(id, ownerId, title, description, tags, bpm, keySignature, timeSignature, visibility, version,
                remixedFromId, likeCount, commentCount, count, remixCount, createdAt, updatedAt, remixNote, projectData);
    }

    String etag() {
        return "\"" + version + "\"";
    }

    private static long number(Readable row, String column) {
        Number value = row.get(column, Number.class);
        return value == null ? 0 : value.longValue();
    }
}
