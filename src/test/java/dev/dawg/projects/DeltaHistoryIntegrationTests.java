package dev.dawg.projects;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;

import dev.dawg.support.Api;
import dev.dawg.support.Api.User;
import dev.dawg.support.IntegrationTest;

import static dev.dawg.projects.DocumentFidelityIntegrationTests.projectData;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 20, item 4: a PATCH is stored in history as a delta of the document (a snapshot every
 * {@link ProjectStore#CHAIN_VERSIONS} versions), and every version read from history, restored or left after pruning
 * is byte for byte the document it had, rebuilt from its snapshot and deltas with nothing of it in memory. The
 * project's own row keeps its chain's snapshot rather than the whole document again (V31): the head is rebuilt the
 * same way by every read that does not find it in memory (a read, a share link, a copy, an export, the next patch).
 */
@IntegrationTest
class DeltaHistoryIntegrationTests {

    /** A document as a client wrote it (spacing, number spelling, escapes), which the first delta starts from. */
    static final String DOCUMENT = "{ \"tracks\" : [ {\"volume\": 0.80, \"name\":\"Dr\\u0075ms\"}, {\"volume\":1e0} ],\n \"tempo\":120 }";

    @Autowired
    Api api;

    @Autowired
    ProjectDocumentCache documents;

    @Autowired
    ProjectStore store;

    @Autowired
    ProjectMetadataCache heads;

    @Autowired
    PatchBases bases;

    @Autowired
    DatabaseClient db;

    User owner;

    @BeforeEach
    void owner() {
        owner = api.signUp();
    }

    @Test
    void shouldStoreAPatchChainAsDeltasAndReadEveryVersionBackByteForByte() {
        String id = create();
        Map<Integer, String> answered = patchChain(id, 70);
        Map<Integer, String> kinds = kinds(id);
        assertThat(kinds).hasSize(71);
        // A snapshot when created, then one every CHAIN_VERSIONS versions; a title-only patch stores no document at all.
        assertThat(kinds.get(1)).isEqualTo("snapshot");
        assertThat(kinds.get(1 + ProjectStore.CHAIN_VERSIONS)).isEqualTo("snapshot");
        assertThat(kinds.get(1 + 2 * ProjectStore.CHAIN_VERSIONS)).isEqualTo("snapshot");
        assertThat(kinds.values().stream().filter("snapshot"::equals).count()).isEqualTo(3);
        assertThat(kinds.get(2)).isEqualTo("json-patch");
        assertThat(kinds.get(3)).isEqualTo("merge-patch");
        assertThat(kinds.get(7)).isEqualTo("unchanged");
        assertThat(largestDelta(id)).isLessThan(200);

        documents.forgetAll();
        for (Map.Entry<Integer, String> version : answered.entrySet()) {
            assertThat(historyDocument(id, version.getKey())).as("version %d", version.getKey()).isEqualTo(version.getValue());
        }
        assertThat(historyDocument(id, 1)).isEqualTo(DOCUMENT);
    }

    @Test
    void shouldRestoreAVersionFromTheMiddleOfAChainAsItWas() {
        String id = create();
        Map<Integer, String> answered = patchChain(id, 20);
        documents.forgetAll();
        byte[] restored = api.http().post().uri("/api/projects/{id}/versions/12/restore", id).header(HttpHeaders.AUTHORIZATION, owner.bearer())
                .header(HttpHeaders.IF_MATCH, "\"21\"").contentType(MediaType.APPLICATION_JSON).exchange()
                .expectStatus().isOk().expectBody().returnResult().getResponseBody();
        assertThat(projectData(restored)).isEqualTo(answered.get(12));
        documents.forgetAll();
        assertThat(historyDocument(id, 22)).isEqualTo(answered.get(12));
        assertThat(kinds(id).get(22)).isEqualTo("snapshot");
        // The chain goes on from the restored snapshot.
        String next = patch(id, 22, "[{\"op\":\"add\",\"path\":\"/projectData/after\",\"value\":1.0}]", ProjectIntegrationTests.JSON_PATCH);
        assertThat(kinds(id).get(23)).isEqualTo("json-patch");
        documents.forgetAll();
        assertThat(historyDocument(id, 23)).isEqualTo(next);
    }

    @Test
    void shouldPruneAcrossASnapshotBoundaryKeepingWhatKeptDeltasAreRebuiltFrom() {
        String id = create();
        Map<Integer, String> answered = patchChain(id, 39);
        label(id, 10, "the chorus idea");
        // Retention 5 of version 40: 36..40 are kept, and they are deltas of the snapshot at 33, so 33..35 stay; the
        // labelled delta 10 keeps 1..9; everything else up to 35 goes.
        store.prune(UUID.fromString(id), 40, 5).block(Duration.ofSeconds(30));
        List<Integer> expected = new ArrayList<>();
        for (int version = 1; version <= 10; version++) {
            expected.add(version);
        }
        for (int version = 33; version <= 40; version++) {
            expected.add(version);
        }
        assertThat(kinds(id).keySet()).containsExactlyElementsOf(expected);
        documents.forgetAll();
        for (int version : expected) {
            assertThat(historyDocument(id, version)).as("version %d", version).isEqualTo(answered.get(version));
        }
        assertThat(historyBytesCounted()).isEqualTo(historyBytesStored());

        // With the label removed, the chain before 33 goes as a whole at the next prune.
        label(id, 10, null);
        store.prune(UUID.fromString(id), 40, 5).block(Duration.ofSeconds(30));
        assertThat(kinds(id).keySet()).containsExactly(33, 34, 35, 36, 37, 38, 39, 40);
        assertThat(historyBytesCounted()).isEqualTo(historyBytesStored());
    }

    @Test
    void shouldLetExactlyOneOfTwoPatchesOfTheSameVersionLand() throws Exception {
        String id = create();
        patchChain(id, 3);
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService clients = Executors.newFixedThreadPool(2);
        try {
            List<Future<Integer>> statuses = new ArrayList<>();
            for (int client = 0; client < 2; client++) {
                String body = "[{\"op\":\"replace\",\"path\":\"/projectData/tempo\",\"value\":" + (130 + client) + "}]";
                Callable<Integer> call = () -> {
                    start.await();
                    return api.http().patch().uri("/api/projects/{id}", id).header(HttpHeaders.AUTHORIZATION, owner.bearer())
                            .header(HttpHeaders.IF_MATCH, "\"4\"").contentType(ProjectIntegrationTests.JSON_PATCH).bodyValue(body)
                            .exchange().returnResult(byte[].class).getStatus().value();
                };
                statuses.add(clients.submit(call));
            }
            start.countDown();
            List<Integer> answers = new ArrayList<>();
            for (Future<Integer> status : statuses) {
                answers.add(status.get());
            }
            assertThat(answers).containsExactlyInAnyOrder(200, 409);
        }
        finally {
            clients.shutdownNow();
        }
        assertThat(kinds(id).keySet()).containsExactly(1, 2, 3, 4, 5);
        documents.forgetAll();
        String fifth = historyDocument(id, 5);
        assertThat(fifth).satisfiesAnyOf(text -> assertThat(text).contains("\"tempo\":130"), text -> assertThat(text).contains("\"tempo\":131"));
        assertThat(coldRead(id)).isEqualTo(fifth);
    }

    @Test
    void shouldCountADeltasStoredBytesInTheOwnersHistory() {
        String id = create();
        long before = historyBytesCounted();
        patchChain(id, 5);
        long deltaBytes = db.sql("SELECT coalesce(sum(pg_column_size(delta)), 0) AS n FROM project_versions WHERE project_id = :id")
                .bind("id", UUID.fromString(id)).map(row -> row.get("n", Number.class).longValue()).one().block();
        assertThat(deltaBytes).isPositive();
        assertThat(historyBytesCounted()).isEqualTo(before + deltaBytes).isEqualTo(historyBytesStored());
    }


    @Test
    void shouldKeepTheChainsSnapshotInTheProjectRowAndRebuildTheHeadOnEveryColdRead() {
        String id = create();
        Map<Integer, String> answered = new LinkedHashMap<>();
        answered.put(1, DOCUMENT);
        int last = 1 + ProjectStore.CHAIN_VERSIONS + 3;
        for (int base = 1; base < last; base++) {
            answered.putAll(patchChainFrom(id, base, 1));
            int version = base + 1;
            Map<String, Object> row = storedRow(id);
            if (kinds(id).get(version).equals("snapshot")) {
                // A snapshot (every CHAIN_VERSIONS versions) is written to the row too: the chain starts again from it.
                assertThat(row.get("data_version")).as("version %d", version).isNull();
                assertThat(row.get("document")).isEqualTo(answered.get(version));
            }
            else {
                int snapshot = version > ProjectStore.CHAIN_VERSIONS ? 1 + ProjectStore.CHAIN_VERSIONS : 1;
                assertThat(row.get("data_version")).as("version %d", version).isEqualTo(snapshot);
                assertThat(row.get("document")).as("version %d", version).isEqualTo(answered.get(snapshot));
            }
            assertThat(coldRead(id)).as("version %d", version).isEqualTo(answered.get(version));
        }
        assertThat(kinds(id).get(1 + ProjectStore.CHAIN_VERSIONS)).isEqualTo("snapshot");
    }

    @Test
    void shouldPatchAHeadRebuiltFromItsDeltasAsItPatchesTheOneInMemory() {
        String warm = create();
        String cold = create();
        for (int base = 1; base <= 12; base++) {
            String fromMemory = patchChainFrom(warm, base, 1).get(base + 1);
            documents.forgetAll();
            bases.forgetAll();
            heads.changed(UUID.fromString(cold));
            String rebuilt = patchChainFrom(cold, base, 1).get(base + 1);
            assertThat(rebuilt).as("version %d", base + 1).isEqualTo(fromMemory);
        }
        assertThat(storedRow(cold).get("data_version")).isEqualTo(1);
        assertThat(coldRead(cold)).isEqualTo(coldRead(warm));
    }

    @Test
    void shouldPatchWhatThisNodeWroteLastOnlyAtThatVersion() {
        String id = create();
        patchChainFrom(id, 1, 3);
        // Another node's write (a PUT here, which keeps no base) moves the project on: the base of version 4 is not used
        // for version 5, and the patch reads the project as it is.
        api.http().put().uri("/api/projects/{id}", id).header(HttpHeaders.AUTHORIZATION, owner.bearer()).header(HttpHeaders.IF_MATCH, "\"4\"")
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"title\":\"Put\",\"projectData\":{\"tracks\":[{\"volume\":0.5}],\"from\":\"put\"}}")
                .exchange().expectStatus().isOk();
        String fifthToSixth = patch(id, 5, "[{\"op\":\"replace\",\"path\":\"/projectData/tracks/0/volume\",\"value\":0.25}]",
                ProjectIntegrationTests.JSON_PATCH);
        assertThat(fifthToSixth).isEqualTo("{\"tracks\":[{\"volume\":0.25}],\"from\":\"put\"}");
        // A patch of a version already overtaken finds no base for it and is refused: nothing is patched twice.
        api.http().patch().uri("/api/projects/{id}", id).header(HttpHeaders.AUTHORIZATION, owner.bearer()).header(HttpHeaders.IF_MATCH, "\"5\"")
                .contentType(ProjectIntegrationTests.JSON_PATCH).bodyValue("[{\"op\":\"add\",\"path\":\"/projectData/late\",\"value\":1}]")
                .exchange().expectStatus().isEqualTo(409);
        // A failed patch (its test fails after an edit) gives up the base it edited, and the next patch starts clean.
        api.http().patch().uri("/api/projects/{id}", id).header(HttpHeaders.AUTHORIZATION, owner.bearer()).header(HttpHeaders.IF_MATCH, "\"6\"")
                .contentType(ProjectIntegrationTests.JSON_PATCH)
                .bodyValue("[{\"op\":\"add\",\"path\":\"/projectData/half\",\"value\":1},{\"op\":\"test\",\"path\":\"/title\",\"value\":\"no\"}]")
                .exchange().expectStatus().isEqualTo(409);
        String seventh = patch(id, 6, "[{\"op\":\"add\",\"path\":\"/projectData/whole\",\"value\":true}]", ProjectIntegrationTests.JSON_PATCH);
        assertThat(seventh).isEqualTo("{\"tracks\":[{\"volume\":0.25}],\"from\":\"put\",\"whole\":true}");
        assertThat(coldRead(id)).isEqualTo(seventh);
    }

    @Test
    void shouldShareCopyAndExportAHeadStoredAsDeltas() {
        String id = create();
        String head = patchChainFrom(id, 1, 6).get(7);
        assertThat(storedRow(id).get("data_version")).isEqualTo(1);
        byte[] link = api.http().post().uri("/api/projects/{id}/shares", id).header(HttpHeaders.AUTHORIZATION, owner.bearer())
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"accessLevel\":\"view\"}").exchange()
                .expectStatus().isCreated().expectBody().returnResult().getResponseBody();
        String token = (String) tools.jackson.databind.json.JsonMapper.builder().build().readValue(link, Map.class).get("token");

        documents.forgetAll();
        byte[] shared = api.http().get().uri("/api/shares/{token}", token).exchange().expectStatus().isOk().expectBody()
                .returnResult().getResponseBody();
        assertThat(projectData(shared)).isEqualTo(head);
        assertThat(new String(shared, java.nio.charset.StandardCharsets.UTF_8)).contains("\"version\":7");

        documents.forgetAll();
        assertThat(projectData(api.http().get().uri("/api/projects/{id}/export", id).header(HttpHeaders.AUTHORIZATION, owner.bearer())
                .exchange().expectStatus().isOk().expectBody().returnResult().getResponseBody())).isEqualTo(head);

        documents.forgetAll();
        byte[] copy = api.http().post().uri("/api/projects/{id}/duplicate", id).header(HttpHeaders.AUTHORIZATION, owner.bearer())
                .exchange().expectStatus().isCreated().expectBody().returnResult().getResponseBody();
        assertThat(projectData(copy)).isEqualTo(head);
    }

    @Test
    void shouldNeverPruneTheSnapshotAndDeltasTheHeadIsRebuiltFrom() {
        String id = create();
        Map<Integer, String> answered = patchChain(id, 12);
        assertThat(storedRow(id).get("data_version")).isEqualTo(1);
        // A retention of 0 would keep no version at all; the head's chain stays whatever the retention says.
        store.prune(UUID.fromString(id), 13, 0).block(Duration.ofSeconds(30));
        assertThat(kinds(id)).hasSize(13);
        assertThat(coldRead(id)).isEqualTo(answered.get(13));
        assertThat(historyBytesCounted()).isEqualTo(historyBytesStored());
    }

    /** The current version's document as a node that holds nothing of the project in memory reads it. */
    private String coldRead(String id) {
        documents.forgetAll();
        bases.forgetAll();
        heads.changed(UUID.fromString(id));
        return projectData(api.http().get().uri("/api/projects/{id}", id).header(HttpHeaders.AUTHORIZATION, owner.bearer())
                .exchange().expectStatus().isOk().expectBody().returnResult().getResponseBody());
    }

    /** The project row's document (as stored) and the version it is of (null: the current one). */
    private Map<String, Object> storedRow(String id) {
        return db.sql("SELECT project_data::text AS document, data_version FROM projects WHERE id = :id").bind("id", UUID.fromString(id))
                .map(row -> {
                    Map<String, Object> stored = new java.util.HashMap<>();
                    stored.put("document", row.get("document", String.class));
                    stored.put("data_version", row.get("data_version", Integer.class));
                    return stored;
                }).one().block(Duration.ofSeconds(30));
    }

    /**
     * {@code versions} patches after version 1, each answered document remembered by version: JSON Patch and merge
     * patch in turn, every fifth one (from version 7) a title change that leaves the document as it is.
     */
    private Map<Integer, String> patchChain(String id, int versions) {
        Map<Integer, String> answered = new LinkedHashMap<>();
        answered.put(1, DOCUMENT);
        answered.putAll(patchChainFrom(id, 1, versions));
        return answered;
    }

    /** The same, {@code versions} patches from version {@code first}: each answered document by version. */
    private Map<Integer, String> patchChainFrom(String id, int first, int versions) {
        Map<Integer, String> answered = new LinkedHashMap<>();
        for (int base = first; base < first + versions; base++) {
            String document;
            if ((base + 1) % 5 == 2 && base > 1) {
                document = patch(id, base, "{\"title\":\"Take " + base + "\"}", ProjectIntegrationTests.MERGE_PATCH);
            }
            else if (base % 2 == 1) {
                document = patch(id, base, "[{\"op\":\"replace\",\"path\":\"/projectData/tracks/0/volume\",\"value\":" + (base % 100) / 100.0
                        + "},{\"op\":\"add\",\"path\":\"/projectData/lastSave\",\"value\":" + base + "},"
                        + "{\"op\":\"test\",\"path\":\"/visibility\",\"value\":\"private\"}]", ProjectIntegrationTests.JSON_PATCH);
            }
            else {
                document = patch(id, base, "{\"projectData\":{\"tracks\":[{\"volume\":1e-1,\"take\":" + base + "}],\"s\":\"\\u00e9\"}}",
                        ProjectIntegrationTests.MERGE_PATCH);
            }
            answered.put(base + 1, document);
        }
        return answered;
    }

    private String patch(String id, int base, String body, MediaType type) {
        return projectData(api.http().patch().uri("/api/projects/{id}", id).header(HttpHeaders.AUTHORIZATION, owner.bearer())
                .header(HttpHeaders.IF_MATCH, "\"" + base + "\"").contentType(type).bodyValue(body).exchange()
                .expectStatus().isOk().expectBody().returnResult().getResponseBody());
    }

    private String create() {
        byte[] created = api.http().post().uri("/api/projects").header(HttpHeaders.AUTHORIZATION, owner.bearer())
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"title\":\"Delta\",\"projectData\":" + DOCUMENT + "}")
                .exchange().expectStatus().isCreated().expectBody().returnResult().getResponseBody();
        return (String) tools.jackson.databind.json.JsonMapper.builder().build().readValue(created, Map.class).get("id");
    }

    private void label(String id, int version, String label) {
        api.http().patch().uri("/api/projects/{id}/versions/{v}", id, version).header(HttpHeaders.AUTHORIZATION, owner.bearer())
                .contentType(MediaType.APPLICATION_JSON).bodyValue(label == null ? "{\"label\":null}" : "{\"label\":\"" + label + "\"}")
                .exchange().expectStatus().isOk();
    }

    private String historyDocument(String id, int version) {
        return projectData(api.http().get().uri("/api/projects/{id}/versions/{v}", id, version).header(HttpHeaders.AUTHORIZATION, owner.bearer())
                .exchange().expectStatus().isOk().expectBody().returnResult().getResponseBody());
    }

    /** Each stored version's kind: snapshot, or the kind of its delta. */
    private Map<Integer, String> kinds(String id) {
        Map<Integer, String> kinds = new LinkedHashMap<>();
        db.sql("SELECT version, coalesce(delta_kind, 'snapshot') AS kind FROM project_versions WHERE project_id = :id ORDER BY version")
                .bind("id", UUID.fromString(id)).map(row -> Map.entry(row.get("version", Integer.class), row.get("kind", String.class)))
                .all().collectList().block(Duration.ofSeconds(30)).forEach(entry -> kinds.put(entry.getKey(), entry.getValue()));
        return kinds;
    }

    private int largestDelta(String id) {
        return db.sql("SELECT coalesce(max(octet_length(delta::text)), 0) AS n FROM project_versions WHERE project_id = :id")
                .bind("id", UUID.fromString(id)).map(row -> row.get("n", Number.class).intValue()).one().block();
    }

    private long historyBytesCounted() {
        return db.sql("SELECT history_bytes FROM project_usage WHERE user_id = :owner").bind("owner", owner.id())
                .map(row -> row.get("history_bytes", Long.class)).one().defaultIfEmpty(0L).block();
    }

    private long historyBytesStored() {
        return db.sql("SELECT coalesce(sum(coalesce(pg_column_size(v.project_data), 0) + coalesce(pg_column_size(v.delta), 0)), 0) AS n "
                        + "FROM project_versions v JOIN projects p ON p.id = v.project_id WHERE p.owner_id = :owner")
                .bind("owner", owner.id()).map(row -> row.get("n", Number.class).longValue()).one().block();
    }
}
