package dev.dawg.notifications;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import io.r2dbc.spi.Readable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;

import dev.dawg.events.Activity;

/**
 * Storage of notifications and of the types each user muted (see V26__notifications.sql). An activity joins the
 * recipient's open group of its type and project in one upsert, so any number of concurrent activities make one row
 * whose count is exact; a muted type inserts nothing.
 */
@Component
class Notifications {

    /** Actors remembered per group (newest first) to count each once; the first {@value Notification#SHOWN_ACTORS} are shown. */
    static final int REMEMBERED_ACTORS = 10;

    private static final TypeReference<List<Notification.Actor>> ACTORS = new TypeReference<>() { };

    private final DatabaseClient db;
    private final JsonMapper json;

    Notifications(DatabaseClient db, JsonMapper json) {
        this.db = db;
        this.json = json;
    }

    /** A stored notification with what the access rule needs to decide whether its project may be shown. */
    record Stored(UUID id, UUID recipientId, String type, UUID projectId, String projectTitle, UUID projectOwnerId,
            String projectVisibility, boolean projectDeleted, UUID commentId, int actorCount, List<Notification.Actor> actors,
            Instant readAt, Instant createdAt, Instant updatedAt) {
    }

    // Array slices are written "[1 : n]": "[1:n]" would read as a named parameter ":n" to the DatabaseClient.
    private static final String COLUMNS = """
            SELECT n.id, n.recipient_id, n.type, n.project_id, n.comment_id, n.actor_count, n.read_at, n.created_at, n.updated_at,
                   p.title AS project_title, p.owner_id AS project_owner_id, p.visibility AS project_visibility,
                   (p.deleted_at IS NOT NULL) AS project_deleted,
                   (SELECT coalesce(json_agg(json_build_object('id', u.id, 'username', u.username, 'displayName', u.display_name,
                                                               'avatarUrl', u.avatar_url) ORDER BY a.ord), '[]')
                      FROM unnest(n.recent_actor_ids[1 : %d]) WITH ORDINALITY AS a(id, ord) JOIN users u ON u.id = a.id)::text AS actors
            """.formatted(Notification.SHOWN_ACTORS);
    private static final String SELECT = COLUMNS + " FROM notifications n LEFT JOIN projects p ON p.id = n.project_id ";

    /**
     * Adds the activity to the recipient's open group of its type and project, or opens one; nothing when the
     * recipient muted the type. An actor already among the group's latest is not counted again (an unlike and like
     * again is one like; so is a retried write). One statement in the common case; a group older than
     * {@code window} takes nothing, so it is closed and the activity opens a new one.
     *
     * @return the group as it is now, or empty when muted
     */
    Mono<Stored> add(Activity.Type type, UUID actorId, UUID recipientId, UUID projectId, UUID commentId, Duration window) {
        return upsert(type, actorId, recipientId, projectId, commentId, window)
                .switchIfEmpty(Mono.defer(() -> closeStale(type, recipientId, projectId, window)
                        .flatMap(closed -> closed > 0 ? upsert(type, actorId, recipientId, projectId, commentId, window) : Mono.empty())));
    }

    private Mono<Stored> upsert(Activity.Type type, UUID actorId, UUID recipientId, UUID projectId, UUID commentId, Duration window) {
        DatabaseClient.GenericExecuteSpec spec = db.sql("""
                        WITH n AS (
                            INSERT INTO notifications (recipient_id, type, project_id, comment_id, recent_actor_ids)
                            SELECT :recipient, :type, :project, :comment, ARRAY[:actor]::uuid[]
                            WHERE NOT EXISTS (SELECT 1 FROM notification_settings s WHERE s.user_id = :recipient AND :type = ANY (s.muted_types))
                            ON CONFLICT (recipient_id, type, project_id) WHERE open DO UPDATE SET
                                actor_count = notifications.actor_count
                                    + CASE WHEN :actor = ANY (notifications.recent_actor_ids) THEN 0 ELSE 1 END,
                                recent_actor_ids = (ARRAY[:actor]::uuid[] || array_remove(notifications.recent_actor_ids, :actor))[1 : %d],
                                comment_id = coalesce(EXCLUDED.comment_id, notifications.comment_id),
                                updated_at = clock_timestamp()
                            WHERE notifications.created_at >= clock_timestamp() - make_interval(secs => :windowSeconds)
                            RETURNING *)
                        """.formatted(REMEMBERED_ACTORS) + COLUMNS + " FROM n LEFT JOIN projects p ON p.id = n.project_id")
                .bind("recipient", recipientId)
                .bind("type", type.value())
                .bind("actor", actorId)
                .bind("windowSeconds", seconds(window));
        spec = projectId == null ? spec.bindNull("project", UUID.class) : spec.bind("project", projectId);
        spec = commentId == null ? spec.bindNull("comment", UUID.class) : spec.bind("comment", commentId);
        return spec.map(this::stored).one();
    }

    /** Closes the open group of the type and project when it is older than the window; how many were closed. */
    private Mono<Long> closeStale(Activity.Type type, UUID recipientId, UUID projectId, Duration window) {
        DatabaseClient.GenericExecuteSpec spec = db.sql("""
                        UPDATE notifications SET open = false
                        WHERE recipient_id = :recipient AND type = :type AND project_id IS NOT DISTINCT FROM :project AND open
                          AND created_at < clock_timestamp() - make_interval(secs => :windowSeconds)""")
                .bind("recipient", recipientId)
                .bind("type", type.value())
                .bind("windowSeconds", seconds(window));
        spec = projectId == null ? spec.bindNull("project", UUID.class) : spec.bind("project", projectId);
        return spec.fetch().rowsUpdated();
    }

    private static double seconds(Duration window) {
        return window.toMillis() / 1000.0;
    }

    /** The author of the comment, if it still exists. */
    Mono<UUID> authorOf(UUID commentId) {
        return db.sql("SELECT author_id FROM comments WHERE id = :id")
                .bind("id", commentId)
                .map(row -> row.get("author_id", UUID.class))
                .one();
    }

    /** Which notifications a listing keeps. */
    record Filter(boolean unreadOnly, Activity.Type type) {
    }

    /** A page of the recipient's notifications, latest activity first, after the keyset {@code (updatedAt, id)}. */
    Flux<Stored> list(UUID recipientId, Filter filter, int fetch, Instant afterUpdatedAt, UUID afterId) {
        String sql = SELECT + " WHERE n.recipient_id = :recipient" + conditions(filter)
                + (afterUpdatedAt != null ? " AND (n.updated_at, n.id) < (:afterUpdatedAt, :afterId)" : "")
                + " ORDER BY n.updated_at DESC, n.id DESC LIMIT :fetch";
        DatabaseClient.GenericExecuteSpec spec = db.sql(sql).bind("recipient", recipientId).bind("fetch", fetch);
        if (filter.type() != null) {
            spec = spec.bind("type", filter.type().value());
        }
        if (afterUpdatedAt != null) {
            spec = spec.bind("afterUpdatedAt", afterUpdatedAt.atOffset(ZoneOffset.UTC)).bind("afterId", afterId);
        }
        return spec.map(this::stored).all();
    }

    /** A page by position (the DAWG client's), latest activity first, from row {@code offset}. */
    Flux<Stored> listAt(UUID recipientId, Filter filter, int fetch, int offset) {
        DatabaseClient.GenericExecuteSpec spec = db.sql(SELECT + " WHERE n.recipient_id = :recipient" + conditions(filter)
                        + " ORDER BY n.updated_at DESC, n.id DESC LIMIT :fetch OFFSET :offset")
                .bind("recipient", recipientId).bind("fetch", fetch).bind("offset", offset);
        return (filter.type() != null ? spec.bind("type", filter.type().value()) : spec).map(this::stored).all();
    }

    /** How many of the recipient's notifications the filter keeps. */
    Mono<Long> count(UUID recipientId, Filter filter) {
        DatabaseClient.GenericExecuteSpec spec = db.sql("SELECT count(*) AS n FROM notifications n WHERE n.recipient_id = :recipient"
                + conditions(filter)).bind("recipient", recipientId);
        return (filter.type() != null ? spec.bind("type", filter.type().value()) : spec).map(row -> row.get("n", Long.class)).one();
    }

    private static String conditions(Filter filter) {
        return (filter.unreadOnly() ? " AND n.read_at IS NULL" : "") + (filter.type() != null ? " AND n.type = :type" : "");
    }

    Mono<Long> unreadCount(UUID recipientId) {
        return db.sql("SELECT count(*) AS n FROM notifications WHERE recipient_id = :recipient AND read_at IS NULL")
                .bind("recipient", recipientId)
                .map(row -> row.get("n", Long.class))
                .one();
    }

    /** Marks one of the recipient's notifications read (and closes its group); false when they have no such one. */
    Mono<Boolean> markRead(UUID recipientId, UUID id) {
        return db.sql("""
                        UPDATE notifications SET read_at = coalesce(read_at, now()), open = false
                        WHERE id = :id AND recipient_id = :recipient RETURNING id""")
                .bind("id", id)
                .bind("recipient", recipientId)
                .map(row -> row.get("id", UUID.class))
                .one()
                .hasElement();
    }

    /** Marks every unread notification of the recipient read; how many there were. */
    Mono<Long> markAllRead(UUID recipientId) {
        return db.sql("UPDATE notifications SET read_at = now(), open = false WHERE recipient_id = :recipient AND read_at IS NULL")
                .bind("recipient", recipientId)
                .fetch()
                .rowsUpdated();
    }

    Mono<Boolean> delete(UUID recipientId, UUID id) {
        return db.sql("DELETE FROM notifications WHERE id = :id AND recipient_id = :recipient")
                .bind("id", id)
                .bind("recipient", recipientId)
                .fetch()
                .rowsUpdated()
                .map(deleted -> deleted > 0);
    }

    Mono<Set<Activity.Type>> muted(UUID userId) {
        return db.sql("SELECT muted_types FROM notification_settings WHERE user_id = :user")
                .bind("user", userId)
                .map(row -> types(row.get("muted_types", String[].class)))
                .one()
                .defaultIfEmpty(EnumSet.noneOf(Activity.Type.class));
    }

    /** Receives ({@code true}) or mutes each type named; the others keep their setting. Answers the muted types. */
    Mono<Set<Activity.Type>> receive(UUID userId, Map<Activity.Type, Boolean> wanted) {
        return muted(userId).flatMap(muted -> {
            Set<Activity.Type> next = EnumSet.noneOf(Activity.Type.class);
            next.addAll(muted);
            wanted.forEach((type, on) -> {
                if (on) {
                    next.remove(type);
                }
                else {
                    next.add(type);
                }
            });
            return mute(userId, next);
        });
    }

    /** Replaces the user's muted types. */
    Mono<Set<Activity.Type>> mute(UUID userId, Set<Activity.Type> muted) {
        String[] values = muted.stream().map(Activity.Type::value).sorted().toArray(String[]::new);
        return db.sql("""
                        INSERT INTO notification_settings (user_id, muted_types) VALUES (:user, :muted)
                        ON CONFLICT (user_id) DO UPDATE SET muted_types = EXCLUDED.muted_types, updated_at = now()
                        RETURNING muted_types""")
                .bind("user", userId)
                .bind("muted", values)
                .map(row -> types(row.get("muted_types", String[].class)))
                .one();
    }

    private static Set<Activity.Type> types(String[] values) {
        Set<Activity.Type> types = EnumSet.noneOf(Activity.Type.class);
        Arrays.stream(values == null ? new String[0] : values).forEach(value -> Activity.Type.parse(value).ifPresent(types::add));
        return types;
    }

    private Stored stored(Readable row) {
        OffsetDateTime readAt = row.get("read_at", OffsetDateTime.class);
        Boolean deleted = row.get("project_deleted", Boolean.class);
        return new Stored(row.get("id", UUID.class), row.get("recipient_id", UUID.class), row.get("type", String.class),
                row.get("project_id", UUID.class), row.get("project_title", String.class), row.get("project_owner_id", UUID.class),
                row.get("project_visibility", String.class), deleted != null && deleted, row.get("comment_id", UUID.class),
                row.get("actor_count", Integer.class), json.readValue(row.get("actors", String.class), ACTORS),
                readAt == null ? null : readAt.toInstant(), row.get("created_at", OffsetDateTime.class).toInstant(),
                row.get("updated_at", OffsetDateTime.class).toInstant());
    }
}
