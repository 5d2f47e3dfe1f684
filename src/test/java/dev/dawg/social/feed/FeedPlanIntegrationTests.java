package dev.dawg.social.feed;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.Wrapped;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.connection.R2dbcTransactionManager;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;

import dev.dawg.support.Api;
import dev.dawg.support.Api.User;
import dev.dawg.support.IntegrationTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The feed's statements are served by indexes: their plans on a table of 100,000 projects (a third public) by
 * 2,000 users, each with trending scores in every period, the caller following 200 users, with fresh statistics,
 * never read the projects (or their scores) whole. The rows
 * exist only inside a transaction that is rolled back, so no other test ever sees them.
 */
@IntegrationTest
class FeedPlanIntegrationTests {

    @Autowired
    Api api;
    @Autowired
    ConnectionFactory appConnections;

    // The fixture's statements fill 100,000 rows, longer than a request's query deadline allows (which is the point
    // of that deadline): they run on the same pool without it, so it can be short in every environment.
    private DatabaseClient db;
    private TransactionalOperator transactions;

    @BeforeEach
    void fixtureWithoutTheRequestDeadline() {
        ConnectionFactory pool = appConnections instanceof Wrapped<?> wrapped && wrapped.unwrap() instanceof ConnectionPool unwrapped
                ? unwrapped : appConnections;
        db = DatabaseClient.create(pool);
        transactions = TransactionalOperator.create(new R2dbcTransactionManager(pool));
    }

    @Test
    void shouldServeEveryFeedQueryFromIndexesOnAHundredThousandProjects() {
        User caller = api.signUp();
        UUID owner = caller.id();
        FeedQuery.Keyset recentCursor = new FeedQuery.Keyset(Instant.parse("2026-01-01T00:00:00Z"), 0, UUID.randomUUID());
        FeedQuery.Keyset popularCursor = new FeedQuery.Keyset(null, 250, UUID.randomUUID());
        Map<String, FeedQuery> queries = new LinkedHashMap<>();
        queries.put("recent", new FeedQuery(FeedQuery.Sort.RECENT, null, false, null, caller.id(), 20, null));
        queries.put("recent, anonymous", new FeedQuery(FeedQuery.Sort.RECENT, null, false, null, null, 20, null));
        queries.put("recent after a cursor", new FeedQuery(FeedQuery.Sort.RECENT, null, false, null, caller.id(), 20, recentCursor));
        queries.put("popular", new FeedQuery(FeedQuery.Sort.POPULAR, null, false, null, caller.id(), 20, null));
        queries.put("popular after a cursor", new FeedQuery(FeedQuery.Sort.POPULAR, null, false, null, caller.id(), 20, popularCursor));
        queries.put("recent by genre", new FeedQuery(FeedQuery.Sort.RECENT, "genre7", false, null, caller.id(), 20, null));
        queries.put("popular by genre", new FeedQuery(FeedQuery.Sort.POPULAR, "genre7", false, null, caller.id(), 20, null));
        queries.put("rare genre", new FeedQuery(FeedQuery.Sort.RECENT, "rare", false, null, caller.id(), 20, null));
        queries.put("following, recent", new FeedQuery(FeedQuery.Sort.RECENT, null, true, null, caller.id(), 20, null));
        queries.put("following, popular", new FeedQuery(FeedQuery.Sort.POPULAR, null, true, null, caller.id(), 20, null));
        queries.put("following after a cursor", new FeedQuery(FeedQuery.Sort.RECENT, null, true, null, caller.id(), 20, recentCursor));
        queries.put("one user's projects", new FeedQuery(FeedQuery.Sort.RECENT, null, false, owner, caller.id(), 20, null));
        FeedQuery.Keyset trendingCursor = new FeedQuery.Keyset(null, 0, 5.0, UUID.randomUUID());
        queries.put("trending, day", new FeedQuery(FeedQuery.Sort.TRENDING, null, false, null, caller.id(), 20, null, FeedQuery.Period.DAY));
        queries.put("trending, month, anonymous", new FeedQuery(FeedQuery.Sort.TRENDING, null, false, null, null, 20, null, FeedQuery.Period.MONTH));
        queries.put("trending after a cursor", new FeedQuery(FeedQuery.Sort.TRENDING, null, false, null, caller.id(), 20, trendingCursor, FeedQuery.Period.WEEK));
        queries.put("trending by genre", new FeedQuery(FeedQuery.Sort.TRENDING, "genre7", false, null, caller.id(), 20, null, FeedQuery.Period.WEEK));
        queries.put("trending, following", new FeedQuery(FeedQuery.Sort.TRENDING, null, true, null, caller.id(), 20, null, FeedQuery.Period.WEEK));
        queries.put("one user's projects, popular", new FeedQuery(FeedQuery.Sort.POPULAR, null, false, owner, caller.id(), 20, null));

        Map<String, List<String>> plans = explainOnAFullTable(caller, queries);
        List<String> unindexed = new java.util.ArrayList<>();
        plans.forEach((name, plan) -> {
            System.out.printf("Feed plan, %s:%n%s%n", name, String.join("\n", plan));
            if (!servedByAnIndex(plan)) {
                unindexed.add(name + ":\n" + String.join("\n", plan));
            }
        });
        assertThat(plans).hasSize(queries.size());
        assertThat(unindexed).as("feed statements not served by an index of projects").isEmpty();
    }

    /** Reads projects (or their trending scores) through an index, and never a whole table of them. */
    static boolean servedByAnIndex(List<String> plan) {
        return plan.stream().anyMatch(line -> line.matches(".*Index.* (using|on) (projects|project_trending)_\\w+.*"))
                && plan.stream().noneMatch(line -> line.contains("Seq Scan on projects") || line.contains("Seq Scan on project_trending"));
    }

    @Test
    void shouldProveThePlanCheckTellsATableScanApart() {
        // The control: without the public filter the partial indexes do not apply, and ordering by title no index serves.
        User caller = api.signUp();
        FeedQuery query = new FeedQuery(FeedQuery.Sort.RECENT, null, false, null, null, 20, null);
        String unindexed = FeedStore.sql(query).replace(" AND p.visibility = 'public'", "")
                .replace("ORDER BY p.created_at DESC, p.id DESC", "ORDER BY p.title DESC, p.id DESC");
        List<String> plan = explainOnAFullTable(caller, Map.of("control", query), Map.of("control", unindexed)).get("control");
        assertThat(servedByAnIndex(plan)).as(String.join("\n", plan)).isFalse();
    }

    private Map<String, List<String>> explainOnAFullTable(User caller, Map<String, FeedQuery> queries) {
        Map<String, String> statements = new LinkedHashMap<>();
        queries.forEach((name, query) -> statements.put(name, FeedStore.sql(query)));
        return explainOnAFullTable(caller, queries, statements);
    }

    private Map<String, List<String>> explainOnAFullTable(User caller, Map<String, FeedQuery> queries, Map<String, String> statements) {
        return transactions.execute(transaction -> {
            transaction.setRollbackOnly();
            String stem = "plan" + Long.toString(System.nanoTime(), 36);
            Mono<Void> fill = db.sql("INSERT INTO users (email, username, display_name, password_hash) SELECT :stem || g || '@example.test', "
                            + ":stem || g, 'Filler ' || g, 'x' FROM generate_series(1, 2000) AS g")
                    .bind("stem", stem).then()
                    .then(db.sql("INSERT INTO projects (owner_id, title, tags, visibility, like_count, created_at) "
                            + "SELECT u.id, 'Filler ' || g, ARRAY['genre' || (g % 30)] || CASE WHEN g % 5000 = 0 THEN ARRAY['rare'] ELSE ARRAY[]::text[] END, "
                            + "CASE g % 3 WHEN 0 THEN 'public' WHEN 1 THEN 'private' ELSE 'unlisted' END, g % 500, "
                            + "now() - g * interval '1 minute' "
                            + "FROM generate_series(1, 100000) AS g JOIN (SELECT id, row_number() OVER (ORDER BY id) AS n FROM users "
                            + "WHERE username LIKE :stem || '%') u ON u.n = 1 + g % 2000")
                            .bind("stem", stem).then())
                    .then(db.sql("INSERT INTO follows (follower_id, followee_id) SELECT :caller, id FROM users "
                            + "WHERE username LIKE :stem || '%' ORDER BY id LIMIT 200")
                            .bind("caller", caller.id()).bind("stem", stem).then())
                    // Scores for every filler project in every period, active over the last 70 days.
                    .then(db.sql("INSERT INTO project_trending (project_id, period, score, last_activity_at) "
                            + "SELECT p.id, per.period, (hashtext(p.id::text) % 1000) / 100.0, p.created_at FROM projects p "
                            + "CROSS JOIN (VALUES ('day'), ('week'), ('month')) AS per (period) WHERE p.owner_id IN "
                            + "(SELECT id FROM users WHERE username LIKE :stem || '%')").bind("stem", stem).then())
                    // What autovacuum does on a live table: the GIN pending lists are merged, which the planner's costs assume.
                    .then(db.sql("SELECT gin_clean_pending_list('projects_public_tags_idx')").then())
                    .then(db.sql("SELECT gin_clean_pending_list('projects_tags_idx')").then())
                    .then(db.sql("ANALYZE projects").then())
                    .then(db.sql("ANALYZE users").then())
                    .then(db.sql("ANALYZE follows").then())
                    .then(db.sql("ANALYZE project_trending").then());
            return fill.thenMany(Flux.fromIterable(queries.entrySet()).concatMap(entry ->
                    FeedStore.bind(db.sql("EXPLAIN " + statements.get(entry.getKey())), entry.getValue())
                            .map(row -> row.get(0, String.class)).all().collectList()
                            .map(plan -> Map.entry(entry.getKey(), plan))))
                    .collectMap(Map.Entry::getKey, Map.Entry::getValue);
        }).single().block(Duration.ofSeconds(180));
    }
}
