package dev.dawg.platform.web;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;

import dev.dawg.support.Api;
import dev.dawg.support.Api.User;
import dev.dawg.support.IntegrationTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every request handled by Spring is timed in {@code http.server.requests} with the tags Spring's web observation gives
 * it (and Micrometer's {@code error}), one count per request, whatever its outcome; no long-task timer.
 */
@IntegrationTest
class RequestTimingsIntegrationTests {

    @Autowired
    Api api;
    @Autowired
    MeterRegistry meters;

    @Test
    void shouldTimeEachRequestUnderItsRouteMethodAndOutcome() {
        User owner = api.signUp();
        Object id = api.createProject(owner, Map.of("visibility", "private")).get("id");
        double readsBefore = count("GET", "/api/projects/{id}", "200", "SUCCESS", "none");
        double refusalsBefore = count("GET", "/api/projects/{id}", "404", "CLIENT_ERROR", "ApiProblem");
        double unknownBefore = count("GET", "NOT_FOUND", "404", "CLIENT_ERROR", "ResponseStatusException");

        // A request id of the client's: the read goes through Spring, not the in-memory shortcut (which Spring does not time).
        api.http().get().uri("/api/projects/{id}", id).header(HttpHeaders.AUTHORIZATION, owner.bearer())
                .header(RequestIds.HEADER, "timed-read").exchange()
                .expectStatus().isOk();
        // Someone else's private project: the route's 404 problem, raised as an ApiProblem.
        api.http().get().uri("/api/projects/{id}", id).header(HttpHeaders.AUTHORIZATION, api.signUp().bearer()).exchange()
                .expectStatus().isNotFound();
        // No route: Spring's 404, which no pattern names.
        api.http().get().uri("/api/no-such-route").exchange().expectStatus().isNotFound();

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(count("GET", "/api/projects/{id}", "200", "SUCCESS", "none")).isEqualTo(readsBefore + 1);
            assertThat(count("GET", "/api/projects/{id}", "404", "CLIENT_ERROR", "ApiProblem")).isEqualTo(refusalsBefore + 1);
            assertThat(count("GET", "NOT_FOUND", "404", "CLIENT_ERROR", "ResponseStatusException")).isEqualTo(unknownBefore + 1);
        });
        Timer read = meters.find(RequestTimings.METER).tags("method", "GET", "uri", "/api/projects/{id}", "status", "200").timer();
        assertThat(read.getId().getTags()).extracting(tag -> tag.getKey())
                .contains("application", "error", "exception", "method", "outcome", "status", "uri");
        assertThat(read.getId().getTag("error")).isEqualTo("none");
        assertThat(read.totalTime(TimeUnit.NANOSECONDS)).isPositive();
        assertThat(meters.find(RequestTimings.METER + ".active").longTaskTimers()).isEmpty();
    }

    /** The count of the one timer of these tags ({@code error} is Micrometer's copy of {@code exception}). */
    private double count(String method, String uri, String status, String outcome, String exception) {
        Timer timer = meters.find(RequestTimings.METER)
                .tags("method", method, "uri", uri, "status", status, "outcome", outcome, "exception", exception, "error", exception)
                .timer();
        return timer == null ? 0 : timer.count();
    }
}
