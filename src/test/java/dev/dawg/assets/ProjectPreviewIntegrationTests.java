package dev.dawg.assets;

import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.dawg.support.Api;

import static dev.dawg.support.Api.MAP;
import static dev.dawg.support.Api.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A project's rendered preview (issue 17): uploaded for the project or named from the caller's own files, heard with
 * ranges under the project's access rule, replaced and removed without leaving audio or quota behind, and never a
 * project version.
 */
@AssetIntegrationTest
@Import(LibraryApi.class)
class ProjectPreviewIntegrationTests {

    @Autowired
    Api api;

    @Autowired
    AssetApi assets;

    @Autowired
    LibraryApi library;

    @Autowired
    DatabaseClient db;

    private static final byte[] MONO = AssetApi.resource("tone-44k1-16bit-mono.wav");
    private static final byte[] STEREO = AssetApi.resource("tone-48k-24bit-stereo.wav");

    private WebTestClient.ResponseSpec upload(Api.User user, UUID project, byte[] file, Map<String, String> fields) {
        return assets.uploadTo("/api/projects/" + project + "/preview", user == null ? null : user.bearer(), "preview.wav", file,
                MediaType.valueOf("audio/wav"), fields);
    }

    private Map<String, Object> uploaded(Api.User user, UUID project, byte[] file) {
        return upload(user, project, file, Map.of("durationSeconds", "2.5")).expectStatus().isOk().expectBody(MAP).returnResult().getResponseBody();
    }

    private WebTestClient.ResponseSpec reference(Api.User user, UUID project, Object body) {
        return assets.http().put().uri("/api/projects/{id}/preview", project).header(HttpHeaders.AUTHORIZATION, user.bearer())
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }

    private boolean assetExists(Object assetId) {
        return db.sql("SELECT count(*) FROM assets WHERE id = :id").bind("id", UUID.fromString((String) assetId))
                .map(row -> row.get(0, Long.class)).one().block() == 1;
    }

    private int version(UUID project) {
        return db.sql("SELECT version FROM projects WHERE id = :id").bind("id", project).map(row -> row.get(0, Integer.class)).one().block();
    }

    @Test
    void shouldUploadAPreviewServeItWithRangesAndDeleteItWhenReplacedOrRemoved() {
        Api.User owner = api.signUp();
        UUID project = assets.project(owner, "public");
        int versionBefore = version(project);

        Map<String, Object> first = uploaded(owner, project, MONO);
        Map<String, Object> asset = assets.get("/api/assets/" + first.get("assetId"), owner.bearer()).expectStatus().isOk()
                .expectBody(MAP).returnResult().getResponseBody();
        assertThat(first).containsEntry("projectId", project.toString()).containsEntry("status", "ready")
                .containsEntry("contentType", "audio/wav").containsEntry("sizeBytes", MONO.length)
                .containsEntry("contentUrl", "/api/projects/" + project + "/preview/content")
                .containsEntry("durationSeconds", asset.get("durationSeconds")).containsKey("renderedAt");
        assertThat(asset).containsEntry("projectId", project.toString());

        // Anyone may hear a public project's preview, whole or by range.
        assertThat(assets.downloadedSha256("/api/projects/" + project + "/preview/content", null)).isEqualTo(AssetApi.sha256(MONO));
        assets.http().get().uri("/api/projects/{id}/preview/content", project).header(HttpHeaders.RANGE, "bytes=10-19").exchange()
                .expectStatus().isEqualTo(206).expectHeader().valueEquals(HttpHeaders.CONTENT_RANGE, "bytes 10-19/" + MONO.length);
        assets.get("/api/projects/" + project + "/preview", null).expectStatus().isOk().expectBody().jsonPath("$.assetId").isEqualTo(first.get("assetId"));

        Map<String, Object> second = uploaded(owner, project, STEREO);
        assertThat(assetExists(first.get("assetId"))).as("the replaced preview is deleted").isFalse();
        assertThat(assets.objectExists(assets.objectKey(UUID.fromString((String) second.get("assetId"))))).isTrue();
        assertThat(assets.usedBytes(owner.id())).isEqualTo(STEREO.length);

        assets.http().delete().uri("/api/projects/{id}/preview", project).header(HttpHeaders.AUTHORIZATION, owner.bearer()).exchange()
                .expectStatus().isNoContent();
        assertThat(assetExists(second.get("assetId"))).isFalse();
        assertThat(assets.usedBytes(owner.id())).isZero();
        assertProblem(assets.get("/api/projects/" + project + "/preview", owner.bearer()), 404, "NOT_FOUND");
        assertProblem(assets.get("/api/projects/" + project + "/preview/content", owner.bearer()), 404, "NOT_FOUND");
        assertProblem(assets.http().delete().uri("/api/projects/{id}/preview", project).header(HttpHeaders.AUTHORIZATION, owner.bearer())
                .exchange(), 404, "NOT_FOUND");
        assertThat(version(project)).as("a preview is not a project change").isEqualTo(versionBefore);
    }

    @Test
    void shouldPlayALibraryFileAsThePreviewUnderTheProjectsRuleAndLeaveItWhenRemoved() {
        Api.User owner = api.signUp();
        UUID project = assets.project(owner, "unlisted");
        Map<String, Object> file = library.uploaded(owner, MONO, null);

        Map<String, Object> preview = reference(owner, project, Map.of("assetId", file.get("id"), "durationSeconds", 9.5))
                .expectStatus().isOk().expectBody(MAP).returnResult().getResponseBody();
        assertThat(preview).containsEntry("assetId", file.get("id"));
        // The project is readable by link: its preview is heard; the library file itself stays the owner's alone.
        assertThat(assets.downloadedSha256("/api/projects/" + project + "/preview/content", null)).isEqualTo(AssetApi.sha256(MONO));
        assertProblem(assets.get("/api/assets/" + file.get("id") + "/content", null), 404, "NOT_FOUND");

        assets.http().delete().uri("/api/projects/{id}/preview", project).header(HttpHeaders.AUTHORIZATION, owner.bearer()).exchange()
                .expectStatus().isNoContent();
        assertThat(assetExists(file.get("id"))).as("a file named by reference stays where it is").isTrue();

        // Deleting the file takes the preview with it.
        reference(owner, project, Map.of("assetId", file.get("id"))).expectStatus().isOk();
        assets.http().delete().uri("/api/assets/{id}", file.get("id")).header(HttpHeaders.AUTHORIZATION, owner.bearer()).exchange()
                .expectStatus().isNoContent();
        assertProblem(assets.get("/api/projects/" + project + "/preview", owner.bearer()), 404, "NOT_FOUND");
    }

    @Test
    void shouldRefuseBadPreviewsBeforeOrWithoutKeepingAnything() {
        Api.User owner = api.signUp();
        Api.User other = api.signUp();
        UUID project = assets.project(owner, "public");
        UUID theirs = assets.project(other, "public");
        Set<String> keysBefore = assets.storedKeys();

        assertProblem(upload(owner, project, MONO, Map.of("durationSeconds", "-1")), 400, "VALIDATION_FAILED");
        assertProblem(upload(owner, project, MONO, Map.of("durationSeconds", "NaN")), 400, "VALIDATION_FAILED");
        assertProblem(upload(owner, project, "plain text, not audio".getBytes(), Map.of()), 415, "UNSUPPORTED_MEDIA_TYPE");
        assertProblem(upload(other, project, MONO, Map.of()), 403, "FORBIDDEN");
        assertProblem(upload(null, project, MONO, Map.of()), 401, "UNAUTHORIZED");
        assets.assertNothingStored(project, owner, keysBefore);

        // Only this project's audio or the caller's own library: not another project's, not another user's library.
        UUID elsewhere = UUID.fromString((String) assets.uploaded(other, theirs, "x.wav", MONO).get("id"));
        Map<String, Object> otherLibrary = library.uploaded(other, MONO, null);
        for (Object assetId : new Object[] { elsewhere.toString(), otherLibrary.get("id"), UUID.randomUUID().toString(), "not-an-id" }) {
            assertProblem(reference(owner, project, Map.of("assetId", assetId)), 400, "VALIDATION_FAILED");
        }
        assertProblem(reference(owner, project, Map.of("assetId", elsewhere.toString(), "volume", 11)), 400, "VALIDATION_FAILED");
        assertProblem(reference(owner, project, Map.of("assetId", elsewhere.toString(), "durationSeconds", "long")), 400, "VALIDATION_FAILED");
        assertProblem(reference(other, project, Map.of("assetId", otherLibrary.get("id"))), 403, "FORBIDDEN");
        assertProblem(assets.get("/api/projects/" + project + "/preview", owner.bearer()), 404, "NOT_FOUND");
    }
}
