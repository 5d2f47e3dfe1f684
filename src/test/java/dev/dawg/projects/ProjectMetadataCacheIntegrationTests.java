package dev.dawg.projects;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.r2dbc.core.DatabaseClient;

import dev.dawg.support.Api;
import dev.dawg.support.Api.User;
import dev.dawg.support.IntegrationTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Project heads served from memory: a change made by any node (simulated here by statements sent straight to
 * the database, as another node's would be) reaches every reader within moments, and this node's own writes
 * are read back at once.
 */
@IntegrationTest
class ProjectMetadataCacheIntegrationTests {

    /** Between a commit and its notification being heard (generous for a loaded CI machine). */
    static final Duration HEARD_WITHIN = Duration.ofSeconds(5);

    @Autowired
    Api api;

    @Autowired
    DatabaseClient db;

    @Autowired
    MeterRegistry meters;

    @Autowired
    ProjectMetadataCache heads;

    @BeforeEach
    void listening() {
        await().atMost(Duration.ofSeconds(10)).until(heads::serving);
    }

    @Test
    void shouldAnswerRepeatedReadsFromMemory() {
        User owner = api.signUp();
        Object id = api.createProject(owner, Map.of("visibility", "public")).get("id");
        api.getProject(null, id).expectStatus().isOk();
        double hitsBefore = hits();

        for (int i = 0; i < 5; i++) {
            api.getProject(null, id).expectStatus().isOk().expectHeader().valueEquals(HttpHeaders.ETAG, "\"1\"");
        }

        assertThat(hits() - hitsBefore).isGreaterThanOrEqualTo(5);
    }

    @Test
    void shouldStopServingAProjectMadePrivateByAnotherNode() {
        User owner = api.signUp();
        UUID id = UUID.fromString((String) api.createProject(owner, Map.of("visibility", "public")).get("id"));
        api.getProject(null, id).expectStatus().isOk();
        api.getProject(null, id).expectStatus().isOk();

        sql("UPDATE projects SET visibility = 'private' WHERE id = :id", id);

        await().atMost(HEARD_WITHIN).pollInterval(Duration.ofMillis(20)).untilAsserted(() ->
                api.getProject(null, id).expectStatus().isNotFound());
        api.getProject(owner, id).expectStatus().isOk();
    }

    @Test
    void shouldServeANewVersionAndNewCountersWrittenByAnotherNode() {
        User owner = api.signUp();
        UUID id = UUID.fromString((String) api.createProject(owner, Map.of("visibility", "public")).get("id"));
        api.getProject(null, id).expectStatus().isOk().expectHeader().valueEquals(HttpHeaders.ETAG, "\"1\"");

        sql("UPDATE projects SET version = 2, like_count = 41, project_data = '{\"tracks\":[\"from another node\"]}' WHERE id = :id", id);

        await().atMost(HEARD_WITHIN).pollInterval(Duration.ofMillis(20)).untilAsserted(() -> {
            Map<String, Object> project = api.getProject(null, id).expectStatus().isOk()
                    .expectHeader().valueEquals(HttpHeaders.ETAG, "\"2\"")
                    .expectBody(Api.MAP).returnResult().getResponseBody();
            assertThat(project).containsEntry("likeCount", 41).containsEntry("version", 2);
            assertThat(project.get("projectData")).isEqualTo(Map.of("tracks", java.util.List.of("from another node")));
        });
    }

    @Test
    void shouldReadItsOwnWritesAtOnce() {
        User owner = api.signUp();
        Object id = api.createProject(owner, Map.of("visibility", "public")).get("id");
        for (int version = 1; version <= 20; version++) {
            api.getProject(owner, id).expectStatus().isOk().expectHeader().valueEquals(HttpHeaders.ETAG, "\"" + version + "\"");
            api.getProject(null, id).expectStatus().isOk().expectHeader().valueEquals(HttpHeaders.ETAG, "\"" + version + "\"");
            api.putProject(owner, id, version, Map.of("title", "Take " + version, "visibility", "public",
                    "projectData", Map.of("take", version))).expectStatus().isOk();
            // No wait: the node that wrote has already dropped its copy.
            api.getProject(owner, id).expectStatus().isOk().expectHeader().valueEquals(HttpHeaders.ETAG, "\"" + (version + 1) + "\"");
        }
    }

    @Test
    void shouldShowACountersChangeToTheNextReadAtOnce() {
        User owner = api.signUp();
        User fan = api.signUp();
        Object id = api.createProject(owner, Map.of("visibility", "public")).get("id");
        api.getProject(fan, id).expectStatus().isOk();
        api.getProject(fan, id).expectStatus().isOk();

        // No wait after any of them: the node that counted has already dropped its copy.
        api.http().post().uri("/api/projects/{id}/like", id).header(HttpHeaders.AUTHORIZATION, fan.bearer())
                .exchange().expectStatus().is2xxSuccessful();
        assertThat(project(fan, id)).containsEntry("likeCount", 1);
        api.http().post().uri("/api/projects/{id}/plays", id).header(HttpHeaders.AUTHORIZATION, fan.bearer())
                .exchange().expectStatus().isNoContent();
        assertThat(project(fan, id)).containsEntry("playCount", 1);
        Map<String, Object> comment = api.http().post().uri("/api/projects/{id}/comments", id)
                .header(HttpHeaders.AUTHORIZATION, fan.bearer()).bodyValue(Map.of("text", "Lovely bassline"))
                .exchange().expectStatus().isCreated().expectBody(Api.MAP).returnResult().getResponseBody();
        assertThat(project(fan, id)).containsEntry("commentCount", 1);
        api.http().delete().uri("/api/comments/{id}", comment.get("id")).header(HttpHeaders.AUTHORIZATION, fan.bearer())
                .exchange().expectStatus().isNoContent();
        assertThat(project(fan, id)).containsEntry("commentCount", 0);
        api.http().delete().uri("/api/projects/{id}/like", id).header(HttpHeaders.AUTHORIZATION, fan.bearer())
                .exchange().expectStatus().is2xxSuccessful();
        assertThat(project(fan, id)).containsEntry("likeCount", 0);
        api.http().post().uri("/api/projects/{id}/remix", id).header(HttpHeaders.AUTHORIZATION, fan.bearer())
                .exchange().expectStatus().isCreated();
        assertThat(project(fan, id)).containsEntry("remixCount", 1);
    }

    private Map<String, Object> project(User caller, Object id) {
        return api.getProject(caller, id).expectStatus().isOk().expectBody(Api.MAP).returnResult().getResponseBody();
    }

    @Test
    void shouldForgetADeletedProjectAtOnce() {
        User owner = api.signUp();
        Object id = api.createProject(owner, Map.of("visibility", "public")).get("id");
        api.getProject(null, id).expectStatus().isOk();

        api.http().delete().uri("/api/projects/{id}", id).header(HttpHeaders.AUTHORIZATION, owner.bearer())
                .exchange().expectStatus().isNoContent();

        api.getProject(null, id).expectStatus().isNotFound();
        api.getProject(owner, id).expectStatus().isNotFound();
    }

    private double hits() {
        var counter = meters.find("cache.gets").tag("cache", "projectHeads").tag("result", "hit").functionCounter();
        return counter == null ? 0 : counter.count();
    }

    private void sql(String statement, UUID id) {
        db.sql(statement).bind("id", id).fetch().rowsUpdated().block(Duration.ofSeconds(10));
    }
}
