package dev.dawg.platform;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpHeaders;
import org.springframework.test.web.reactive.server.WebTestClient;

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
    void shouldAnswer400ToProjectDataPostgresqlRefusesOnEveryWriteAndStoreNothing() {
        User user = api.signUp();
        Object id = api.createProject(user, Map.of("projectData", Map.of("kept", true))).get("id");
        // Well-formed JSON that jsonb refuses: an unpaired surrogate escape, a number beyond numeric's range.
        for (String bad : new String[] { "\"\\ud800\"", "\"x\\udc00y\"", "1e999999999", "-1e999999999" }) {
            String document = "{\"a\":" + bad + "}";
            assertProblem(json(api.http().post().uri("/api/projects"), user, "{\"title\":\"x\",\"projectData\":" + document + "}"),
                    400, "MALFORMED_REQUEST");
            assertProblem(json(api.http().put().uri("/api/projects/{id}", id).header(HttpHeaders.IF_MATCH, "\"1\""), user,
                    "{\"title\":\"x\",\"projectData\":" + document + "}"), 400, "MALFORMED_REQUEST");
            assertProblem(json(api.http().post().uri("/api/projects/import"), user, "{\"format\":\"dawg-project\",\"formatVersion\":1,"
                    + "\"project\":{\"title\":\"x\",\"projectData\":" + document + "}}"), 400, "MALFORMED_REQUEST");
            assertProblem(api.http().patch().uri("/api/projects/{id}", id).header(HttpHeaders.AUTHORIZATION, user.bearer())
                    .header(HttpHeaders.IF_MATCH, "\"1\"").header(HttpHeaders.CONTENT_TYPE, "application/merge-patch+json")
                    .bodyValue("{\"projectData\":" + document + "}").exchange(), 400, "MALFORMED_REQUEST");
            assertProblem(api.http().patch().uri("/api/projects/{id}", id).header(HttpHeaders.AUTHORIZATION, user.bearer())
                    .header(HttpHeaders.IF_MATCH, "\"1\"").header(HttpHeaders.CONTENT_TYPE, "application/json-patch+json")
                    .bodyValue("[{\"op\":\"add\",\"path\":\"/projectData/a\",\"value\":" + bad + "}]").exchange(), 400, "MALFORMED_REQUEST");
        }
        Map<String, Object> project = api.getProject(user, id).expectStatus().isOk().expectBody(Api.MAP).returnResult().getResponseBody();
        assertThat(project).containsEntry("version", 1).containsEntry("projectData", Map.of("kept", true));
        assertThat((List<?>) api.http().get().uri("/api/projects").header(HttpHeaders.AUTHORIZATION, user.bearer()).exchange()
                .expectStatus().isOk().expectBody(Api.MAP).returnResult().getResponseBody().get("items")).hasSize(1);
        assertThat((List<?>) api.http().get().uri("/api/projects/{id}/versions", id).header(HttpHeaders.AUTHORIZATION, user.bearer())
                .exchange().expectStatus().isOk().expectBody(Api.MAP).returnResult().getResponseBody().get("items")).hasSize(1);
    }

    private static WebTestClient.ResponseSpec json(
            WebTestClient.RequestBodySpec request, User user, String body) {
        return request.header(HttpHeaders.AUTHORIZATION, user.bearer()).header(HttpHeaders.CONTENT_TYPE, "application/json")
                .bodyValue(body).exchange();
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
