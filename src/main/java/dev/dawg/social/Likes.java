package dev.dawg.social;

import java.util.UUID;

import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;

import dev.dawg.projects.ProjectWrites;

/**
 * Likes and the project's {@code like_count}, changed together in one statement: the primary key makes a like
 * idempotent, and the counter moves by exactly the rows the statement inserted or deleted, so it stays equal to
 * the number of rows under any concurrency (the project row lock orders the counter updates).
 */
@Component
class Likes {

    private final DatabaseClient db;
    private final ProjectWrites projects;

    Likes(DatabaseClient db, ProjectWrites projects) {
        this.db = db;
        this.projects = projects;
    }

    /** A like's outcome: whether this call added it, and the count right after. */
    record Outcome(boolean changed, long likeCount) {
    }

    Mono<Outcome> like(UUID projectId, UUID userId) {
        return db.sql("""
                        WITH ins AS (
                            INSERT INTO project_likes (project_id, user_id) VALUES (:projectId, :userId)
                            ON CONFLICT DO NOTHING RETURNING 1)
                        UPDATE projects SET like_count = like_count + (SELECT count(*) FROM ins) WHERE id = :projectId
                        RETURNING like_count, (SELECT count(*) FROM ins) AS changed""")
                .bind("projectId", projectId)
                .bind("userId", userId)
                .map(row -> new Outcome(row.get("changed", Long.class) > 0, row.get("like_count", Integer.class)))
                .one()
                .doOnNext(outcome -> projects.socialCountersChanged(projectId));
    }

    Mono<Outcome> unlike(UUID projectId, UUID userId) {
        return db.sql("""
                        WITH del AS (
                            DELETE FROM project_likes WHERE project_id = :projectId AND user_id = :userId RETURNING 1)
                        UPDATE projects SET like_count = like_count - (SELECT count(*) FROM del) WHERE id = :projectId
                        RETURNING like_count, (SELECT count(*) FROM del) AS changed""")
                .bind("projectId", projectId)
                .bind("userId", userId)
                .map(row -> new Outcome(row.get("changed", Long.class) > 0, row.get("like_count", Integer.class)))
                .one()
                .doOnNext(outcome -> projects.socialCountersChanged(projectId));
    }
}
