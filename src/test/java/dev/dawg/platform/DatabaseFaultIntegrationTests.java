package dev.dawg.platform;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.dawg.support.Api;
import dev.dawg.support.Api.User;
import dev.dawg.support.IntegrationTest;
import dev.dawg.support.TcpProxy;

import static dev.dawg.support.Api.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * PostgreSQL cut off and frozen behind a TCP proxy while the server runs: requests fail fast with 503 within
 * the configured timeouts (never hang), readiness goes DOWN, and service resumes by itself once the link is back.
 */
@IntegrationTest
public class DatabaseFaultIntegrationTests {

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);
    static final Duration QUERY_TIMEOUT = Duration.ofSeconds(2);
    /** ProjectChangeListener probes its connection every second and gives a probe 2 s; one second of slack. */
    static final Duration HEADS_STOP_SERVING_WITHIN = Duration.ofSeconds(4);

    static EmbeddedPostgres ownPostgres;
    static TcpProxy link;
    static String database;

    @DynamicPropertySource
    static void databaseBehindAProxy(DynamicPropertyRegistry registry) throws IOException {
        String external = System.getenv("DAWG_DB_URL");
        String host;
        int port;
        if (external != null && !external.isBlank()) {
            URI uri = URI.create(external.replaceFirst("^(jdbc:|r2dbc:)", ""));
            host = uri.getHost();
            port = uri.getPort() < 0 ? 5432 : uri.getPort();
            database = uri.getPath().substring(1);
        }
        else {
            ownPostgres = EmbeddedPostgres.builder().start();
            host = "127.0.0.1";
            port = ownPostgres.getPort();
            database = "postgres";
            registry.add("dawg.db.user", () -> "postgres");
            registry.add("dawg.db.password", () -> "");
        }
        link = new TcpProxy(host, port);
        registry.add("dawg.db.url", () -> "postgresql://127.0.0.1:" + link.port() + "/" + database);
        registry.add("dawg.db.connect-timeout", CONNECT_TIMEOUT::toString);
        registry.add("dawg.db.query-timeout", QUERY_TIMEOUT::toString);
    }

    @AfterAll
    static void stop() throws IOException {
        link.close();
        if (ownPostgres != null) {
            ownPostgres.close();
        }
    }

    @Autowired
    Api api;

    @Test
    void shouldFailFastWhileTheDatabaseIsDownAndRecoverByItself() {
        User user = api.signUp();
        Object id = api.createProject(user, Map.of("title", "Survives outages")).get("id");
        try {
            link.refuse();
            assertFailsFastWith503(user, id);
            api.http().get().uri("/actuator/health/readiness").exchange().expectStatus().isEqualTo(503);

            link.pass();
            long cut = System.nanoTime();
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                    api.getProject(user, id).expectStatus().isOk());
            System.out.printf("Database outage: service back %d ms after the link returned%n", (System.nanoTime() - cut) / 1_000_000);
            api.http().get().uri("/actuator/health/readiness").exchange().expectStatus().isOk();

            link.blackHole();
            assertFailsFastWith503(user, id);
        }
        finally {
            link.pass();
        }
        long unfrozen = System.nanoTime();
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                api.getProject(user, id).expectStatus().isOk());
        System.out.printf("Frozen database link: service back %d ms after it thawed%n", (System.nanoTime() - unfrozen) / 1_000_000);
    }

    private void assertFailsFastWith503(User user, Object id) {
        // The project's history is always read from the database.
        long started = System.nanoTime();
        Map<String, Object> problem = assertProblem(api.http().get().uri("/api/projects/{id}/versions", id)
                .header(HttpHeaders.AUTHORIZATION, user.bearer()).exchange(), 503, "SERVICE_UNAVAILABLE");
        long elapsedMillis = (System.nanoTime() - started) / 1_000_000;
        assertThat(problem.get("detail").toString()).doesNotContain("postgres", "127.0.0.1");
        // Bounded by the pool's acquire timeout plus the query timeout, never by the client's patience.
        assertThat(elapsedMillis).isLessThan(CONNECT_TIMEOUT.plus(QUERY_TIMEOUT).plusSeconds(2).toMillis());

        // The project itself was read before, so its head is in memory: it is served from there only while the
        // database's change notifications can be heard, which the listener finds out within its probe's bound.
        long cut = System.nanoTime();
        await().atMost(HEADS_STOP_SERVING_WITHIN).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
                assertProblem(api.http().get().uri("/api/projects/{id}", id).header(HttpHeaders.AUTHORIZATION, user.bearer())
                        .exchange(), 503, "SERVICE_UNAVAILABLE"));
        System.out.printf("Database outage: project heads no longer served from memory after %d ms%n", (System.nanoTime() - cut) / 1_000_000);
    }
}
