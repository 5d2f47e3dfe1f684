package dev.dawg.projects;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.dawg.support.Api;
import dev.dawg.support.IntegrationTest;

import static dev.dawg.support.Api.MAP;
import static dev.dawg.support.Api.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 15, finding 2: a small JSON Patch that copies the whole document into itself, again and again, doubles it
 * with each copy (40 copies: about 2^40 nodes). The document's size is bounded while the patch is applied, so the
 * patch is refused (413) at the operation that would pass the limit, and the node stays healthy.
 */
@IntegrationTest
class PatchBombIntegrationTests {

    static final MediaType JSON_PATCH = MediaType.parseMediaType("application/json-patch+json");
    static final MediaType MERGE_PATCH = MediaType.parseMediaType("application/merge-patch+json");
    /** 40 copies; {@code -Dbodies.patch.copies=16} makes a smaller bomb, to watch the unbounded code without killing the JVM. */
    static final int COPIES = Integer.getInteger("bodies.patch.copies", 40);

    @Autowired
    Api api;

    @Test
    void shouldRefuseAPatchThatCopiesTheDocumentIntoItselfAtTheCopyThatWouldPassTheLimit() {
        Api.User owner = api.signUp();
        String id = (String) api.createProject(owner, Map.of("projectData", Map.of("tracks", List.of(Map.of("name", "drums",
                "clips", List.of(Map.of("start", 0, "length", 4))))))).get("id");
        List<Map<String, Object>> bomb = new ArrayList<>();
        for (int i = 0; i < COPIES; i++) {
            // The root into itself, as in the issue, and projectData into itself: each doubles what it copies.
            bomb.add(Map.of("op", "copy", "from", i % 2 == 0 ? "" : "/projectData", "path", "/projectData/c" + i));
        }

        long started = System.nanoTime();
        WebTestClient.ResponseSpec refused = patch(owner, id, bomb).expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        long elapsedMillis = Duration.ofNanos(System.nanoTime() - started).toMillis();
        Map<String, Object> problem = assertProblem(refused, 413, "PAYLOAD_TOO_LARGE");
        System.out.println("[patch bomb] " + COPIES + " copies refused in " + elapsedMillis + " ms: " + problem.get("detail"));

        // Bounded work, shown by where the patch stopped rather than by a stopwatch (which a loaded CI machine failed at
        // 1.4 s with the refusal right): each copy doubles the document, so the copy that would first pass the limit comes
        // about log2(limit / its size) operations in, and nothing past it was applied. An unbounded patch would reach
        // the 40th copy, 2^40 nodes.
        assertThat(((Number) problem.get("operationIndex")).intValue()).as("operation at which the patch was refused").isBetween(10, 30);
        assertThat(problem.get("detail").toString()).contains("larger than");
        // The node is healthy and nothing was written.
        Map<String, Object> project = api.getProject(owner, id).expectStatus().isOk().expectBody(MAP).returnResult().getResponseBody();
        assertThat(project.get("version")).isEqualTo(1);
        patch(owner, id, List.of(Map.of("op", "add", "path", "/projectData/tempo", "value", 120))).expectStatus().isOk();
    }

    @Test
    void shouldRefuseAMergePatchThatWouldMakeTheDocumentTooLarge() {
        // A merge patch cannot grow the document past the document plus the patch (each value is written once), and the
        // patch is bounded by the body limit; the result is then held to the projectData limit.
        Api.User owner = api.signUp();
        String id = (String) api.createProject(owner).get("id");
        String large = "x".repeat(5_600_000);
        assertProblem(api.http().patch().uri("/api/projects/{id}", id).header(HttpHeaders.AUTHORIZATION, owner.bearer())
                .header(HttpHeaders.IF_MATCH, "\"1\"").contentType(MERGE_PATCH)
                .bodyValue(Map.of("projectData", Map.of("a", large, "b", large))).exchange(), 413, "PAYLOAD_TOO_LARGE");
    }

    private WebTestClient.ResponseSpec patch(Api.User owner, String id, List<Map<String, Object>> operations) {
        return api.http().patch().uri("/api/projects/{id}", id).header(HttpHeaders.AUTHORIZATION, owner.bearer())
                .header(HttpHeaders.IF_MATCH, "\"" + currentVersion(owner, id) + "\"").contentType(JSON_PATCH).bodyValue(operations).exchange();
    }

    private int currentVersion(Api.User owner, String id) {
        return (Integer) api.getProject(owner, id).expectStatus().isOk().expectBody(MAP).returnResult().getResponseBody().get("version");
    }
}
