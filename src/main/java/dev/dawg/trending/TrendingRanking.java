package dev.dawg.trending;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;

import dev.dawg.auth.CurrentUser;
import dev.dawg.projects.Project;
import dev.dawg.projects.ProjectResponses;

/**
 * Reads a period's ranking: public projects with activity within the period, best decayed score first, each with its
 * author and whether the caller liked it, in one query per page over {@code trending_scores_rank_idx}.
 */
@Component
class TrendingRanking {

    private final DatabaseClient db;
    private final ProjectResponses responses;

    TrendingRanking(DatabaseClient db, ProjectResponses responses) {
        this.db = db;
        this.responses = responses;
    }

    /** A page position: the last item's stored score and id. */
    record After(double logScore, UUID projectId) {
    }

    /** One item of the ranking, as the API shows it, with the keyset position it was read at. */
    record Item(Map<String, Object> view, After position) {
    }

    /** Up to {@code rows} items after {@code after} (from the top when null), ranked as at {@code now}. */
    Mono<List<Item>> page(TrendingPeriod period, Optional<CurrentUser> caller, After after, int rows, Instant now) {
        String keyset = after == null ? "" : " AND (t.log_score, t.project_id) < (:afterScore, :afterId)";
        DatabaseClient.GenericExecuteSpec spec = db.sql("SELECT " + Project.columns("p") + """
                        , t.log_score, u.username AS author_username, u.display_name AS author_display_name,
                        u.avatar_url AS author_avatar_url,
                        EXISTS (SELECT 1 FROM project_likes l WHERE l.project_id = p.id AND l.user_id = :caller) AS liked_by_me
                        FROM trending_scores t
                        JOIN projects p ON p.id = t.project_id AND p.deleted_at IS NULL AND p.visibility = 'public'
                        JOIN users u ON u.id = p.owner_id
                        WHERE t.period = :period AND t.last_activity_at > :since""" + keyset
                        + " ORDER BY t.log_score DESC, t.project_id DESC LIMIT :limit")
                .bind("period", period.wireName())
                .bind("since", now.minus(period.window()))
                .bind("limit", rows);
        spec = caller.isPresent() ? spec.bind("caller", caller.get().id()) : spec.bindNull("caller", UUID.class);
        if (after != null) {
            spec = spec.bind("afterScore", after.logScore()).bind("afterId", after.projectId());
        }
        double nowExponent = period.exponent(now);
        return spec.map(row -> {
            Project project = Project.from(row, false);
            double logScore = row.get("log_score", Double.class);
            Map<String, Object> author = new LinkedHashMap<>();
            author.put("id", project.ownerId());
            author.put("username", row.get("author_username", String.class));
            author.put("displayName", row.get("author_display_name", String.class));
            author.put("avatarUrl", row.get("author_avatar_url", String.class));
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("project", responses.summary(project));
            view.put("author", author);
            view.put("likedByMe", Boolean.TRUE.equals(row.get("liked_by_me", Boolean.class)));
            // The decayed activity now, in weighted interactions (a like is 3, a play 1): for display, not for ranking.
            view.put("score", Math.round(Math.pow(2, logScore - nowExponent) * 100) / 100.0);
            return new Item(view, new After(logScore, project.id()));
        }).all().collectList();
    }
}
