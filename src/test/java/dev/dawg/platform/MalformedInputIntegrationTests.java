package dev.dawg.platform;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpHeaders;

import dev.dawg.support.Api;
import dev.dawg.support.Api.User;
import dev.dawg.support.IntegrationTest;

import static dev.dawg.support.Api.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/** Regressions found by {@link ApiFuzzIntegrationTests}, pinned as plain cases. */
@IntegrationTest
class MalformedInputIntegrationTests {

    @Autowired
    Api api;

    @Value("${local.server.port}")
    int port;

    private String base() {
        return "http://127.0.0.1:" + port;
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HttpClient.newHttpClient().send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldAnswer415ToAnUnparseableContentType() throws Exception {
        User user = api.signUp();
        for (String type : new String[] { "json", ";", "a/b/c;;", "application/json; charset=bogus" }) {
            // WebTestClient refuses to send such a header, so this goes over a plain HTTP client.
            HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(base() + "/api/projects"))
                    .header(HttpHeaders.AUTHORIZATION, user.bearer()).header(HttpHeaders.CONTENT_TYPE, type)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"title\":\"x\"}")));
            assertThat(response.statusCode()).as(type).isEqualTo(415);
            assertThat(response.headers().firstValue(HttpHeaders.CONTENT_TYPE)).hasValue("application/problem+json");
            assertThat(response.body()).contains("\"code\":\"UNSUPPORTED_MEDIA_TYPE\"", "\"requestId\"");
        }
    }

    @Test
    void shouldAnswer400ToTextPostgresqlCannotStore() {
        User user = api.signUp();
        assertProblem(api.http().post().uri("/api/projects").header(HttpHeaders.AUTHORIZATION, user.bearer())
                .header(HttpHeaders.CONTENT_TYPE, "application/json").bodyValue("{\"title\":\"a\\u0000b\"}").exchange(),
                400, "MALFORMED_REQUEST");
        assertProblem(api.http().post().uri("/api/projects").header(HttpHeaders.AUTHORIZATION, user.bearer())
                .header(HttpHeaders.CONTENT_TYPE, "application/json")
                .bodyValue("{\"title\":\"ok\",\"projectData\":{\"n\":\"\\u0000\"}}").exchange(), 400, "MALFORMED_REQUEST");
        Object id = api.createProject(user, Map.of()).get("id");
        assertProblem(api.http().get().uri(URI.create(base() + "/api/projects/" + id + "?share=%00")).exchange(), 400, "MALFORMED_REQUEST");
    }

    @Test
    void shouldRefuseAnImportWhoseFormatVersionIsOutOfIntRange() {
        User user = api.signUp();
        assertProblem(api.http().post().uri("/api/projects/import").header(HttpHeaders.AUTHORIZATION, user.bearer())
                .header(HttpHeaders.CONTENT_TYPE, "application/json")
                .bodyValue("{\"format\":\"dawg-project\",\"formatVersion\":-2974702706862679907,\"project\":{\"title\":\"x\"}}")
                .exchange(), 400, "VALIDATION_FAILED");
    }

    @Test
    void shouldRefuseABodyVersionOutOfLongRangeNextToIfMatch() {
        User user = api.signUp();
        Object id = api.createProject(user, Map.of()).get("id");
        assertProblem(api.http().put().uri("/api/projects/{id}", id).header(HttpHeaders.AUTHORIZATION, user.bearer())
                .header(HttpHeaders.IF_MATCH, "\"1\"").header(HttpHeaders.CONTENT_TYPE, "application/json")
                .bodyValue("{\"title\":\"x\",\"version\":123456789012345678901234567890}").exchange(), 400, "VALIDATION_FAILED");
    }

    @Test
    void shouldAnswerFirewallRefusalsAsProblems() throws Exception {
        for (String path : new String[] { "/api/projects/..%2F..%2Fetc%2Fpasswd", "/api/projects/C:%5CWindows" }) {
            HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(base() + path)).GET());
            assertThat(response.statusCode()).as(path).isEqualTo(400);
            assertThat(response.headers().firstValue(HttpHeaders.CONTENT_TYPE)).hasValue("application/problem+json");
            assertThat(response.body()).contains("\"code\":\"MALFORMED_REQUEST\"", "\"requestId\"");
        }
    }
}
