package dev.dawg.social;

import java.util.UUID;

import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;

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
    private final TransactionalOperator transactions;

    /** Statements a toggle may take while other toggles of the same user keep winning the race. */
    private static final int MAX_TOGGLE_ATTEMPTS = 5;

    Likes(DatabaseClient db, ProjectWrites projects, TransactionalOperator transactions) {
        this.db = db;
        this.projects = projects;
        this.transactions = transactions;
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

    /**
     * Likes when the user does not like the project yet, unlikes when they do, in one statement. Two toggles of one
     * user racing on a project they do not like both find nothing to delete and both insert; the second insert
     * waits for the first, then finds the row and inserts nothing, so it changed nothing: it is run again, now
     * seeing the like, and removes it, which is what two toggles one after the other do. Racing on a like both
     * delete; the second waits, finds the row gone and inserts it again, likewise. The counter moves by exactly the
     * rows changed, whatever the interleaving.
     */
    Mono<Toggled> toggle(UUID projectId, UUID userId) {
        return toggle(projectId, userId, MAX_TOGGLE_ATTEMPTS).doOnNext(toggled -> projects.socialCountersChanged(projectId));
    }

    private Mono<Toggled> toggle(UUID projectId, UUID userId, int attemptsLeft) {
        Mono<Toggled> toggled = db.sql("""
                        WITH del AS (
                            DELETE FROM project_likes WHERE project_id = :projectId AND user_id = :userId RETURNING 1),
                        ins AS (
                            INSERT INTO project_likes (project_id, user_id) SELECT :projectId, :userId
                            WHERE NOT EXISTS (SELECT 1 FROM del)
                            ON CONFLICT DO NOTHING RETURNING 1)
                        UPDATE projects SET like_count = like_count + (SELECT count(*) FROM ins) - (SELECT count(*) FROM del)
                        WHERE id = :projectId
                        RETURNING like_count, (SELECT count(*) FROM ins) AS added, (SELECT count(*) FROM del) AS removed""")
                .bind("projectId", projectId)
                .bind("userId", userId)
                .map(row -> new Toggled(row.get("added", Long.class) > 0, row.get("removed", Long.class) > 0, row.get("like_count", Integer.class)))
                .one();
        // One user's toggles of one project take turns (a lock for the transaction): ten at once (a double click, two
        // tabs) then alternate exactly, where racing they could each lose their insert to the other until the attempts
        // ran out (seen: 10 concurrent toggles once left a like). The retry stays for a concurrent like or unlike.
        Mono<Toggled> inTurn = db.sql("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))")
                .bind("key", "like-toggle:" + projectId + ":" + userId)
                .map(row -> Boolean.TRUE)
                .first()
                .then(toggled);
        return transactions.transactional(inTurn)
                .flatMap(result -> result.changed() || attemptsLeft <= 1 ? Mono.just(result) : toggle(projectId, userId, attemptsLeft - 1));
    }

    /** What a toggle did: added or removed the user's like, and the count right after. */
    record Toggled(boolean added, boolean removed, long likeCount) {

        boolean changed() {
            return added || removed;
        }

        /** Liked after the toggle: a toggle that changed nothing lost the insert to a concurrent one, so the like is there. */
        boolean liked() {
            return !removed;
        }
    }
}
