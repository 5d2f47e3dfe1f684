package dev.dawg.platform;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpHeaders;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.dawg.support.Api;
import dev.dawg.support.IntegrationTest;

import static dev.dawg.support.Api.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * With {@code DAWG_MANAGEMENT_PORT} the metrics are served on that port (for a scraper on the private network)
 * and never on the API port, while health and its probes stay public on both.
 */
@IntegrationTest
@TestPropertySource(properties = "DAWG_MANAGEMENT_PORT=0")
class ManagementPortIntegrationTests {

    @Autowired
    Api api;
    @Autowired
    Environment environment;

    WebTestClient management() {
        int port = environment.getRequiredProperty("local.management.port", Integer.class);
        assertThat(port).isNotEqualTo(api.port());
        return WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port).responseTimeout(Duration.ofSeconds(30)).build();
    }

    @Test
    void shouldServeMetricsOnTheManagementPortOnly() {
        management().get().uri("/actuator/prometheus").exchange()
                .expectStatus().isOk()
                .expectBody(String.class).value(text -> assertThat(text).contains("jvm_memory_used_bytes"));
        management().get().uri("/actuator/metrics/jvm.memory.used").exchange().expectStatus().isOk();

        assertProblem(api.http().get().uri("/actuator/prometheus").exchange(), 401, "UNAUTHORIZED");
        assertProblem(api.http().get().uri("/actuator/metrics").exchange(), 401, "UNAUTHORIZED");
        // Not there at all, even for an administrator.
        assertProblem(api.http().get().uri("/actuator/prometheus").header(HttpHeaders.AUTHORIZATION, api.admin().bearer()).exchange(),
                404, "NOT_FOUND");
    }

    @Test
    void shouldKeepHealthPublicOnTheApiPort() {
        api.http().get().uri("/actuator/health").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.status").isEqualTo("UP").jsonPath("$.components.db.status").isEqualTo("UP")
                .jsonPath("$.components.db.details").doesNotExist();
        api.http().get().uri("/actuator/health/liveness").exchange().expectStatus().isOk();
        api.http().get().uri("/actuator/health/readiness").exchange().expectStatus().isOk();
        management().get().uri("/actuator/health").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.status").isEqualTo("UP");
    }
}
