package dev.dawg.support;

import java.util.Map;

import org.springframework.boot.test.context.TestComponent;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The test vocabulary: calls the API the way a DAW client would and reads like the scenario. Features add
 * their verbs here ({@code signUp}, {@code createProject}, ...) so tests never repeat request plumbing.
 */
@TestComponent
public class Api {

    private final WebTestClient http;

    Api(WebTestClient http) {
        this.http = http;
    }

    public WebTestClient http() {
        return http;
    }

    /** Asserts the one error shape and returns the problem body for further checks. */
    public static Map<String, Object> assertProblem(WebTestClient.ResponseSpec response, int status, String code) {
        @SuppressWarnings("unchecked")
        Map<String, Object> body = response.expectStatus().isEqualTo(status)
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectHeader().exists("X-Request-Id")
                .expectBody(Map.class).returnResult().getResponseBody();
        assertThat(body).isNotNull();
        assertThat(body).containsEntry("status", status).containsEntry("code", code)
                .containsKeys("type", "title", "detail", "instance", "requestId");
        assertThat(body.toString()).doesNotContain("Exception", "at dev.dawg", "SELECT ", "/work/");
        return body;
    }
}
