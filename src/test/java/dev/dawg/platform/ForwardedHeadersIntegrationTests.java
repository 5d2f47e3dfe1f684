package dev.dawg.platform;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.dawg.support.Api;
import dev.dawg.sharing.SocialFixtures;
import dev.dawg.support.IntegrationTest;

import static dev.dawg.support.Api.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Behind a TLS-terminating proxy (DAWG_FORWARD_HEADERS=framework): the scheme and client address the proxy
 * forwards are the request's, for HSTS, the refresh cookie's Secure flag and the per-address limits.
 */
@IntegrationTest
// Two sign-ups per address: the limit test's own; other tests sign up at most twice from the test's address.
@TestPropertySource(properties = { "DAWG_FORWARD_HEADERS=framework", "dawg.rate-limit.register=2" })
class ForwardedHeadersIntegrationTests {

    private static final String HSTS = "Strict-Transport-Security";

    @Autowired
    Api api;

    @Autowired
    DatabaseClient db;

    @Autowired
    MeterRegistry meters;

    WebTestClient.ResponseSpec register(String forwardedFor, String forwardedProto) {
        String name = Api.uniqueName("proxied");
        return api.http().post().uri("/api/auth/register")
                .header("X-Forwarded-For", forwardedFor)
                .header("X-Forwarded-Proto", forwardedProto)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("email", name + "@example.test", "username", name, "password", Api.PASSWORD))
                .exchange();
    }

    @Test
    void shouldSendHstsOnlyWhenTheProxyForwardedHttps() {
        api.http().get().uri("/actuator/health/liveness").header("X-Forwarded-Proto", "https").exchange()
                .expectStatus().isOk()
                .expectHeader().value(HSTS, hsts -> assertThat(hsts).contains("max-age=31536000").contains("includeSubDomains"));
        api.http().get().uri("/actuator/health/liveness").exchange()
                .expectStatus().isOk()
                .expectHeader().doesNotExist(HSTS);
    }

    @Test
    void shouldSendHstsOnProjectReadsThatMemoryCouldAnswer() {
        Api.User owner = api.signUp();
        Object id = api.createProject(owner, Map.of("visibility", "public")).get("id");
        // Plain reads until one is answered from memory (CachedReadFastPath): from then on, memory could answer.
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            double before = readsFromMemory();
            api.http().get().uri("/api/projects/{id}", id).exchange().expectStatus().isOk();
            return readsFromMemory() > before;
        });

        double before = readsFromMemory();
        api.http().get().uri("/api/projects/{id}", id).header("X-Forwarded-Proto", "https").exchange()
                .expectStatus().isOk()
                .expectHeader().exists(HSTS);
        assertThat(readsFromMemory()).as("a forwarded https read is left to Spring, which adds HSTS").isEqualTo(before);
    }

    private double readsFromMemory() {
        return meters.counter("dawg.projects.reads.from.memory").count();
    }

    @Test
    void shouldMarkTheRefreshCookieSecureWhenTheProxyForwardedHttps() {
        register("198.51.100.1", "https").expectStatus().isCreated()
                .expectHeader().value(HttpHeaders.SET_COOKIE, cookie -> assertThat(cookie).startsWith("dawg_refresh=").contains("Secure"));
        register("198.51.100.2", "http").expectStatus().isCreated()
                .expectHeader().value(HttpHeaders.SET_COOKIE, cookie -> assertThat(cookie).doesNotContain("Secure"));
    }

    @Test
    void shouldCountAddressLimitsPerForwardedClientAddress() {
        register("203.0.113.7", "https").expectStatus().isCreated();
        register("203.0.113.7", "https").expectStatus().isCreated();
        assertProblem(register("203.0.113.7", "https"), 429, "RATE_LIMITED");

        // The same proxy connection, another client behind it: its own allowance.
        register("203.0.113.8", "https").expectStatus().isCreated();
    }

    @Test
    void shouldCountAnonymousPlaysPerForwardedClientAddress() {
        Api.User owner = api.signUp();
        UUID id = UUID.fromString((String) api.createProject(owner, Map.of("visibility", "public")).get("id"));
        for (String listener : new String[] { "192.0.2.10", "192.0.2.10", "192.0.2.11" }) {
            api.http().post().uri("/api/projects/{id}/plays", id).header("X-Forwarded-For", listener).exchange()
                    .expectStatus().isNoContent();
        }
        assertThat(new SocialFixtures(api, db).counters(id)).containsEntry("plays", 2L);
    }
}
