package dev.dawg.projects;

import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.dawg.support.Api;
import dev.dawg.support.Api.User;
import dev.dawg.support.IntegrationTest;

import static dev.dawg.support.Api.MAP;
import static dev.dawg.support.Api.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * One account trying to fill the database with project history (issue 15, finding 7): the per-user budget of
 * project writes and of creations, the cap on live projects, the cap on labelled versions, and the per-user quota
 * of history bytes (stored size), each with small values.
 */
@IntegrationTest
@TestPropertySource(properties = { "dawg.project-limits.writes=60", "dawg.project-limits.creates=10",
        "dawg.project-limits.max-projects=6", "dawg.project-limits.max-labelled-versions=3",
        "dawg.project-limits.history-quota=120KB" })
public class ProjectWriteLimitsIntegrationTests {

    static final int WRITES = 60;
    static final long QUOTA = 120 * 1024;
    static final MediaType MERGE_PATCH = MediaType.parseMediaType("application/merge-patch+json");

    @Autowired
    Api api;
    @Autowired
    DatabaseClient db;

    private final Random random = new Random(15);

    @Test
    void shouldRefuseEveryKindOfProjectWritePastTheUsersBudgetWith429() {
        User owner = api.signUp();
        Object id = api.createProject(owner, Map.of("title", "Autosaved")).get("id");
        int version = 1;
        int spent = 1;
        put(owner, id, version++, Map.of("take", 0)).expectStatus().isOk()
                .expectHeader().valueEquals("RateLimit-Limit", String.valueOf(WRITES))
                .expectHeader().valueEquals("RateLimit-Remaining", String.valueOf(WRITES - 2));
        spent++;
        mergePatch(owner, id, version++, Map.of("title", "Patched")).expectStatus().isOk();
        restore(owner, id, 1).expectStatus().isOk();
        version++;
        label(owner, id, 1, "first").expectStatus().isOk();
        post(owner, "/api/projects/" + id + "/duplicate", null).expectStatus().isCreated();
        post(owner, "/api/projects/import", exportOf(owner, id)).expectStatus().isCreated();
        spent += 5;
        // A write refused before it stored anything is not charged: a client retrying after losing a race pays once.
        assertProblem(put(owner, id, 1, Map.of("take", "stale")), 409, "VERSION_CONFLICT");
        assertProblem(mergePatch(owner, id, 1, Map.of("title", "Stale")), 409, "VERSION_CONFLICT");
        assertProblem(api.putProject(owner, id, version, Map.of("title", "No data")), 400, "VALIDATION_FAILED");
        put(owner, id, version++, Map.of("take", spent)).expectStatus().isOk()
                .expectHeader().valueEquals("RateLimit-Remaining", String.valueOf(WRITES - spent - 1));
        spent++;
        while (spent < WRITES) {
            put(owner, id, version++, Map.of("take", spent)).expectStatus().isOk();
            spent++;
        }
        int projectsBefore = projectCount(owner);

        WebTestClient.ResponseSpec refused = put(owner, id, version, Map.of("take", "one too many"));
        refused.expectHeader().exists(HttpHeaders.RETRY_AFTER)
                .expectHeader().valueEquals("RateLimit-Limit", String.valueOf(WRITES))
                .expectHeader().valueEquals("RateLimit-Remaining", "0")
                .expectHeader().exists("RateLimit-Reset");
        assertThat(assertProblem(refused, 429, "RATE_LIMITED")).containsKey("retryAfterSeconds");
        assertProblem(mergePatch(owner, id, version, Map.of("title", "Again")), 429, "RATE_LIMITED");
        assertProblem(restore(owner, id, 1), 429, "RATE_LIMITED");
        assertProblem(label(owner, id, 2, "late"), 429, "RATE_LIMITED");
        assertProblem(post(owner, "/api/projects", Map.of("title", "More")), 429, "RATE_LIMITED");
        assertProblem(post(owner, "/api/projects/" + id + "/duplicate", null), 429, "RATE_LIMITED");
        assertProblem(post(owner, "/api/projects/import", exportOf(owner, id)), 429, "RATE_LIMITED");
        // Nothing was written past the budget.
        assertThat(currentVersion(owner, id)).isEqualTo(version);
        assertThat(projectCount(owner)).isEqualTo(projectsBefore);

        // The budget is the user's: another user (even on a project they may edit) still has theirs.
        User other = api.signUp();
        Object theirs = api.createProject(other).get("id");
        put(other, theirs, 1, Map.of("take", 1)).expectStatus().isOk();
    }

    @Test
    void shouldRefuseCreatingProjectsPastTheCreationBudget() {
        User owner = api.signUp();
        Object kept = null;
        for (int created = 0; created < 10; created++) {
            Object id = api.createProject(owner).get("id");
            if (kept == null) {
                kept = id;
            }
            else {
                delete(owner, id);
            }
        }
        assertThat((String) assertProblem(post(owner, "/api/projects", Map.of("title", "Eleventh")), 429, "RATE_LIMITED").get("detail"))
                .contains("retry");
        assertProblem(post(owner, "/api/projects/" + kept + "/duplicate", null), 429, "RATE_LIMITED");
        assertProblem(post(owner, "/api/projects/import", exportOf(owner, kept)), 429, "RATE_LIMITED");
        assertThat(projectCount(owner)).isEqualTo(1);
        // Creations have their own, tighter budget: saving the project still works.
        put(owner, kept, 1, Map.of("take", 1)).expectStatus().isOk();
    }

    @Test
    void shouldCapTheLiveProjectsOfOneUser() {
        User owner = api.signUp();
        List<Object> ids = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            ids.add(api.createProject(owner).get("id"));
        }
        Map<String, Object> refused = assertProblem(post(owner, "/api/projects", Map.of("title", "Seventh")), 409, "QUOTA_EXCEEDED");
        assertThat((String) refused.get("detail")).contains("6 projects");
        assertProblem(post(owner, "/api/projects/" + ids.get(0) + "/duplicate", null), 409, "QUOTA_EXCEEDED");
        assertThat(projectCount(owner)).isEqualTo(6);
        assertThat(rowCount("SELECT count(*) AS n FROM projects WHERE owner_id = :owner", owner.id())).isEqualTo(6);

        delete(owner, ids.get(0));
        api.createProject(owner, Map.of("title", "Room again"));
        assertThat(projectCount(owner)).isEqualTo(6);
    }

    @Test
    void shouldCapLabelledVersionsPerProject() {
        User owner = api.signUp();
        Object id = api.createProject(owner, Map.of("title", "Labelled", "label", "sketch")).get("id");
        putLabelled(owner, id, 1, Map.of("take", 2), "verse").expectStatus().isOk();
        put(owner, id, 2, Map.of("take", 3)).expectStatus().isOk();
        label(owner, id, 3, "chorus").expectStatus().isOk();
        put(owner, id, 3, Map.of("take", 4)).expectStatus().isOk();

        Map<String, Object> refused = assertProblem(label(owner, id, 4, "bridge"), 409, "QUOTA_EXCEEDED");
        assertThat((String) refused.get("detail")).contains("3 labelled versions");
        // Renaming a labelled version adds none.
        label(owner, id, 2, "verse 2").expectStatus().isOk();
        // A write that would label one more is refused whole: no version 5.
        assertProblem(putLabelled(owner, id, 4, Map.of("take", 5), "outro"), 409, "QUOTA_EXCEEDED");
        assertProblem(post(owner, "/api/projects/" + id + "/versions/1/restore?label=again", null), 409, "QUOTA_EXCEEDED");
        assertThat(currentVersion(owner, id)).isEqualTo(4);
        assertThat(labels(owner, id)).containsExactly("4:null", "3:chorus", "2:verse 2", "1:sketch");

        // Unlabelling one makes room.
        label(owner, id, 1, null).expectStatus().isOk();
        label(owner, id, 4, "bridge").expectStatus().isOk();
        assertThat(labels(owner, id)).containsExactly("4:bridge", "3:chorus", "2:verse 2", "1:null");
    }

    @Test
    void shouldKeepHistoryWithinTheQuotaByPruningAndRefuseWhatCannotFitLeavingNothingHalfWritten() {
        User owner = api.signUp();
        List<Object> ids = new ArrayList<>();
        Map<String, Object> refused = null;
        // Each project holds one ~27 KB (stored) version that no pruning may take: the quota fills up.
        for (int i = 0; i < 6 && refused == null; i++) {
            WebTestClient.ResponseSpec response = post(owner, "/api/projects", Map.of("title", "Big " + i, "projectData", blob(36_000)));
            if (ids.size() < 3) {
                ids.add(response.expectStatus().isCreated().expectBody(MAP).returnResult().getResponseBody().get("id"));
            }
            else {
                Map<String, Object> body = response.expectBody(MAP).returnResult().getResponseBody();
                if (body.containsKey("id")) {
                    ids.add(body.get("id"));
                }
                else {
                    refused = body;
                }
            }
        }
        assertThat(refused).as("a creation past the history quota is refused").isNotNull()
                .containsEntry("status", 413).containsEntry("code", "QUOTA_EXCEEDED");
        assertThat((String) refused.get("detail")).contains("history").contains(String.valueOf(QUOTA));
        assertThat(projectCount(owner)).isEqualTo(ids.size());
        assertCounterIsExact(owner);
        assertThat(counter(owner)).isLessThanOrEqualTo(QUOTA);

        // Near the quota the user keeps working: the project's own older unlabelled versions make room.
        Object first = ids.get(0);
        put(owner, first, 1, blob(36_000)).expectStatus().isOk();
        put(owner, first, 2, blob(36_000)).expectStatus().isOk();
        assertThat(labels(owner, first)).containsExactly("3:null");
        assertCounterIsExact(owner);

        // With nothing unlabelled left to prune, a write that cannot fit is refused and changes nothing.
        label(owner, first, 3, "keeper").expectStatus().isOk();
        Map<String, Object> before = api.getProject(owner, first).expectStatus().isOk().expectBody(MAP).returnResult().getResponseBody();
        long counterBefore = counter(owner);
        Map<String, Object> tooMuch = assertProblem(put(owner, first, 3, blob(36_000)), 413, "QUOTA_EXCEEDED");
        assertThat((String) tooMuch.get("detail")).contains("history").contains("label");
        assertThat(tooMuch).containsEntry("limitBytes", (int) QUOTA);
        assertThat(api.getProject(owner, first).expectStatus().isOk().expectBody(MAP).returnResult().getResponseBody()).isEqualTo(before);
        assertThat(labels(owner, first)).containsExactly("3:keeper");
        assertThat(counter(owner)).isEqualTo(counterBefore);
        assertCounterIsExact(owner);
        // A small change still fits.
        put(owner, first, 3, Map.of("small", true)).expectStatus().isOk();

        // Deleting a project gives its history back.
        long beforeDelete = counter(owner);
        delete(owner, ids.get(1));
        assertThat(counter(owner)).isLessThan(beforeDelete);
        assertCounterIsExact(owner);
        post(owner, "/api/projects", Map.of("title", "Fits again", "projectData", blob(36_000))).expectStatus().isCreated();
        assertCounterIsExact(owner);
    }

    @Test
    void shouldKeepTheHistoryCounterExactUnderConcurrentWriters() throws Exception {
        User owner = api.signUp();
        int projects = 5;
        int rounds = 10;
        List<Object> ids = new ArrayList<>();
        for (int i = 0; i < projects; i++) {
            ids.add(api.createProject(owner, Map.of("title", "Race " + i, "projectData", blob(10_000))).get("id"));
        }
        ExecutorService writers = Executors.newFixedThreadPool(projects);
        try {
            for (int round = 1; round <= rounds; round++) {
                CountDownLatch start = new CountDownLatch(1);
                List<Future<Integer>> answers = new ArrayList<>();
                for (Object id : ids) {
                    Map<String, Object> data = blob(10_000);
                    int version = round;
                    answers.add(writers.submit(() -> {
                        start.await();
                        return put(owner, id, version, data).returnResult(String.class).getStatus().value();
                    }));
                }
                start.countDown();
                for (Future<Integer> answer : answers) {
                    // Every head fits (5 × ~8 KB): pruning the older versions always makes room.
                    assertThat(answer.get()).isEqualTo(200);
                }
            }
        }
        finally {
            writers.shutdownNow();
        }
        assertCounterIsExact(owner);
        assertThat(counter(owner)).isLessThanOrEqualTo(QUOTA);
        for (Object id : ids) {
            assertThat(currentVersion(owner, id)).isEqualTo(rounds + 1);
        }
    }

    // ---- helpers

    /**
     * Near the quota, room is made a whole chain (a snapshot and its deltas) at a time, never leaving a delta without
     * the versions it is rebuilt from, and never taking the versions a labelled delta needs (V30).
     */
    @Test
    void shouldMakeRoomForHistoryChainByChainKeepingEveryRemainingVersionReadable() {
        User owner = api.signUp();
        Object id = post(owner, "/api/projects", Map.of("title", "Chains", "projectData", blob(36_000)))
                .expectStatus().isCreated().expectBody(MAP).returnResult().getResponseBody().get("id");
        for (int version = 1; version <= 5; version++) {
            api.http().patch().uri("/api/projects/{id}", id).header(HttpHeaders.AUTHORIZATION, owner.bearer())
                    .header(HttpHeaders.IF_MATCH, "\"" + version + "\"").contentType(MERGE_PATCH)
                    .bodyValue("{\"projectData\":{\"take\":" + version + "}}").exchange().expectStatus().isOk();
        }
        assertThat(rowCount("SELECT count(*) AS n FROM project_versions v JOIN projects p ON p.id = v.project_id "
                + "WHERE p.owner_id = :owner AND v.delta IS NOT NULL", owner.id())).isEqualTo(5);
        label(owner, id, 4, "the take we liked").expectStatus().isOk();
        int version = 6;
        // Each PUT is a ~27 KB snapshot: the fourth cannot fit without pruning older chains.
        for (int put = 0; put < 4; put++) {
            put(owner, id, version, blob(36_000)).expectStatus().isOk();
            version++;
        }
        assertCounterIsExact(owner);
        assertThat(counter(owner)).isLessThanOrEqualTo(QUOTA);
        List<String> kept = labels(owner, id);
        assertThat(kept).contains("4:the take we liked", "1:null", "2:null", "3:null").doesNotContain("5:null", "6:null");
        for (String entry : kept) {
            int stored = Integer.parseInt(entry.substring(0, entry.indexOf(':')));
            api.http().get().uri("/api/projects/{id}/versions/{v}", id, stored).header(HttpHeaders.AUTHORIZATION, owner.bearer())
                    .exchange().expectStatus().isOk();
        }
        Map<String, Object> labelled = api.http().get().uri("/api/projects/{id}/versions/4", id).header(HttpHeaders.AUTHORIZATION, owner.bearer())
                .exchange().expectStatus().isOk().expectBody(MAP).returnResult().getResponseBody();
        assertThat(((Map<?, ?>) labelled.get("projectData")).get("take")).isEqualTo(3);
    }

    /** Random (barely compressible) text, so the stored size is close to the length. */
    private Map<String, Object> blob(int characters) {
        byte[] bytes = new byte[characters * 3 / 4];
        random.nextBytes(bytes);
        return Map.of("audio", Base64.getEncoder().encodeToString(bytes));
    }

    private void assertCounterIsExact(User owner) {
        // A version stores its document or, written by a PATCH, its delta (V30): the counter covers both.
        Long stored = db.sql("SELECT coalesce(sum(coalesce(pg_column_size(v.project_data), 0) + coalesce(pg_column_size(v.delta), 0)), 0) "
                        + "AS n FROM project_versions v "
                        + "JOIN projects p ON p.id = v.project_id WHERE p.owner_id = :owner")
                .bind("owner", owner.id()).map(row -> row.get("n", Number.class).longValue()).one().block();
        assertThat(counter(owner)).as("the history counter equals the stored bytes of the user's versions").isEqualTo(stored);
    }

    private long counter(User owner) {
        return db.sql("SELECT history_bytes FROM project_usage WHERE user_id = :owner").bind("owner", owner.id())
                .map(row -> row.get("history_bytes", Number.class).longValue()).one().blockOptional().orElse(0L);
    }

    private long rowCount(String sql, UUID owner) {
        return db.sql(sql).bind("owner", owner).map(row -> row.get("n", Number.class).longValue()).one().block();
    }

    private WebTestClient.ResponseSpec put(User user, Object id, int version, Map<String, Object> data) {
        return api.putProject(user, id, version, Map.of("title", "Take", "projectData", data));
    }

    private WebTestClient.ResponseSpec putLabelled(User user, Object id, int version, Map<String, Object> data, String label) {
        return api.putProject(user, id, version, Map.of("title", "Take", "projectData", data, "label", label));
    }

    private WebTestClient.ResponseSpec mergePatch(User user, Object id, int version, Map<String, Object> patch) {
        return api.http().patch().uri("/api/projects/{id}", id).header(HttpHeaders.AUTHORIZATION, user.bearer())
                .header(HttpHeaders.IF_MATCH, "\"" + version + "\"").contentType(MERGE_PATCH).bodyValue(patch).exchange();
    }

    private WebTestClient.ResponseSpec restore(User user, Object id, int version) {
        return post(user, "/api/projects/" + id + "/versions/" + version + "/restore", null);
    }

    private WebTestClient.ResponseSpec label(User user, Object id, int version, String label) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("label", label);
        return api.http().patch().uri("/api/projects/{id}/versions/{v}", id, version).header(HttpHeaders.AUTHORIZATION, user.bearer())
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }

    private WebTestClient.ResponseSpec post(User user, String path, Object body) {
        WebTestClient.RequestBodySpec request = api.http().post().uri(path).header(HttpHeaders.AUTHORIZATION, user.bearer());
        return body == null ? request.exchange() : request.contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }

    private void delete(User user, Object id) {
        api.http().delete().uri("/api/projects/{id}", id).header(HttpHeaders.AUTHORIZATION, user.bearer()).exchange()
                .expectStatus().isNoContent();
    }

    private Map<String, Object> exportOf(User user, Object id) {
        return api.http().get().uri("/api/projects/{id}/export", id).header(HttpHeaders.AUTHORIZATION, user.bearer()).exchange()
                .expectStatus().isOk().expectBody(MAP).returnResult().getResponseBody();
    }

    private int currentVersion(User user, Object id) {
        return (Integer) api.getProject(user, id).expectStatus().isOk().expectBody(MAP).returnResult().getResponseBody().get("version");
    }

    private int projectCount(User user) {
        Map<String, Object> page = api.http().get().uri("/api/projects?limit=100").header(HttpHeaders.AUTHORIZATION, user.bearer())
                .exchange().expectStatus().isOk().expectBody(MAP).returnResult().getResponseBody();
        return ((List<?>) page.get("items")).size();
    }

    private List<String> labels(User user, Object id) {
        Map<String, Object> page = api.http().get().uri("/api/projects/{id}/versions?limit=100", id)
                .header(HttpHeaders.AUTHORIZATION, user.bearer()).exchange().expectStatus().isOk()
                .expectBody(MAP).returnResult().getResponseBody();
        return ((List<?>) page.get("items")).stream().map(v -> ((Map<?, ?>) v).get("version") + ":" + ((Map<?, ?>) v).get("label")).toList();
    }
}
