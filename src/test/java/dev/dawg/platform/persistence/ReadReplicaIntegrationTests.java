package dev.dawg.platform.persistence;

import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.dawg.support.Api;
import dev.dawg.support.Api.User;
import dev.dawg.support.IntegrationTest;
import dev.dawg.support.StreamingReplica;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code DAWG_DB_REPLICA_URL} against a real streaming replica (a hot standby fed by WAL from the primary): lists
 * and searches are read from the replica, a caller who just wrote reads the primary and sees their write at
 * once, and what the replica has not replayed yet is really not seen by the others.
 */
@IntegrationTest
class ReadReplicaIntegrationTests {

    static StreamingReplica databases;

    @DynamicPropertySource
    static void primaryAndReplica(DynamicPropertyRegistry registry) throws IOException, SQLException {
        databases = StreamingReplica.start();
        registry.add("dawg.db.url", databases::primaryUrl);
        registry.add("dawg.db.user", () -> "postgres");
        registry.add("dawg.db.password", () -> "");
        registry.add("dawg.db.replica-url", databases::replicaUrl);
    }

    @AfterAll
    static void stop() throws IOException {
        if (databases != null) {
            databases.close();
        }
    }

    @Autowired
    Api api;

    @Autowired
    MeterRegistry meters;

    @Test
    void shouldReadListsFromTheReplicaExceptForACallerWhoJustWrote() {
        assertThat(databases.queryReplica("SELECT pg_is_in_recovery()")).as("the replica is a standby").isEqualTo("t");
        User alice = api.signUp();
        User carol = api.signUp();
        String first = Api.uniqueName("replicated");
        Object replicated = api.createProject(alice, Map.of("title", first, "visibility", "public")).get("id");

        // Alice sees her new project at once: her reads go to the primary for a while.
        assertThat(search(alice, first)).containsExactly(replicated.toString());
        // The others see it once the replica has replayed it.
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(search(null, first)).containsExactly(replicated.toString()));

        databases.onReplica("SELECT pg_wal_replay_pause()");
        try {
            String second = Api.uniqueName("unreplayed");
            Object unreplayed = api.createProject(alice, Map.of("title", second, "visibility", "public")).get("id");
            double replicaReadsBefore = replicaReads();

            assertThat(search(alice, second)).as("the writer reads the primary").containsExactly(unreplayed.toString());
            assertThat(search(null, second)).as("anonymous reads the paused replica").isEmpty();
            assertThat(search(carol, second)).as("a caller who did not write reads the paused replica").isEmpty();
            assertThat(replicaReads() - replicaReadsBefore).isEqualTo(2);

            databases.onReplica("SELECT pg_wal_replay_resume()");
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                    assertThat(search(carol, second)).containsExactly(unreplayed.toString()));
        }
        finally {
            databases.onReplica("SELECT pg_wal_replay_resume()");
        }
    }

    @SuppressWarnings("unchecked")
    private List<String> search(User caller, String title) {
        WebTestClient.RequestHeadersSpec<?> request = api.http().get()
                .uri(uri -> uri.path("/api/search/projects").queryParam("q", title).build());
        if (caller != null) {
            request = request.header(HttpHeaders.AUTHORIZATION, caller.bearer());
        }
        Map<String, Object> page = request.exchange().expectStatus().isOk().expectBody(Api.MAP).returnResult().getResponseBody();
        return ((List<Map<String, Object>>) page.get("items")).stream().map(item -> (String) item.get("id")).toList();
    }

    private double replicaReads() {
        return meters.counter("dawg.db.reads", "target", "replica").count();
    }
}
