package dev.dawg.social.follows;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

import io.r2dbc.spi.Readable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;

/**
 * The follows table and the follower/following counters on users. A follow is a row (the primary key makes it
 * idempotent); the counters are moved by a trigger on that table (V24) in the same transaction, so they equal the
 * number of rows under any concurrency, and it locks the two users in id order, so mutual follows never deadlock.
 */
@Repository
public class Follows {

    private final DatabaseClient db;

    Follows(DatabaseClient db) {
        this.db = db;
    }

    /** The follower and following counts of a user. */
    public record Counts(long followers, long following) {
    }

    /** Whether a call changed anything, and both users' counts right after it. */
    record Outcome(boolean changed, Counts followee, Counts follower) {
    }

    /** One entry of a followers or following list: the other user and when the follow began. */
    record FollowEntry(UUID id, String username, String displayName, String avatarUrl, Instant followedAt) {

        static FollowEntry from(Readable row) {
            return new FollowEntry(row.get("id", UUID.class), row.get("username", String.class), row.get("display_name", String.class),
                    row.get("avatar_url", String.class), row.get("created_at", OffsetDateTime.class).toInstant());
        }
    }

    /** Stores the follow; {@code changed} is false when it was there already. */
    Mono<Outcome> follow(UUID follower, UUID followee) {
        return change("INSERT INTO follows (follower_id, followee_id) VALUES (:follower, :followee) ON CONFLICT DO NOTHING",
                follower, followee);
    }

    /** Removes the follow; {@code changed} is false when there was none. */
    Mono<Outcome> unfollow(UUID follower, UUID followee) {
        return change("DELETE FROM follows WHERE follower_id = :follower AND followee_id = :followee", follower, followee);
    }

    private Mono<Outcome> change(String statement, UUID follower, UUID followee) {
        return db.sql(statement).bind("follower", follower).bind("followee", followee).fetch().rowsUpdated()
                // A second statement: the first one's trigger moved the counters, which its own snapshot cannot see.
                .flatMap(rows -> db.sql("SELECT id, follower_count, following_count FROM users WHERE id IN (:follower, :followee)")
                        .bind("follower", follower).bind("followee", followee)
                        .map(row -> java.util.Map.entry(row.get("id", UUID.class),
                                new Counts(row.get("follower_count", Integer.class), row.get("following_count", Integer.class))))
                        .all().collectMap(java.util.Map.Entry::getKey, java.util.Map.Entry::getValue)
                        .map(counts -> new Outcome(rows > 0, counts.get(followee), counts.get(follower))));
    }

    /** The user's counts, empty when there is no such user. */
    public Mono<Counts> counts(UUID userId) {
        return db.sql("SELECT follower_count, following_count FROM users WHERE id = :id").bind("id", userId)
                .map(row -> new Counts(row.get("follower_count", Integer.class), row.get("following_count", Integer.class)))
                .one();
    }

    public Mono<Boolean> isFollowing(UUID follower, UUID followee) {
        return db.sql("SELECT EXISTS (SELECT 1 FROM follows WHERE follower_id = :follower AND followee_id = :followee) AS following")
                .bind("follower", follower).bind("followee", followee)
                .map(row -> row.get("following", Boolean.class))
                .one();
    }

    /** Who follows {@code userId}, newest follow first, after the keyset {@code (followedAt, id)}. */
    Flux<FollowEntry> followers(UUID userId, int fetch, Instant afterFollowedAt, UUID afterId) {
        return list("""
                SELECT u.id, u.username, u.display_name, u.avatar_url, f.created_at
                FROM follows f JOIN users u ON u.id = f.follower_id
                WHERE f.followee_id = :userId""", "f.follower_id", userId, fetch, afterFollowedAt, afterId);
    }

    /** Whom {@code userId} follows, newest follow first, after the keyset {@code (followedAt, id)}. */
    Flux<FollowEntry> following(UUID userId, int fetch, Instant afterFollowedAt, UUID afterId) {
        return list("""
                SELECT u.id, u.username, u.display_name, u.avatar_url, f.created_at
                FROM follows f JOIN users u ON u.id = f.followee_id
                WHERE f.follower_id = :userId""", "f.followee_id", userId, fetch, afterFollowedAt, afterId);
    }

    private Flux<FollowEntry> list(String select, String otherId, UUID userId, int fetch, Instant afterFollowedAt, UUID afterId) {
        String keyset = afterFollowedAt == null ? "" : " AND (f.created_at, " + otherId + ") < (:afterFollowedAt, :afterId)";
        DatabaseClient.GenericExecuteSpec spec = db.sql(select + keyset + " ORDER BY f.created_at DESC, " + otherId + " DESC LIMIT :fetch")
                .bind("userId", userId)
                .bind("fetch", fetch);
        if (afterFollowedAt != null) {
            spec = spec.bind("afterFollowedAt", afterFollowedAt.atOffset(ZoneOffset.UTC)).bind("afterId", afterId);
        }
        return spec.map(FollowEntry::from).all();
    }
}
