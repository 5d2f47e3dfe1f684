package dev.dawg.projects;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;

import dev.dawg.support.Api;
import dev.dawg.support.Api.User;
import dev.dawg.support.IntegrationTest;

import static dev.dawg.support.Api.MAP;
import static dev.dawg.support.Api.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Old unlabelled snapshots are pruned past the configured retention; labelled ones are kept. */
@IntegrationTest
@TestPropertySource(properties = "dawg.projects.version-retention=5")
public class VersionRetentionIntegrationTests {

    @Autowired
    Api api;

    @Test
    void shouldPruneOldUnlabelledVersionsAndKeepLabelledOnes() {
        User owner = api.signUp();
        Object id = api.createProject(owner, Map.of("title", "Long session")).get("id");
        api.putProject(owner, id, 1, Map.of("title", "Keeper", "label", "first idea", "projectData", Map.of())).expectStatus().isOk();
        for (int version = 2; version < 20; version++) {
            api.putProject(owner, id, version, Map.of("title", "Take " + version, "projectData", Map.of("take", version))).expectStatus().isOk();
        }
        // Pruned after version 20 was answered (every 10 versions): everything unlabelled at or below 15 goes.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(versions(owner, id)).containsExactly(20, 19, 18, 17, 16, 2));
        assertThat(api.http().get().uri("/api/projects/{id}/versions/2", id).header(HttpHeaders.AUTHORIZATION, owner.bearer())
                .exchange().expectStatus().isOk().expectBody(MAP).returnResult().getResponseBody()).containsEntry("title", "Keeper");
        assertProblem(api.http().post().uri("/api/projects/{id}/versions/3/restore", id).header(HttpHeaders.AUTHORIZATION, owner.bearer())
                .contentType(MediaType.APPLICATION_JSON).exchange(), 404, "NOT_FOUND");
    }

    private List<Object> versions(User owner, Object id) {
        Map<String, Object> page = api.http().get().uri("/api/projects/{id}/versions?limit=100", id)
                .header(HttpHeaders.AUTHORIZATION, owner.bearer()).exchange().expectStatus().isOk()
                .expectBody(MAP).returnResult().getResponseBody();
        return ((List<?>) page.get("items")).stream().map(v -> (Object) ((Map<?, ?>) v).get("version")).toList();
    }
}
