package dev.dawg.social;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;

import dev.dawg.platform.config.DawgProperties;
import dev.dawg.platform.persistence.SqlErrors;
import dev.dawg.platform.ratelimit.RateLimitDecision;
import dev.dawg.platform.ratelimit.RateLimiter;
import dev.dawg.platform.ratelimit.UserWrites;
import dev.dawg.sharing.ProjectAccess;
import dev.dawg.sharing.ProjectAccess.Grant;

/**
 * How often a project was shared, per platform: each share a signed-in reader reports adds exactly one (an upsert
 * under the row's lock, see V22), and costs one social write of their budget. A count, not a share link.
 */
@Component
public class ShareCounts {

    private final DatabaseClient db;
    private final RateLimiter rateLimiter;
    private final DawgProperties.RateLimits limits;

    ShareCounts(DatabaseClient db, RateLimiter rateLimiter, DawgProperties properties) {
        this.db = db;
        this.rateLimiter = rateLimiter;
        this.limits = properties.rateLimit();
    }

    /** The counts of a project: all shares, and per platform (platforms never shared to are left out). */
    public record ShareTally(long shareCount, Map<String, Long> byPlatform) {
    }

    /** A share counted, with the counts right after and the rate limit decision that let it through. */
    public record Counted(ShareTally tally, RateLimitDecision decision) {
    }

    public Mono<Counted> count(Grant grant, SharePlatform platform) {
        return rateLimiter.consume(UserWrites.limitOf(grant.user().id(), limits))
                .flatMap(decision -> db.sql("""
                                INSERT INTO project_share_counts (project_id, platform, share_count) VALUES (:projectId, :platform, 1)
                                ON CONFLICT (project_id, platform) DO UPDATE SET share_count = project_share_counts.share_count + 1""")
                        .bind("projectId", grant.projectId())
                        .bind("platform", platform.wire())
                        .fetch().rowsUpdated()
                        .onErrorMap(SqlErrors::isForeignKeyViolation, ex -> ProjectAccess.notFound())
                        .then(tally(grant.projectId()))
                        .map(tally -> new Counted(tally, decision)));
    }

    public Mono<ShareTally> tally(UUID projectId) {
        return db.sql("SELECT platform, share_count FROM project_share_counts WHERE project_id = :projectId ORDER BY platform")
                .bind("projectId", projectId)
                .map(row -> Map.entry(row.get("platform", String.class), row.get("share_count", Long.class)))
                .all()
                .collectList()
                .map(rows -> {
                    Map<String, Long> byPlatform = new LinkedHashMap<>();
                    rows.forEach(entry -> byPlatform.put(entry.getKey(), entry.getValue()));
                    return new ShareTally(byPlatform.values().stream().mapToLong(Long::longValue).sum(), byPlatform);
                });
    }
}
