package dev.dawg.realtime;

import java.time.Duration;
import java.util.UUID;

import org.springframework.r2dbc.core.DatabaseClient;

/**
 * Project and share-link rows written straight to the database, for the access checks of the hub while the
 * projects and sharing routes are built elsewhere (columns of V3__projects.sql and V4__share_links.sql).
 */
final class ProjectRows {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final DatabaseClient db;

    ProjectRows(DatabaseClient db) {
        this.db = db;
    }

    UUID create(UUID ownerId, String visibility) {
        return db.sql("INSERT INTO projects (owner_id, title, visibility) VALUES (:owner, 'Live session', :visibility) RETURNING id")
                .bind("owner", ownerId)
                .bind("visibility", visibility)
                .map(row -> row.get("id", UUID.class))
                .one()
                .block(WAIT);
    }

    void setVisibility(UUID projectId, String visibility) {
        db.sql("UPDATE projects SET visibility = :visibility WHERE id = :id")
                .bind("visibility", visibility).bind("id", projectId)
                .fetch().rowsUpdated().block(WAIT);
    }

    String share(UUID projectId, UUID ownerId, String accessLevel) {
        String token = "share-" + UUID.randomUUID();
        db.sql("INSERT INTO share_links (token, project_id, created_by, access_level) VALUES (:token, :project, :owner, :level)")
                .bind("token", token).bind("project", projectId).bind("owner", ownerId).bind("level", accessLevel)
                .fetch().rowsUpdated().block(WAIT);
        return token;
    }

    void revokeShare(String token) {
        db.sql("UPDATE share_links SET revoked_at = now() WHERE token = :token")
                .bind("token", token)
                .fetch().rowsUpdated().block(WAIT);
    }
}
