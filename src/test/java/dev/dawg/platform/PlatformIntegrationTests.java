package dev.dawg.platform;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Mono;
import reactor.netty.channel.AbortedException;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

import dev.dawg.support.Api;
import dev.dawg.support.IntegrationTest;

import static dev.dawg.platform.web.OpenRoute.anyCaller;
import static dev.dawg.support.Api.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/** The platform every feature stands on: one error shape, request ids, headers, health. */
@IntegrationTest
public class PlatformIntegrationTests {

    /** A JSON echo route that exists only in this test, to drive the body-reading failures. */
    @TestConfiguration
    static class EchoRoute {
        @Bean
        RouterFunction<ServerResponse> echoRoute() {
            return RouterFunctions.route()
                    .POST("/platform-test/echo", anyCaller(request -> request.bodyToMono(new ParameterizedTypeReference<Map<String, Object>>() { })
                            .flatMap(body -> ServerResponse.ok().bodyValue(body))))
                    .GET("/platform-test/boom", anyCaller(request -> Mono.error(new IllegalStateException("secret internals at /work/x.sql"))))
                    .GET("/platform-test/client-gone", anyCaller(request -> Mono.error(new AbortedException("Connection has been closed"))))
                    .GET("/platform-test/cacheable", anyCaller(request -> ServerResponse.ok().cacheControl(CacheControl.maxAge(Duration.ofMinutes(1)))
                            .bodyValue("{}")))
                    .GET("/platform-test/not-modified", anyCaller(request -> ServerResponse.status(HttpStatus.NOT_MODIFIED).build()))
                    .build();
        }
    }

    @Autowired
    Api api;

    WebTestClient http() {
        return api.http();
    }

    @Test
    void shouldAnswerUnknownRouteWithNotFoundProblem() {
        Map<String, Object> problem = assertProblem(http().get().uri("/api/no-such-thing").exchange(), 404, "NOT_FOUND");
        assertThat(problem).containsEntry("instance", "/api/no-such-thing");
    }

    @Test
    void shouldAnswerWrongMethodWithMethodNotAllowedAndAllowHeader() {
        WebTestClient.ResponseSpec response = http().delete().uri("/platform-test/echo").exchange();
        response.expectHeader().valueEquals("Allow", "POST");
        assertProblem(response, 405, "METHOD_NOT_ALLOWED");
    }

    @Test
    void shouldAnswerMalformedJsonWithBadRequest() {
        assertProblem(http().post().uri("/platform-test/echo").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"title\": ").exchange(), 400, "MALFORMED_REQUEST");
    }

    @Test
    void shouldAnswerUnsupportedMediaType() {
        assertProblem(http().post().uri("/platform-test/echo").contentType(MediaType.parseMediaType("text/csv"))
                .bodyValue("a,b").exchange(), 415, "UNSUPPORTED_MEDIA_TYPE");
    }

    @Test
    void shouldRefuseOversizedBodyByDeclaredLength() {
        byte[] body = new byte[13 * 1024 * 1024];
        assertProblem(http().post().uri("/platform-test/echo").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body).exchange(), 413, "PAYLOAD_TOO_LARGE");
    }

    @Test
    void shouldHideInternalsOfUnexpectedFailures() {
        Map<String, Object> problem = assertProblem(http().get().uri("/platform-test/boom").exchange(), 500, "INTERNAL_ERROR");
        assertThat(problem.get("detail").toString()).doesNotContain("secret", "/work");
    }

    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void shouldLogUnexpectedFailuresWithTheRequestId(CapturedOutput output) {
        assertProblem(http().get().uri("/platform-test/boom").header("X-Request-Id", "boom-id-4711").exchange(), 500, "INTERNAL_ERROR");
        assertThat(output.getOut().lines().filter(line -> line.contains("Unexpected failure on GET /platform-test/boom")))
                .singleElement().asString().contains("ERROR [boom-id-4711]");
    }

    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void shouldNotLogAClientThatWentAwayAsAnError(CapturedOutput output) {
        http().get().uri("/platform-test/client-gone").header("X-Request-Id", "gone-id-4711").exchange();
        assertThat(output.getOut()).doesNotContain("gone-id-4711").doesNotContain("/platform-test/client-gone");
    }

    @Test
    void shouldEchoAGivenRequestIdInHeaderAndProblem() {
        Map<String, Object> problem = assertProblem(http().get().uri("/api/missing").header("X-Request-Id", "client-abc-123")
                .exchange().expectHeader().valueEquals("X-Request-Id", "client-abc-123"), 404, "NOT_FOUND");
        assertThat(problem).containsEntry("requestId", "client-abc-123");
    }

    @Test
    void shouldReplaceAnUnsafeRequestIdWithAGeneratedOne() {
        String id = http().get().uri("/actuator/health/liveness").header("X-Request-Id", "bad id\twith spaces")
                .exchange().expectStatus().isOk().returnResult(String.class).getResponseHeaders().getFirst("X-Request-Id");
        assertThat(id).matches("[0-9a-f-]{36}");
    }

    @Test
    void shouldSendSecurityHeadersOnApiResponses() {
        http().get().uri("/actuator/health/liveness").exchange()
                .expectHeader().valueEquals("X-Content-Type-Options", "nosniff")
                .expectHeader().valueEquals("X-Frame-Options", "DENY")
                .expectHeader().valueEquals("Referrer-Policy", "no-referrer")
                .expectHeader().value("Content-Security-Policy", csp -> assertThat(csp).startsWith("default-src 'none'"));
    }

    @Test
    void shouldForbidCachingOfAnswersThatDoNotAllowItThemselves() {
        EntityExchangeResult<byte[]> answer = http().get().uri("/actuator/health/liveness").exchange().expectBody().returnResult();
        assertThat(answer.getResponseHeaders().get(HttpHeaders.CACHE_CONTROL)).containsExactly("no-cache, no-store, max-age=0, must-revalidate");
        assertThat(answer.getResponseHeaders().get(HttpHeaders.PRAGMA)).containsExactly("no-cache");
        assertThat(answer.getResponseHeaders().get(HttpHeaders.EXPIRES)).containsExactly("0");
        assertThat(answer.getResponseHeaders().get("Referrer-Policy")).containsExactly("no-referrer");

        EntityExchangeResult<byte[]> cacheable = http().get().uri("/platform-test/cacheable").exchange().expectBody().returnResult();
        assertThat(cacheable.getResponseHeaders().get(HttpHeaders.CACHE_CONTROL)).as("its own, alone").containsExactly("max-age=60");
        assertThat(cacheable.getResponseHeaders().containsHeader(HttpHeaders.PRAGMA)).isFalse();
        assertThat(cacheable.getResponseHeaders().containsHeader(HttpHeaders.EXPIRES)).isFalse();

        EntityExchangeResult<byte[]> notModified = http().get().uri("/platform-test/not-modified").exchange().expectBody().returnResult();
        assertThat(notModified.getStatus()).isEqualTo(HttpStatus.NOT_MODIFIED);
        assertThat(notModified.getResponseHeaders().containsHeader(HttpHeaders.CACHE_CONTROL)).isFalse();
        assertThat(notModified.getResponseHeaders().containsHeader(HttpHeaders.PRAGMA)).isFalse();
        assertThat(notModified.getResponseHeaders().get("X-Content-Type-Options")).containsExactly("nosniff");
    }

    @Test
    void shouldIgnoreForwardedHeadersUnlessTheDeploymentTrustsItsProxy() {
        // Without DAWG_FORWARD_HEADERS any client could claim to have come over TLS (see ForwardedHeadersIntegrationTests).
        http().get().uri("/actuator/health/liveness").header("X-Forwarded-Proto", "https").exchange()
                .expectStatus().isOk()
                .expectHeader().doesNotExist("Strict-Transport-Security");
    }

    @Test
    void shouldReportHealthOfEveryDependency() {
        http().get().uri("/actuator/health").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.status").isEqualTo("UP")
                .jsonPath("$.components.db.status").isEqualTo("UP")
                .jsonPath("$.components.redis.status").isEqualTo("UP")
                .jsonPath("$.components.storage.status").isEqualTo("UP");
        http().get().uri("/actuator/health/readiness").exchange().expectStatus().isOk();
        http().get().uri("/actuator/health/liveness").exchange().expectStatus().isOk();
    }

    @Test
    void shouldExposePrometheusMetrics() {
        // To an administrator on the API port (ActuatorExposureIntegrationTests); on DAWG_MANAGEMENT_PORT to anyone.
        http().get().uri("/actuator/prometheus").header(HttpHeaders.AUTHORIZATION, api.admin().bearer()).exchange()
                .expectStatus().isOk()
                .expectBody(String.class).value(text -> assertThat(text).contains("jvm_memory_used_bytes"));
    }

    @Test
    void shouldServeTheOpenApiDocumentAndSwaggerUi() {
        http().get().uri("/v3/api-docs").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.info.title").isEqualTo("DAWG server API");
        http().get().uri("/swagger-ui.html").exchange().expectStatus().is3xxRedirection();
        http().get().uri("/v3/springdoc/swagger-config").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.url").isEqualTo("/v3/api-docs");
    }
}
