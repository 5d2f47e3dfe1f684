package dev.dawg.projects;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import dev.dawg.support.Api;
import dev.dawg.support.Api.User;
import dev.dawg.support.IntegrationTest;

import static dev.dawg.support.Api.MAP;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sixteen clients race whole-project PUTs, merge-patch and JSON Patch PATCHes on one project, each re-reading and
 * retrying on 409 as a DAW client does. Every client bumps only its own counter in projectData (JSON Patch clients
 * also append to their own array, after a {@code test} of their counter), so a lost update would show as a counter
 * below its client's acknowledged writes or a missing array element.
 */
@IntegrationTest
public class NoLostUpdateIntegrationTests {

    /** The README's scale run: {@code -Drace.clients=32 -Drace.writesPerClient=100}. */
    static final int CLIENTS = Integer.getInteger("race.clients", 16);
    /** By default 16 × 6 acknowledged writes plus version 1 stay inside the default history retention (100). */
    static final int WRITES_PER_CLIENT = Integer.getInteger("race.writesPerClient", 6);
    /** Clients keep writing past their share until the race has made at least this many attempts. */
    static final int MIN_ATTEMPTS = 200;
    static final int RETENTION = 100;
    static final MediaType MERGE_PATCH = MediaType.parseMediaType("application/merge-patch+json");
    static final MediaType JSON_PATCH = MediaType.parseMediaType("application/json-patch+json");

    @Autowired
    Api api;

    @Autowired
    DatabaseClient db;

    /** A write the server acknowledged: which version it made, by whom, with which counter value. */
    record Acknowledged(int version, int client, int counter) {
    }

    @Test
    void shouldNeverLoseAnAcknowledgedWriteUnderConcurrentPutsAndPatches() throws Exception {
        User owner = api.signUp();
        Map<String, Object> counters = new HashMap<>();
        Map<String, Object> takes = new HashMap<>();
        for (int client = 0; client < CLIENTS; client++) {
            counters.put("c" + client, 0);
            takes.put("c" + client, List.of());
        }
        Object id = api.createProject(owner, Map.of("title", "Contended", "projectData", Map.of("counters", counters, "takes", takes))).get("id");

        List<Acknowledged> acknowledged = Collections.synchronizedList(new ArrayList<>());
        AtomicIntegerArray acknowledgedPerClient = new AtomicIntegerArray(CLIENTS);
        AtomicInteger attempts = new AtomicInteger();
        AtomicInteger conflicts = new AtomicInteger();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int client = 0; client < CLIENTS; client++) {
                int me = client;
                running.add(clients.submit(() -> {
                    for (int n = 1; n <= WRITES_PER_CLIENT || attempts.get() < MIN_ATTEMPTS; n++) {
                        while (true) {
                            attempts.incrementAndGet();
                            EntityExchangeResult<Map<String, Object>> result = write(owner, id, me, n);
                            if (result.getStatus().value() == 200) {
                                acknowledged.add(new Acknowledged((Integer) result.getResponseBody().get("version"), me, n));
                                acknowledgedPerClient.incrementAndGet(me);
                                break;
                            }
                            assertThat(result.getStatus().value()).as("only version conflicts may refuse a write").isEqualTo(409);
                            assertThat(result.getResponseBody()).containsEntry("code", "VERSION_CONFLICT");
                            conflicts.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> future : running) {
                future.get();
            }
        }
        finally {
            clients.shutdownNow();
        }

        Map<String, Object> finalProject = api.getProject(owner, id).expectStatus().isOk().expectBody(MAP).returnResult().getResponseBody();
        assertThat(attempts.get()).isGreaterThanOrEqualTo(MIN_ATTEMPTS);
        assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(CLIENTS * WRITES_PER_CLIENT);
        assertThat(finalProject).containsEntry("version", 1 + acknowledged.size());
        @SuppressWarnings("unchecked")
        Map<String, Object> finalData = (Map<String, Object>) finalProject.get("projectData");
        @SuppressWarnings("unchecked")
        Map<String, Object> finalCounters = (Map<String, Object>) finalData.get("counters");
        @SuppressWarnings("unchecked")
        Map<String, Object> finalTakes = (Map<String, Object>) finalData.get("takes");
        for (int client = 0; client < CLIENTS; client++) {
            int acks = acknowledgedPerClient.get(client);
            assertThat(finalCounters).as("counter of client %d", client).containsEntry("c" + client, acks);
            List<Integer> appended = client % 3 == 2 ? IntStream.rangeClosed(1, acks).boxed().toList() : List.of();
            assertThat(finalTakes).as("takes appended by client %d", client).containsEntry("c" + client, appended);
        }
        assertThat(acknowledged).extracting(Acknowledged::version).doesNotHaveDuplicates();
        Map<Integer, Map<String, Object>> history = new HashMap<>();
        // Each stored version as history answers it: a PATCH's version is stored as a delta and rebuilt (issue 20, item 4).
        db.sql("SELECT version FROM project_versions WHERE project_id = :id")
                .bind("id", UUID.fromString((String) id))
                .map(row -> row.get("version", Integer.class))
                .all().collectList().block(java.time.Duration.ofSeconds(30))
                .forEach(version -> history.put(version, historyCounters(owner, id, version)));
        int newest = 1 + acknowledged.size();
        // Older unlabelled snapshots may have been pruned (retention 100, pruned every 10 versions).
        assertThat(history.size()).isBetween(Math.min(newest, RETENTION), newest);
        assertThat(history).containsKey(newest);
        for (Acknowledged write : acknowledged) {
            if (write.version() <= newest - RETENTION) {
                continue;
            }
            assertThat(history.get(write.version())).as("snapshot of version %d", write.version())
                    .containsEntry("c" + write.client(), write.counter());
        }
        assertThat(attempts.get()).isGreaterThan(acknowledged.size());
        System.out.printf("No-lost-update race: %d attempts, %d acknowledged, %d conflicts%n", attempts.get(), acknowledged.size(), conflicts.get());
    }

    /**
     * One attempt: read the current version, then PUT the whole project (clients 0, 3, 6...), merge-patch the
     * client's counter (1, 4, 7...) or JSON-patch it, testing its previous value and appending to its own array
     * (2, 5, 8...), based on that version.
     */
    private EntityExchangeResult<Map<String, Object>> write(User owner, Object id, int client, int counter) {
        Map<String, Object> current = api.getProject(owner, id).expectStatus().isOk().expectBody(MAP).returnResult().getResponseBody();
        String ifMatch = "\"" + current.get("version") + "\"";
        String mine = "c" + client;
        if (client % 3 == 0) {
            @SuppressWarnings("unchecked")
            Map<String, Object> data = new HashMap<>((Map<String, Object>) current.get("projectData"));
            @SuppressWarnings("unchecked")
            Map<String, Object> counters = new HashMap<>((Map<String, Object>) data.get("counters"));
            counters.put(mine, counter);
            data.put("counters", counters);
            return api.http().put().uri("/api/projects/{id}", id).header(HttpHeaders.AUTHORIZATION, owner.bearer())
                    .header(HttpHeaders.IF_MATCH, ifMatch).contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(Map.of("title", "Contended", "projectData", data))
                    .exchange().expectBody(MAP).returnResult();
        }
        if (client % 3 == 1) {
            return api.http().patch().uri("/api/projects/{id}", id).header(HttpHeaders.AUTHORIZATION, owner.bearer())
                    .header(HttpHeaders.IF_MATCH, ifMatch).contentType(MERGE_PATCH)
                    .bodyValue(Map.of("projectData", Map.of("counters", Map.of(mine, counter))))
                    .exchange().expectBody(MAP).returnResult();
        }
        // Only this client changes its counter, so the test op holds whenever the version does.
        List<Map<String, Object>> operations = List.of(
                Map.of("op", "test", "path", "/projectData/counters/" + mine, "value", counter - 1),
                Map.of("op", "replace", "path", "/projectData/counters/" + mine, "value", counter),
                Map.of("op", "add", "path", "/projectData/takes/" + mine + "/-", "value", counter));
        return api.http().patch().uri("/api/projects/{id}", id).header(HttpHeaders.AUTHORIZATION, owner.bearer())
                .header(HttpHeaders.IF_MATCH, ifMatch).contentType(JSON_PATCH)
                .bodyValue(operations)
                .exchange().expectBody(MAP).returnResult();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> historyCounters(User owner, Object id, int version) {
        Map<String, Object> snapshot = api.http().get().uri("/api/projects/{id}/versions/{v}", id, version)
                .header(HttpHeaders.AUTHORIZATION, owner.bearer()).exchange().expectStatus().isOk()
                .expectBody(MAP).returnResult().getResponseBody();
        return (Map<String, Object>) ((Map<String, Object>) snapshot.get("projectData")).get("counters");
    }
}
