package dev.dawg.projects;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.mock.web.reactive.function.server.MockServerRequest;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;

import dev.dawg.support.Api;
import dev.dawg.support.Api.User;
import dev.dawg.support.IntegrationTest;

import static dev.dawg.support.Api.MAP;
import static dev.dawg.support.Api.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/** Public project search: index-driven matching, ranking, prefix matching and relevance pages by keyset. */
@IntegrationTest
public class ProjectSearchIntegrationTests {

    @Autowired
    Api api;

    @Autowired
    DatabaseClient db;

    @Autowired
    TransactionalOperator transactions;

    /** A word no other test uses; its digit makes it a number-word, which PostgreSQL's english config never stems. */
    static String uniqueWord() {
        return "zq7" + Long.toString(System.nanoTime(), 36);
    }

    @Test
    void shouldMatchSearchTextThroughTheFullTextIndexOnly() {
        String cursor = dev.dawg.platform.web.Pages.encodeCursor("0.1", "2026-01-01T00:00:00Z", "00000000-0000-0000-0000-000000000001");
        Map<String, ProjectQuery> queries = new java.util.LinkedHashMap<>();
        for (String sort : List.of("relevance", "recent", "popular")) {
            queries.put(sort, ProjectQuery.search(MockServerRequest.builder().queryParam("q", "night dri").queryParam("sort", sort).build()));
        }
        queries.put("relevance after a cursor", ProjectQuery.search(MockServerRequest.builder().queryParam("q", "night").queryParam("cursor", cursor).build()));

        Map<String, List<String>> plans = explainOnAFullTable(api.signUp(), queries);
        plans.forEach((name, plan) -> assertThat(plan).as(name).anyMatch(line -> line.contains("Bitmap Index Scan on projects_search_idx"))
                .noneMatch(line -> line.contains("Seq Scan")));
    }

    @Test
    void shouldProveThePlanCheckTellsASubstringMatchApart() {
        // The control: with a title ILIKE next to the vector match (the old filter) every row is read.
        ProjectQuery query = ProjectQuery.search(MockServerRequest.builder().queryParam("q", "night").build());
        String oldFilter = ProjectStore.searchSql(query).replace("p.search @@ ", "(p.title ILIKE '%night%' OR p.search @@ ") .replace(" ORDER BY", ") ORDER BY");
        List<String> plan = explainOnAFullTable(api.signUp(), Map.of(oldFilter, query)).get(oldFilter);
        assertThat(plan).anyMatch(line -> line.contains("Seq Scan on projects")).noneMatch(line -> line.contains("projects_search_idx"));
    }

    @Test
    void shouldRankTitleMatchesFirstAndMatchTheLastWordAsAPrefix() {
        User owner = api.signUp();
        String word = uniqueWord();
        Object inDescription = api.createProject(owner, Map.of("title", "Other", "description", "a " + word + " groove", "visibility", "public")).get("id");
        Object inTitle = api.createProject(owner, Map.of("title", "The " + word + " anthem", "visibility", "public")).get("id");
        Object inTags = api.createProject(owner, Map.of("title", "Tagged", "tags", List.of(word), "visibility", "public")).get("id");

        assertThat(ids(search(null, "q=" + word))).containsExactly(inTitle, inTags, inDescription);
        assertThat(ids(search(null, "q=" + word.substring(0, word.length() - 3)))).containsExactly(inTitle, inTags, inDescription);
        assertThat(ids(search(null, "q=anthem " + word.substring(0, 6)))).containsExactly(inTitle);
        // Words of the text only ever reach to_tsquery: its syntax characters in q are no error.
        assertThat(ids(search(null, "q=" + word + " | ! :* ( ' <->"))).containsExactly(inTitle, inTags, inDescription);
        assertThat(ids(search(null, "q=" + word + "xyz"))).isEmpty();
    }

    @Test
    void shouldKeepExcludedWordsOutAndQuotedPhrasesTogether() {
        User owner = api.signUp();
        String word = uniqueWord();
        Object drumsOnly = api.createProject(owner, Map.of("title", word + " drums", "visibility", "public")).get("id");
        Object withPiano = api.createProject(owner, Map.of("title", word + " drums and piano", "visibility", "public")).get("id");
        Object apart = api.createProject(owner, Map.of("title", "night " + word + " drive", "visibility", "public")).get("id");
        Object together = api.createProject(owner, Map.of("title", word + " night drive", "visibility", "public")).get("id");

        assertThat(ids(search(null, "q=" + word + " drums -piano"))).containsExactly(drumsOnly);
        assertThat(ids(search(null, "q=" + word + " \"night drive\""))).containsExactly(together);
        assertThat(ids(search(null, "q=" + word + " night drive"))).containsExactlyInAnyOrder(apart, together);
    }

    @Test
    void shouldPageRelevanceByKeysetWithoutDuplicatesOrGapsWhileProjectsAreAdded() {
        User owner = api.signUp();
        String word = uniqueWord();
        List<Object> expected = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            expected.add(0, api.createProject(owner, Map.of("title", word + " title " + i, "visibility", "public")).get("id"));
        }
        List<Object> descriptions = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            descriptions.add(0, api.createProject(owner, Map.of("title", "Plain " + i, "description", "with " + word, "visibility", "public")).get("id"));
        }
        expected.addAll(descriptions);

        Map<String, Object> page = search(null, "q=" + word + "&limit=3");
        List<Object> seen = new ArrayList<>(ids(page));
        // A new best match lands before the cursor; an offset page would now repeat the third item.
        api.createProject(owner, Map.of("title", word + " newest", "visibility", "public"));
        while (page.get("nextCursor") != null) {
            page = search(null, "q=" + word + "&limit=3&cursor=" + page.get("nextCursor"));
            seen.addAll(ids(page));
        }
        assertThat(seen).containsExactlyElementsOf(expected);
    }

    @Test
    void shouldRefuseACursorOfAnotherOrderOrATamperedRank() {
        String word = uniqueWord();
        String recentCursor = dev.dawg.platform.web.Pages.encodeCursor("2026-01-01T00:00:00Z", "00000000-0000-0000-0000-000000000001");
        assertProblem(api.http().get().uri("/api/search/projects?q=" + word + "&cursor=" + recentCursor).exchange(), 400, "VALIDATION_FAILED");
        String notARank = dev.dawg.platform.web.Pages.encodeCursor("NaN", "2026-01-01T00:00:00Z", "00000000-0000-0000-0000-000000000001");
        assertProblem(api.http().get().uri("/api/search/projects?q=" + word + "&cursor=" + notARank).exchange(), 400, "VALIDATION_FAILED");
    }

    @Test
    void shouldKeepEvenAWellCompressedDocumentOutOfTheRowSearchesRead() {
        String toastTable = db.sql("SELECT reltoastrelid::regclass::text AS t FROM pg_class WHERE oid = 'projects'::regclass")
                .map(row -> row.get("t", String.class)).one().block();
        long chunksBefore = rows(toastTable);
        // ~60 KB that compresses to a few hundred bytes: PostgreSQL moves nothing out of a row under ~2 KB by itself.
        List<Map<String, Object>> clips = IntStream.range(0, 600)
                .mapToObj(i -> Map.<String, Object>of("start", 0, "length", 4, "name", "Clip of the same loop")).toList();
        Object id = api.createProject(api.signUp(), Map.of("title", "Repetitive " + uniqueWord(), "visibility", "public",
                "projectData", Map.of("clips", clips))).get("id");

        assertThat(db.sql("SELECT pg_column_size(project_data) AS n FROM projects WHERE id = :id").bind("id", UUID.fromString((String) id))
                .map(row -> row.get("n", Integer.class)).one().block()).as("the stored document, compressed").isLessThan(2_000);
        assertThat(rows(toastTable)).as("chunks of the projects' TOAST table").isGreaterThan(chunksBefore);
        assertThat(db.sql("SELECT attname FROM pg_attribute WHERE attrelid = 'projects'::regclass AND attnum > 0 "
                        + "AND NOT attisdropped AND attstorage NOT IN ('p', 'm')")
                .map(row -> row.get("attname", String.class)).all().collectList().block())
                .as("columns that toasting may move out of the row").containsExactly("project_data");
    }

    private long rows(String table) {
        return db.sql("SELECT count(*) AS n FROM " + table).map(row -> row.get("n", Long.class)).one().block();
    }

    /**
     * The plans of search statements (by name, or the statement itself) on a table of a few thousand projects,
     * half public, with fresh statistics. The rows exist only inside a transaction that is rolled back, so no
     * other test ever sees them.
     */
    private Map<String, List<String>> explainOnAFullTable(User filler, Map<String, ProjectQuery> queries) {
        return transactions.execute(transaction -> {
            transaction.setRollbackOnly();
            Mono<Void> fill = db.sql("INSERT INTO projects (owner_id, title, description, tags, visibility) SELECT :owner, 'Filler ' || g, "
                            + "'loop number ' || g, ARRAY['tag' || (g % 50)], CASE WHEN g % 2 = 0 THEN 'public' ELSE 'private' END "
                            + "FROM generate_series(1, 5000) AS g")
                    .bind("owner", filler.id()).then()
                    // What autovacuum does on a live table: the GIN pending list is merged, which the planner's costs assume.
                    .then(db.sql("SELECT gin_clean_pending_list('projects_search_idx')").then())
                    .then(db.sql("ANALYZE projects").then());
            return fill.thenMany(Flux.fromIterable(queries.entrySet()).concatMap(entry -> {
                String sql = entry.getKey().startsWith("SELECT") ? entry.getKey() : ProjectStore.searchSql(entry.getValue());
                return ProjectStore.bindSearch(db.sql("EXPLAIN " + sql), null, entry.getValue(), 21)
                        .map(row -> row.get(0, String.class)).all().collectList()
                        .map(plan -> Map.entry(entry.getKey(), plan));
            })).collectMap(Map.Entry::getKey, Map.Entry::getValue);
        }).single().block(Duration.ofSeconds(60));
    }

    private Map<String, Object> search(User user, String query) {
        var request = api.http().get().uri("/api/search/projects?" + query);
        if (user != null) {
            request = request.header(HttpHeaders.AUTHORIZATION, user.bearer());
        }
        return request.exchange().expectStatus().isOk().expectBody(MAP).returnResult().getResponseBody();
    }

    private static List<Object> ids(Map<String, Object> page) {
        return ((List<?>) page.get("items")).stream().map(p -> (Object) ((Map<?, ?>) p).get("id")).toList();
    }
}
