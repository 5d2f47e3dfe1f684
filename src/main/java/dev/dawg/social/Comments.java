package dev.dawg.social;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

import io.r2dbc.spi.R2dbcException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;

import dev.dawg.platform.persistence.SqlErrors;
import dev.dawg.platform.web.ApiProblem;
import dev.dawg.projects.ProjectWrites;

/**
 * Storage of comments. {@code comment_count} is kept by a trigger in the same transaction as each row change
 * (see V6__social.sql), so it also counts the replies that go with a deleted comment.
 */
@Component
class Comments {

    /** Deadlock: a reply and the deletion of its thread met on the project row; the loser's statement is rolled back. */
    private static final String DEADLOCK = "40P01";
    /** How deep a thread is read for nesting; replies further down are not shown nested. */
    static final int MAX_REPLY_DEPTH = 32;

    private final DatabaseClient db;
    private final ProjectWrites projects;

    Comments(DatabaseClient db, ProjectWrites projects) {
        this.db = db;
        this.projects = projects;
    }

    /** Adds a comment; a parent that is not a comment of the same project is a 400 on {@code parentId}. */
    Mono<Comment> create(UUID projectId, UUID authorId, UUID parentId, String text) {
        DatabaseClient.GenericExecuteSpec spec = db.sql("""
                        WITH c AS (
                            INSERT INTO comments (project_id, author_id, parent_id, body)
                            VALUES (:projectId, :authorId, :parentId, :body) RETURNING *)
                        SELECT""" + Comment.COLUMNS + "FROM c JOIN users u ON u.id = c.author_id")
                .bind("projectId", projectId)
                .bind("authorId", authorId)
                .bind("body", text);
        spec = parentId == null ? spec.bindNull("parentId", UUID.class) : spec.bind("parentId", parentId);
        return spec.map(Comment::from).one()
                .retryWhen(retryOnDeadlock())
                .doOnNext(created -> projects.socialCountersChanged(projectId))
                .onErrorMap(ex -> parentId != null && SqlErrors.isForeignKeyViolation(ex),
                        ex -> ApiProblem.validation("parentId", "must be a comment of this project"));
    }

    /** Which comments a listing keeps: all of them, the top-level ones (answering none), or the direct replies of one. */
    record Filter(boolean topLevel, UUID parentId) {

        static final Filter ALL = new Filter(false, null);

        String sql() {
            return topLevel ? " AND c.parent_id IS NULL " : parentId != null ? " AND c.parent_id = :parentId " : "";
        }
    }

    /** A page of a project's comments, oldest first, after the keyset {@code (createdAt, id)}. */
    Flux<Comment> list(UUID projectId, Filter filter, int fetch, Instant afterCreatedAt, UUID afterId) {
        String keyset = afterCreatedAt == null ? "" : " AND (c.created_at, c.id) > (:afterCreatedAt, :afterId) ";
        DatabaseClient.GenericExecuteSpec spec = db.sql("SELECT" + Comment.COLUMNS + """
                        FROM comments c JOIN users u ON u.id = c.author_id
                        WHERE c.project_id = :projectId
                        """ + filter.sql() + keyset + """
                        ORDER BY c.created_at, c.id LIMIT :fetch""")
                .bind("projectId", projectId)
                .bind("fetch", fetch);
        if (filter.parentId() != null) {
            spec = spec.bind("parentId", filter.parentId());
        }
        if (afterCreatedAt != null) {
            spec = spec.bind("afterCreatedAt", afterCreatedAt.atOffset(ZoneOffset.UTC)).bind("afterId", afterId);
        }
        return spec.map(Comment::from).all();
    }

    /** A page of a project's top-level comments (those answering no other), newest first, by offset. */
    Flux<Comment> topLevel(UUID projectId, int offset, int limit) {
        return db.sql("SELECT" + Comment.COLUMNS + """
                        FROM comments c JOIN users u ON u.id = c.author_id
                        WHERE c.project_id = :projectId AND c.parent_id IS NULL
                        ORDER BY c.created_at DESC, c.id DESC LIMIT :limit OFFSET :offset""")
                .bind("projectId", projectId)
                .bind("limit", limit)
                .bind("offset", offset)
                .map(Comment::from)
                .all();
    }

    Mono<Long> countTopLevel(UUID projectId) {
        return db.sql("SELECT count(*) AS n FROM comments WHERE project_id = :projectId AND parent_id IS NULL")
                .bind("projectId", projectId)
                .map(row -> row.get("n", Long.class))
                .one();
    }

    /**
     * The replies under each of {@code roots} (at any depth, at most {@value #MAX_REPLY_DEPTH} levels down), the
     * oldest {@code perThread} of each thread, oldest first. A reply is newer than the comment it answers, so a
     * reply kept by the cut always comes with its parent.
     */
    Flux<Comment> replies(UUID projectId, List<UUID> roots, int perThread) {
        if (roots.isEmpty()) {
            return Flux.empty();
        }
        return db.sql("""
                        WITH RECURSIVE thread AS (
                            SELECT c.id, c.id AS root_id, 0 AS depth FROM comments c
                            WHERE c.project_id = :projectId AND c.id = ANY(:roots)
                          UNION ALL
                            SELECT r.id, t.root_id, t.depth + 1 FROM comments r JOIN thread t ON r.parent_id = t.id
                            WHERE r.project_id = :projectId AND t.depth < :maxDepth),
                        ranked AS (
                            SELECT t.id, row_number() OVER (PARTITION BY t.root_id ORDER BY c.created_at, c.id) AS n
                            FROM thread t JOIN comments c ON c.id = t.id WHERE t.depth > 0)
                        SELECT""" + Comment.COLUMNS + """
                        FROM ranked k JOIN comments c ON c.id = k.id JOIN users u ON u.id = c.author_id
                        WHERE k.n <= :perThread ORDER BY c.created_at, c.id""")
                .bind("projectId", projectId)
                .bind("roots", roots.toArray(UUID[]::new))
                .bind("maxDepth", MAX_REPLY_DEPTH)
                .bind("perThread", perThread)
                .map(Comment::from)
                .all();
    }

    /** Where a comment lives and who wrote it, for the delete permission check. */
    record Placement(UUID projectId, UUID authorId) {
    }

    Mono<Placement> placement(UUID commentId) {
        return db.sql("SELECT project_id, author_id FROM comments WHERE id = :id")
                .bind("id", commentId)
                .map(row -> new Placement(row.get("project_id", UUID.class), row.get("author_id", UUID.class)))
                .one();
    }

    /** Deletes a comment and, through the cascade, its replies; false when it was already gone. */
    Mono<Boolean> delete(UUID commentId) {
        return db.sql("DELETE FROM comments WHERE id = :id RETURNING project_id")
                .bind("id", commentId)
                .map(row -> row.get("project_id", UUID.class))
                .first()
                .retryWhen(retryOnDeadlock())
                .doOnNext(projects::socialCountersChanged)
                .hasElement();
    }

    private static Retry retryOnDeadlock() {
        return Retry.backoff(3, Duration.ofMillis(10)).filter(Comments::isDeadlock).onRetryExhaustedThrow((spec, signal) -> signal.failure());
    }

    private static boolean isDeadlock(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof R2dbcException r2dbc && DEADLOCK.equals(r2dbc.getSqlState())) {
                return true;
            }
        }
        return false;
    }
}
