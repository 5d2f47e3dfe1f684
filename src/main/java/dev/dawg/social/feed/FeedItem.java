package dev.dawg.social.feed;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.r2dbc.spi.Readable;

/** A public project as a feed shows it: its summary, its author, its counts and whether the caller likes it. */
public record FeedItem(UUID id, UUID ownerId, String title, String description, List<String> tags, Integer bpm, String keySignature,
        String timeSignature, String visibility, UUID remixedFromId, long likeCount, long commentCount, long playCount,
        long remixCount, Instant createdAt, Instant updatedAt, Author author, boolean likedByMe,
        @JsonIgnore double trendingScore) {

    /** Who made it: only what anyone may see. */
    public record Author(UUID id, String username, String displayName, String avatarUrl) {
    }

    static final String COLUMNS = """
             p.id, p.owner_id, p.title, p.description, p.tags, p.bpm, p.key_signature, p.time_signature, p.visibility,
             p.remixed_from, p.like_count, p.comment_count, p.play_count, p.remix_count, p.created_at, p.updated_at,
             u.username, u.display_name, u.avatar_url""";

    static FeedItem from(Readable row) {
        UUID ownerId = row.get("owner_id", UUID.class);
        String[] tags = row.get("tags", String[].class);
        return new FeedItem(row.get("id", UUID.class), ownerId, row.get("title", String.class), row.get("description", String.class),
                tags == null ? List.of() : List.of(tags), row.get("bpm", Integer.class), row.get("key_signature", String.class),
                row.get("time_signature", String.class), row.get("visibility", String.class), row.get("remixed_from", UUID.class),
                row.get("like_count", Long.class), row.get("comment_count", Long.class), row.get("play_count", Long.class),
                row.get("remix_count", Long.class), row.get("created_at", OffsetDateTime.class).toInstant(),
                row.get("updated_at", OffsetDateTime.class).toInstant(),
                new Author(ownerId, row.get("username", String.class), row.get("display_name", String.class), row.get("avatar_url", String.class)),
                Boolean.TRUE.equals(row.get("liked_by_me", Boolean.class)),
                row.get("trending_score", Double.class));
    }
}
