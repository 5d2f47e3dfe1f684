package dev.dawg.social.feed;

import java.time.ZoneOffset;

import reactor.core.publisher.Flux;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;

/**
 * Feed pages in one statement each: the projects, their authors and the caller's likes joined in SQL (no query per
 * item), public projects only, served by the partial indexes of V3 and V24 (the EXPLAIN test holds them to it).
 * Trending reads the scores the interactions keep up to date (project_trending, V24), never the interactions.
 */
@Repository
class FeedStore {

    private final DatabaseClient db;

    FeedStore(DatabaseClient db) {
        this.db = db;
    }

    /** The statement of a query; public so that the plan test can EXPLAIN exactly what runs. */
    static String sql(FeedQuery query) {
        StringBuilder sql = new StringBuilder("SELECT ").append(FeedItem.COLUMNS).append(query.callerId() == null ? ", false AS liked_by_me"
                : ", EXISTS (SELECT 1 FROM project_likes l WHERE l.project_id = p.id AND l.user_id = :caller) AS liked_by_me");
        boolean trending = query.sort() == FeedQuery.Sort.TRENDING;
        sql.append(trending ? ", t.score AS trending_score FROM project_trending t JOIN projects p ON p.id = t.project_id"
                : ", 0::float8 AS trending_score FROM projects p");
        // The visibility test is the one access rule for lists: only public projects, never private or unlisted ones.
        sql.append(" JOIN users u ON u.id = p.owner_id WHERE p.deleted_at IS NULL AND p.visibility = 'public'");
        if (trending) {
            // The period's interval is a constant of the Period enum, never caller input.
            sql.append(" AND t.period = :period AND t.last_activity_at >= now() - interval '").append(query.period().interval()).append("'");
        }
        if (query.genre() != null) {
            sql.append(" AND p.tags @> ARRAY[:genre]::text[]");
        }
        if (query.ownerId() != null) {
            sql.append(" AND p.owner_id = :owner");
        }
        if (query.following()) {
            sql.append(" AND p.owner_id IN (SELECT f.followee_id FROM follows f WHERE f.follower_id = :caller)");
        }
        if (query.after() != null) {
            sql.append(switch (query.sort()) {
                case RECENT -> " AND (p.created_at, p.id) < (:afterCreatedAt, :afterId)";
                case POPULAR -> " AND (p.like_count, p.id) < (:afterLikes, :afterId)";
                case TRENDING -> " AND (t.score, t.project_id) < (:afterScore, :afterId)";
            });
        }
        sql.append(switch (query.sort()) {
            case RECENT -> " ORDER BY p.created_at DESC, p.id DESC";
            case POPULAR -> " ORDER BY p.like_count DESC, p.id DESC";
            case TRENDING -> " ORDER BY t.score DESC, t.project_id DESC";
        });
        return sql.append(" LIMIT :fetch").toString();
    }

    static DatabaseClient.GenericExecuteSpec bind(DatabaseClient.GenericExecuteSpec spec, FeedQuery query) {
        spec = spec.bind("fetch", query.limit() + 1);
        if (query.callerId() != null) {
            spec = spec.bind("caller", query.callerId());
        }
        if (query.genre() != null) {
            spec = spec.bind("genre", query.genre());
        }
        if (query.ownerId() != null) {
            spec = spec.bind("owner", query.ownerId());
        }
        if (query.period() != null) {
            spec = spec.bind("period", query.period().wireName());
        }
        if (query.after() != null) {
            spec = switch (query.sort()) {
                case RECENT -> spec.bind("afterCreatedAt", query.after().createdAt().atOffset(ZoneOffset.UTC));
                case POPULAR -> spec.bind("afterLikes", (int) Math.min(Integer.MAX_VALUE, query.after().likeCount()));
                case TRENDING -> spec.bind("afterScore", query.after().score());
            };
            spec = spec.bind("afterId", query.after().id());
        }
        return spec;
    }

    /** {@code limit + 1} items from row {@code offset}: a page by position (the DAWG client's). */
    Flux<FeedItem> page(FeedQuery query, int offset) {
        return bind(db.sql(sql(query) + " OFFSET :offset"), query).bind("offset", offset).map(FeedItem::from).all();
    }

    /** {@code limit + 1} items, so the page knows whether another follows. */
    Flux<FeedItem> page(FeedQuery query) {
        return bind(db.sql(sql(query)), query).map(FeedItem::from).all();
    }
}
