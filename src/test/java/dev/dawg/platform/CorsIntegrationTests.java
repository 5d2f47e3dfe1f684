package dev.dawg.platform;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.dawg.support.Api;
import dev.dawg.support.IntegrationTest;

import static dev.dawg.support.Api.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/** The CORS allowlist of REST calls, configured the way a deployment does it: through DAWG_CORS_ORIGINS. */
@IntegrationTest
@TestPropertySource(properties = "DAWG_CORS_ORIGINS=https://daw.example.test, https://other.example.test")
class CorsIntegrationTests {

    private static final String ALLOWED = "https://daw.example.test";
    private static final String FOREIGN = "https://evil.example.test";

    @Autowired
    Api api;

    WebTestClient.ResponseSpec preflight(String origin, HttpMethod method) {
        return api.http().options().uri("/api/projects")
                .header(HttpHeaders.ORIGIN, origin)
                .header(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD, method.name())
                .header(HttpHeaders.ACCESS_CONTROL_REQUEST_HEADERS, "authorization, content-type, if-match")
                .exchange();
    }

    @Test
    void shouldAllowThePreflightOfAListedOrigin() {
        preflight(ALLOWED, HttpMethod.PUT)
                .expectStatus().isOk()
                .expectHeader().valueEquals(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, ALLOWED)
                .expectHeader().valueEquals(HttpHeaders.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true")
                .expectHeader().value(HttpHeaders.ACCESS_CONTROL_ALLOW_METHODS, methods -> assertThat(methods).contains("PUT"))
                .expectHeader().value(HttpHeaders.ACCESS_CONTROL_ALLOW_HEADERS,
                        headers -> assertThat(headers.toLowerCase()).contains("authorization", "content-type", "if-match"));
    }

    /** The DAWG client PUTs an upload's bytes with its one-upload key in an AccessKey header, cross-origin too. */
    @Test
    void shouldAllowTheUploadKeyHeadersOfAPutThroughTheServer() {
        api.http().options().uri("/dawg-client/api/assets/upload/{id}/content", java.util.UUID.randomUUID())
                .header(HttpHeaders.ORIGIN, ALLOWED)
                .header(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD, "PUT")
                .header(HttpHeaders.ACCESS_CONTROL_REQUEST_HEADERS, "accesskey, content-type, x-upload-key")
                .exchange()
                .expectStatus().isOk()
                .expectHeader().value(HttpHeaders.ACCESS_CONTROL_ALLOW_HEADERS,
                        headers -> assertThat(headers.toLowerCase()).contains("accesskey", "x-upload-key"));
    }

    @Test
    void shouldAllowEveryListedOriginNotOnlyTheFirst() {
        preflight("https://other.example.test", HttpMethod.POST)
                .expectStatus().isOk()
                .expectHeader().valueEquals(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, "https://other.example.test");
    }

    @Test
    void shouldRefuseThePreflightOfAnUnlistedOriginAsAProblem() {
        WebTestClient.ResponseSpec refused = preflight(FOREIGN, HttpMethod.PUT)
                .expectHeader().doesNotExist(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN);
        assertThat(assertProblem(refused, 403, "FORBIDDEN").get("detail").toString()).contains(FOREIGN, "DAWG_CORS_ORIGINS");
    }

    @Test
    void shouldRefuseAPreflightForAMethodTheApiDoesNotAccept() {
        WebTestClient.ResponseSpec refused = preflight(ALLOWED, HttpMethod.TRACE)
                .expectHeader().doesNotExist(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN);
        assertProblem(refused, 403, "FORBIDDEN");
    }

    @Test
    void shouldLetAListedOriginReadAnswersAndTheirExposedHeaders() {
        api.http().get().uri("/actuator/health/liveness").header(HttpHeaders.ORIGIN, ALLOWED).exchange()
                .expectStatus().isOk()
                .expectHeader().valueEquals(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, ALLOWED)
                .expectHeader().value(HttpHeaders.ACCESS_CONTROL_EXPOSE_HEADERS,
                        exposed -> assertThat(exposed).contains("ETag", "X-Request-Id", "Retry-After"));
    }

    @Test
    void shouldRefuseAnUnlistedOriginOnAnActualRequestAsAProblem() {
        WebTestClient.ResponseSpec refused = api.http().get().uri("/actuator/health/liveness").header(HttpHeaders.ORIGIN, FOREIGN)
                .exchange()
                .expectHeader().doesNotExist(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN)
                .expectHeader().valueEquals("X-Content-Type-Options", "nosniff");
        assertProblem(refused, 403, "FORBIDDEN");
    }

    @Test
    void shouldServeClientsThatSendNoOrigin() {
        api.http().get().uri("/actuator/health/liveness").exchange()
                .expectStatus().isOk()
                .expectHeader().doesNotExist(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN);
    }

    @Test
    void shouldSendSecurityAndCorsHeadersWithTheEarlyTooLargeAnswer() {
        WebTestClient.ResponseSpec response = api.http().post().uri("/api/projects")
                .header(HttpHeaders.ORIGIN, ALLOWED)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(new byte[13 * 1024 * 1024])
                .exchange()
                .expectHeader().valueEquals(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, ALLOWED)
                .expectHeader().valueEquals("X-Content-Type-Options", "nosniff")
                .expectHeader().valueEquals("X-Frame-Options", "DENY")
                .expectHeader().value("Content-Security-Policy", csp -> assertThat(csp).startsWith("default-src 'none'"));
        assertProblem(response, 413, "PAYLOAD_TOO_LARGE");
    }
}
