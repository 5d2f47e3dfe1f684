package dev.dawg.platform;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webflux.actuate.endpoint.web.WebFluxEndpointHandlerMapping;
import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.DispatcherHandler;
import org.springframework.web.reactive.function.server.support.RouterFunctionMapping;

import dev.dawg.support.Api;
import dev.dawg.support.Api.User;
import dev.dawg.support.IntegrationTest;

import static dev.dawg.support.Api.MAP;
import static dev.dawg.support.Api.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Without {@code DAWG_MANAGEMENT_PORT} the actuator shares the API port: health (with its probes) is public and
 * tells only statuses; metrics are for a signed-in administrator alone.
 */
@IntegrationTest
class ActuatorExposureIntegrationTests {

    @Autowired
    Api api;

    @Autowired
    DispatcherHandler dispatcher;

    /** The API's routes are matched first (a request to them no longer walks the actuator's patterns), the actuator's after. */
    @Test
    void shouldLookUpTheApiRoutesBeforeTheActuatorsMappings() {
        List<Class<?>> order = dispatcher.getHandlerMappings().stream().<Class<?>>map(Object::getClass).toList();
        assertThat(order).contains(RouterFunctionMapping.class, WebFluxEndpointHandlerMapping.class);
        assertThat(order.indexOf(RouterFunctionMapping.class)).isLessThan(order.indexOf(WebFluxEndpointHandlerMapping.class));
        api.http().get().uri("/actuator/health").exchange().expectStatus().isOk();
    }

    @ParameterizedTest
    @ValueSource(strings = { "/actuator/prometheus", "/actuator/metrics", "/actuator/metrics/jvm.memory.used", "/actuator",
            "/actuator/info", "/actuator/env", "/actuator/PROMETHEUS", "/actuator/prometheus/" })
    void shouldRefuseAnonymousCallersEverythingButHealth(String path) {
        assertProblem(api.http().get().uri(path).exchange(), 401, "UNAUTHORIZED");
    }

    @Test
    void shouldRefuseMetricsToUsersAndApiKeysThatAreNotASignedInAdministrator() {
        User user = api.signUp();
        assertProblem(api.http().get().uri("/actuator/prometheus").header(HttpHeaders.AUTHORIZATION, user.bearer()).exchange(),
                403, "FORBIDDEN");
        String everyScope = api.createApiKey(user, List.of("projects:read", "projects:write", "assets:read", "assets:write", "social:write"));
        assertProblem(api.http().get().uri("/actuator/metrics").header("X-API-Key", everyScope).exchange(), 403, "FORBIDDEN");
        String adminKey = api.createApiKey(api.admin(), List.of("projects:read"));
        assertProblem(api.http().get().uri("/actuator/prometheus").header("X-API-Key", adminKey).exchange(), 403, "FORBIDDEN");
    }

    @Test
    void shouldServeMetricsToASignedInAdministrator() {
        String admin = api.admin().bearer();
        api.http().get().uri("/actuator/prometheus").header(HttpHeaders.AUTHORIZATION, admin).exchange()
                .expectStatus().isOk()
                .expectBody(String.class).value(text -> assertThat(text).contains("jvm_memory_used_bytes"));
        api.http().get().uri("/actuator/metrics/jvm.memory.used").header(HttpHeaders.AUTHORIZATION, admin).exchange()
                .expectStatus().isOk();
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldKeepHealthAndItsProbesPublicShowingStatusesOnly() {
        Map<String, Object> health = api.http().get().uri("/actuator/health").exchange()
                .expectStatus().isOk().expectBody(MAP).returnResult().getResponseBody();
        assertThat(health).containsEntry("status", "UP");
        Map<String, Map<String, Object>> components = (Map<String, Map<String, Object>>) health.get("components");
        assertThat(components).containsKeys("db", "redis", "storage");
        // A status and nothing more: no versions, bucket names, or error classes for anyone to read.
        components.values().forEach(component -> assertThat(component).containsOnlyKeys("status"));
        assertThat(health.toString()).doesNotContain("details", "bucket", "PostgreSQL", "version");
        api.http().get().uri("/actuator/health/liveness").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.status").isEqualTo("UP");
        api.http().get().uri("/actuator/health/readiness").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.status").isEqualTo("UP");
    }
}
