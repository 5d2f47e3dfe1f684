package dev.dawg.projects;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.dawg.support.Api;
import dev.dawg.support.Api.User;
import dev.dawg.support.IntegrationTest;

import static dev.dawg.support.Api.MAP;
import static dev.dawg.support.Api.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/** Project CRUD, optimistic locking, patches, history, copies, export/import and search, with their failures. */
@IntegrationTest
public class ProjectIntegrationTests {

    static final MediaType MERGE_PATCH = MediaType.parseMediaType("application/merge-patch+json");
    static final MediaType JSON_PATCH = MediaType.parseMediaType("application/json-patch+json");

    @Autowired
    Api api;

    @Autowired
    DatabaseClient db;

    User owner;
    User other;

    @BeforeEach
    void users() {
        owner = api.signUp();
        other = api.signUp();
    }

    WebTestClient http() {
        return api.http();
    }

    static Map<String, Object> song() {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("tracks", List.of(Map.of("id", "t1", "name", "Drums", "clips", List.of(Map.of("start", 0, "length", 4))),
                Map.of("id", "t2", "name", "Bass", "clips", List.of())));
        data.put("mixer", Map.of("master", Map.of("gain", -3.5)));
        data.put("settings", Map.of("loop", true, "swing", 0.12));
        Map<String, Object> project = new LinkedHashMap<>();
        project.put("title", "Night Drive");
        project.put("description", "synthwave sketch");
        project.put("tags", List.of("synthwave", "demo"));
        project.put("bpm", 118);
        project.put("keySignature", "A minor");
        project.put("timeSignature", "4/4");
        project.put("projectData", data);
        return project;
    }

    Map<String, Object> create(User user, Map<String, Object> fields) {
        return api.createProject(user, fields);
    }

    WebTestClient.ResponseSpec patch(User user, Object id, String ifMatch, MediaType type, Object body) {
        WebTestClient.RequestBodySpec request = http().patch().uri("/api/projects/{id}", id)
                .header(HttpHeaders.AUTHORIZATION, user.bearer());
        if (ifMatch != null) {
            request = request.header(HttpHeaders.IF_MATCH, ifMatch);
        }
        return request.contentType(type).bodyValue(body).exchange();
    }

    @Test
    void shouldCreateAProjectAtVersionOneAndReadItBack() {
        Map<String, Object> created = create(owner, song());
        assertThat(created).containsEntry("version", 1).containsEntry("title", "Night Drive").containsEntry("visibility", "private")
                .containsEntry("ownerId", owner.id().toString()).containsEntry("bpm", 118).containsEntry("likeCount", 0)
                .containsEntry("remixedFromId", null).containsKeys("createdAt", "updatedAt");
        assertThat(created.get("projectData")).isEqualTo(song().get("projectData"));

        Map<String, Object> read = api.getProject(owner, created.get("id")).expectStatus().isOk()
                .expectHeader().valueEquals(HttpHeaders.ETAG, "\"1\"")
                .expectBody(MAP).returnResult().getResponseBody();
        assertThat(read).isEqualTo(created);
        Long versions = db.sql("SELECT count(*) AS n FROM project_versions WHERE project_id = :id")
                .bind("id", UUID.fromString((String) created.get("id"))).map(row -> row.get("n", Long.class)).one().block(java.time.Duration.ofSeconds(30));
        assertThat(versions).isEqualTo(1);
    }

    @Test
    void shouldReadAVersionWrittenByAnotherNodeFromTheDatabase() {
        Object id = create(owner, song()).get("id");
        // Another node's write: this node's document cache has never seen version 2.
        db.sql("UPDATE projects SET version = 2, project_data = '{\"from\": \"node B\"}'::jsonb WHERE id = :id")
                .bind("id", UUID.fromString((String) id)).fetch().rowsUpdated().block(java.time.Duration.ofSeconds(30));
        Map<String, Object> read = api.getProject(owner, id).expectStatus().isOk()
                .expectHeader().valueEquals(HttpHeaders.ETAG, "\"2\"").expectBody(MAP).returnResult().getResponseBody();
        assertThat(read.get("projectData")).isEqualTo(Map.of("from", "node B"));
    }

    @Test
    void shouldAnswerNotModifiedWhenTheClientHoldsTheCurrentVersion() {
        Object id = create(owner, song()).get("id");
        http().get().uri("/api/projects/{id}", id).header(HttpHeaders.AUTHORIZATION, owner.bearer())
                .header(HttpHeaders.IF_NONE_MATCH, "\"1\"").exchange()
                .expectStatus().isNotModified().expectHeader().valueEquals(HttpHeaders.ETAG, "\"1\"")
                .expectBody().isEmpty();
        http().get().uri("/api/projects/{id}", id).header(HttpHeaders.AUTHORIZATION, owner.bearer())
                .header(HttpHeaders.IF_NONE_MATCH, "\"0\"").exchange()
                .expectStatus().isOk();
    }

    @Test
    void shouldRefuseInvalidProjectsWithEveryFieldNamed() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("title", "");
        body.put("bpm", 5);
        body.put("tags", List.of("x".repeat(41)));
        body.put("projectData", List.of(1, 2));
        body.put("likeCount", 100);
        body.put("ownerId", other.id().toString());
        body.put("colour", "red");
        Map<String, Object> problem = assertProblem(http().post().uri("/api/projects").header(HttpHeaders.AUTHORIZATION, owner.bearer())
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange(), 400, "VALIDATION_FAILED");
        assertThat(problem.get("errors").toString()).contains("title", "bpm", "tags", "projectData", "likeCount", "ownerId", "colour");
        assertThat(countProjects(owner)).isZero();
    }

    @Test
    void shouldRefuseTooManyTagsAndOverlongTitles() {
        Map<String, Object> body = Map.of("title", "t".repeat(201), "tags", java.util.stream.IntStream.range(0, 21).mapToObj(i -> "tag" + i).toList());
        Map<String, Object> problem = assertProblem(http().post().uri("/api/projects").header(HttpHeaders.AUTHORIZATION, owner.bearer())
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange(), 400, "VALIDATION_FAILED");
        assertThat(problem.get("errors").toString()).contains("title", "tags");
    }

    @Test
    void shouldRequireSignInToCreateAndAJsonBody() {
        assertProblem(http().post().uri("/api/projects").contentType(MediaType.APPLICATION_JSON).bodyValue(song()).exchange(), 401, "UNAUTHORIZED");
        assertProblem(http().post().uri("/api/projects").header(HttpHeaders.AUTHORIZATION, owner.bearer())
                .contentType(MediaType.TEXT_PLAIN).bodyValue("title").exchange(), 415, "UNSUPPORTED_MEDIA_TYPE");
        assertProblem(http().post().uri("/api/projects").header(HttpHeaders.AUTHORIZATION, owner.bearer())
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"title\": ").exchange(), 400, "MALFORMED_REQUEST");
    }

    @Test
    void shouldReplaceWithIfMatchAndAnswerConflictOrPreconditionRequiredOtherwise() {
        Map<String, Object> created = create(owner, song());
        Object id = created.get("id");
        Map<String, Object> changed = new LinkedHashMap<>(song());
        changed.put("title", "Night Drive (v2)");
        changed.put("projectData", Map.of("tracks", List.of()));

        Map<String, Object> updated = api.putProject(owner, id, 1, changed).expectStatus().isOk()
                .expectHeader().valueEquals(HttpHeaders.ETAG, "\"2\"").expectBody(MAP).returnResult().getResponseBody();
        assertThat(updated).containsEntry("version", 2).containsEntry("title", "Night Drive (v2)");
        assertThat(updated.get("projectData")).isEqualTo(Map.of("tracks", List.of()));

        Map<String, Object> stale = assertProblem(api.putProject(owner, id, 1, changed), 409, "VERSION_CONFLICT");
        assertThat(stale).containsEntry("currentVersion", 2);

        assertProblem(http().put().uri("/api/projects/{id}", id).header(HttpHeaders.AUTHORIZATION, owner.bearer())
                .contentType(MediaType.APPLICATION_JSON).bodyValue(changed).exchange(), 428, "PRECONDITION_REQUIRED");
        assertProblem(http().put().uri("/api/projects/{id}", id).header(HttpHeaders.AUTHORIZATION, owner.bearer())
                .header(HttpHeaders.IF_MATCH, "*").contentType(MediaType.APPLICATION_JSON).bodyValue(changed).exchange(), 428, "PRECONDITION_REQUIRED");

        Map<String, Object> withBodyVersion = new LinkedHashMap<>(changed);
        withBodyVersion.put("version", 2);
        Map<String, Object> third = http().put().uri("/api/projects/{id}", id).header(HttpHeaders.AUTHORIZATION, owner.bearer())
                .contentType(MediaType.APPLICATION_JSON).bodyValue(withBodyVersion).exchange()
                .expectStatus().isOk().expectBody(MAP).returnResult().getResponseBody();
        assertThat(third).containsEntry("version", 3);

        api.getProject(owner, id).expectStatus().isOk().expectHeader().valueEquals(HttpHeaders.ETAG, "\"3\"");
    }

    @Test
    void shouldNeverStoreAFailedWrite() {
        Object id = create(owner, song()).get("id");
        Map<String, Object> invalid = new LinkedHashMap<>(song());
        invalid.put("bpm", 5000);
        assertProblem(api.putProject(owner, id, 1, invalid), 400, "VALIDATION_FAILED");
        Map<String, Object> readOnly = new LinkedHashMap<>(song());
        readOnly.put("likeCount", 9);
        assertProblem(api.putProject(owner, id, 1, readOnly), 400, "VALIDATION_FAILED");
        assertThat(api.getProject(owner, id).expectBody(MAP).returnResult().getResponseBody()).containsEntry("version", 1).containsEntry("bpm", 118);
        assertThat(historyOf(owner, id)).hasSize(1);
    }

    @Test
    void shouldRefuseAProjectDataOverTheSizeLimitWith413() {
        Object id = create(owner, song()).get("id");
        Map<String, Object> huge = new LinkedHashMap<>(song());
        huge.put("projectData", Map.of("blob", "x".repeat(11 * 1024 * 1024)));
        WebTestClient.ResponseSpec response = api.putProject(owner, id, 1, huge);
        assertProblem(response, 413, "PAYLOAD_TOO_LARGE");
        assertThat(historyOf(owner, id)).hasSize(1);
    }

    @Test
    void shouldApplyAMergePatchIncludingProjectData() {
        Object id = create(owner, song()).get("id");
        Map<String, Object> removeSwing = new java.util.HashMap<>();
        removeSwing.put("swing", null);
        Map<String, Object> mergePatch = Map.of("title", "Renamed", "projectData", Map.of("mixer", Map.of("master", Map.of("gain", 0)), "settings", removeSwing));
        Map<String, Object> patched = patch(owner, id, "\"1\"", MERGE_PATCH, mergePatch).expectStatus().isOk()
                .expectHeader().valueEquals(HttpHeaders.ETAG, "\"2\"").expectBody(MAP).returnResult().getResponseBody();
        assertThat(patched).containsEntry("title", "Renamed").containsEntry("version", 2).containsEntry("bpm", 118);
        @SuppressWarnings("unchecked")
        Map<String, Object> data = (Map<String, Object>) patched.get("projectData");
        assertThat(data.get("mixer")).isEqualTo(Map.of("master", Map.of("gain", 0)));
        assertThat(data.get("settings")).isEqualTo(Map.of("loop", true));
        assertThat(data.get("tracks")).isEqualTo(((Map<?, ?>) song().get("projectData")).get("tracks"));

        Map<String, Object> withVersion = Map.of("version", 2, "description", "by body version");
        assertThat(http().patch().uri("/api/projects/{id}", id).header(HttpHeaders.AUTHORIZATION, owner.bearer())
                .contentType(MERGE_PATCH).bodyValue(withVersion).exchange().expectStatus().isOk()
                .expectBody(MAP).returnResult().getResponseBody()).containsEntry("version", 3).containsEntry("description", "by body version");
    }

    @Test
    void shouldApplyAJsonPatchWithArraysAndTest() {
        Object id = create(owner, song()).get("id");
        List<Map<String, Object>> operations = List.of(
                Map.of("op", "test", "path", "/version", "value", 1),
                Map.of("op", "test", "path", "/projectData/tracks/1/name", "value", "Bass"),
                Map.of("op", "add", "path", "/projectData/tracks/-", "value", Map.of("id", "t3", "name", "Lead", "clips", List.of())),
                Map.of("op", "move", "from", "/projectData/tracks/0", "path", "/projectData/tracks/2"),
                Map.of("op", "replace", "path", "/bpm", "value", 124),
                Map.of("op", "copy", "from", "/projectData/mixer", "path", "/projectData/mixerBackup"),
                Map.of("op", "remove", "path", "/projectData/settings/swing"),
                Map.of("op", "add", "path", "/tags/0", "value", "night"));
        Map<String, Object> patched = patch(owner, id, "\"1\"", JSON_PATCH, operations).expectStatus().isOk()
                .expectBody(MAP).returnResult().getResponseBody();
        assertThat(patched).containsEntry("bpm", 124).containsEntry("version", 2).containsEntry("tags", List.of("night", "synthwave", "demo"));
        @SuppressWarnings("unchecked")
        Map<String, Object> data = (Map<String, Object>) patched.get("projectData");
        assertThat((List<Object>) data.get("tracks")).extracting(track -> (Object) ((Map<?, ?>) track).get("id")).containsExactly("t2", "t3", "t1");
        assertThat(data).containsKey("mixerBackup");
        assertThat(data.get("settings")).isEqualTo(Map.of("loop", true));
        assertThat(api.getProject(owner, id).expectBody(MAP).returnResult().getResponseBody()).isEqualTo(patched);
    }

    @Test
    void shouldRefuseFailingOrInvalidPatchesWithoutWriting() {
        Object id = create(owner, song()).get("id");
        assertProblem(patch(owner, id, "\"1\"", JSON_PATCH, List.of(Map.of("op", "test", "path", "/title", "value", "Other"))), 409, "CONFLICT");
        assertProblem(patch(owner, id, "\"1\"", JSON_PATCH, List.of(Map.of("op", "remove", "path", "/projectData/nothing/here"))), 422, "UNPROCESSABLE");
        assertProblem(patch(owner, id, "\"1\"", JSON_PATCH, List.of(Map.of("op", "jump", "path", "/title"))), 400, "MALFORMED_REQUEST");
        assertProblem(patch(owner, id, "\"1\"", JSON_PATCH, Map.of("op", "add")), 400, "MALFORMED_REQUEST");
        assertProblem(patch(owner, id, "\"1\"", JSON_PATCH, List.of(Map.of("op", "replace", "path", "/likeCount", "value", 1000))), 400, "VALIDATION_FAILED");
        assertProblem(patch(owner, id, "\"1\"", JSON_PATCH, List.of(Map.of("op", "replace", "path", "/version", "value", 7))), 400, "VALIDATION_FAILED");
        assertProblem(patch(owner, id, "\"1\"", JSON_PATCH, List.of(Map.of("op", "add", "path", "/colour", "value", "red"))), 400, "VALIDATION_FAILED");
        assertProblem(patch(owner, id, "\"1\"", JSON_PATCH, List.of(Map.of("op", "replace", "path", "/projectData", "value", 3))), 400, "VALIDATION_FAILED");
        assertProblem(patch(owner, id, "\"1\"", MERGE_PATCH, Map.of("title", "")), 400, "VALIDATION_FAILED");
        assertProblem(patch(owner, id, null, JSON_PATCH, List.of(Map.of("op", "replace", "path", "/title", "value", "x"))), 428, "PRECONDITION_REQUIRED");
        assertProblem(patch(owner, id, "\"9\"", JSON_PATCH, List.of(Map.of("op", "replace", "path", "/title", "value", "x"))), 409, "VERSION_CONFLICT");
        assertProblem(patch(owner, id, "\"1\"", MediaType.APPLICATION_JSON, Map.of("title", "x")), 415, "UNSUPPORTED_MEDIA_TYPE");
        assertThat(api.getProject(owner, id).expectBody(MAP).returnResult().getResponseBody()).containsEntry("version", 1).containsEntry("title", "Night Drive");
    }

    @Test
    void shouldHideAnotherUsersPrivateProjectOnEveryRoute() {
        Object id = create(owner, song()).get("id");
        assertProblem(api.getProject(other, id), 404, "NOT_FOUND");
        assertProblem(api.getProject(null, id), 404, "NOT_FOUND");
        assertProblem(api.putProject(other, id, 1, song()), 404, "NOT_FOUND");
        assertProblem(patch(other, id, "\"1\"", MERGE_PATCH, Map.of("title", "mine")), 404, "NOT_FOUND");
        for (String path : List.of("/versions", "/versions/1", "/export")) {
            assertProblem(http().get().uri("/api/projects/" + id + path).header(HttpHeaders.AUTHORIZATION, other.bearer()).exchange(), 404, "NOT_FOUND");
        }
        for (String path : List.of("/versions/1/restore", "/duplicate", "/remix")) {
            assertProblem(http().post().uri("/api/projects/" + id + path).header(HttpHeaders.AUTHORIZATION, other.bearer()).exchange(), 404, "NOT_FOUND");
        }
        assertProblem(http().delete().uri("/api/projects/{id}", id).header(HttpHeaders.AUTHORIZATION, other.bearer()).exchange(), 404, "NOT_FOUND");
        assertProblem(api.getProject(owner, "not-a-uuid"), 404, "NOT_FOUND");
        assertProblem(api.getProject(owner, UUID.randomUUID()), 404, "NOT_FOUND");
        assertThat(api.getProject(owner, id).expectBody(MAP).returnResult().getResponseBody()).containsEntry("version", 1);
    }

    @Test
    void shouldLetAnyoneReadPublicAndUnlistedProjectsButOnlyTheOwnerWriteThem() {
        Object publicId = create(owner, Map.of("title", "Open", "visibility", "public")).get("id");
        Object unlistedId = create(owner, Map.of("title", "Hidden", "visibility", "unlisted")).get("id");
        for (Object id : List.of(publicId, unlistedId)) {
            api.getProject(null, id).expectStatus().isOk();
            api.getProject(other, id).expectStatus().isOk();
            assertProblem(api.putProject(other, id, 1, Map.of("title", "mine")), 403, "FORBIDDEN");
            assertProblem(http().delete().uri("/api/projects/{id}", id).header(HttpHeaders.AUTHORIZATION, other.bearer()).exchange(), 403, "FORBIDDEN");
            assertProblem(api.putProject(null, id, 1, Map.of("title", "mine")), 401, "UNAUTHORIZED");
        }
    }

    @Test
    void shouldLetOnlyTheOwnerChangeVisibilityAndKeepItWhenLeftOut() {
        Map<String, Object> created = create(owner, Map.of("title", "Vis", "visibility", "unlisted"));
        Object id = created.get("id");
        Map<String, Object> put = api.putProject(owner, id, 1, Map.of("title", "Vis 2", "projectData", Map.of())).expectStatus().isOk()
                .expectBody(MAP).returnResult().getResponseBody();
        assertThat(put).containsEntry("visibility", "unlisted");
        assertThat(patch(owner, id, "\"2\"", MERGE_PATCH, Map.of("visibility", "public")).expectStatus().isOk()
                .expectBody(MAP).returnResult().getResponseBody()).containsEntry("visibility", "public");
        assertProblem(patch(owner, id, "\"3\"", MERGE_PATCH, Map.of("visibility", "secret")), 400, "VALIDATION_FAILED");
    }

    @Test
    void shouldSoftDeleteSoTheProjectIsGoneForEveryone() {
        Object id = create(owner, Map.of("title", "Bye", "visibility", "public")).get("id");
        http().delete().uri("/api/projects/{id}", id).header(HttpHeaders.AUTHORIZATION, owner.bearer()).exchange().expectStatus().isNoContent();
        assertProblem(api.getProject(owner, id), 404, "NOT_FOUND");
        assertProblem(api.getProject(other, id), 404, "NOT_FOUND");
        assertProblem(http().delete().uri("/api/projects/{id}", id).header(HttpHeaders.AUTHORIZATION, owner.bearer()).exchange(), 404, "NOT_FOUND");
        assertProblem(api.putProject(owner, id, 1, song()), 404, "NOT_FOUND");
        assertThat(listOwn(owner, "")).extracting(p -> p.get("id")).doesNotContain(id);
    }

    @Test
    void shouldKeepHistoryFetchLabelAndRestoreVersions() {
        Object id = create(owner, song()).get("id");
        Map<String, Object> second = new LinkedHashMap<>(song());
        second.put("title", "Second take");
        second.put("projectData", Map.of("tracks", List.of(Map.of("id", "solo"))));
        second.put("label", "rough mix");
        api.putProject(owner, id, 1, second).expectStatus().isOk();
        Map<String, Object> third = new LinkedHashMap<>(song());
        third.put("title", "Third take");
        api.putProject(owner, id, 2, third).expectStatus().isOk();

        List<Map<String, Object>> history = historyOf(owner, id);
        assertThat(history).extracting(v -> v.get("version")).containsExactly(3, 2, 1);
        assertThat(history.get(1)).containsEntry("label", "rough mix").containsEntry("authorId", owner.id().toString());
        assertThat((Integer) history.get(0).get("sizeBytes")).isPositive();

        Map<String, Object> v2 = http().get().uri("/api/projects/{id}/versions/2", id).header(HttpHeaders.AUTHORIZATION, owner.bearer())
                .exchange().expectStatus().isOk().expectBody(MAP).returnResult().getResponseBody();
        assertThat(v2).containsEntry("version", 2).containsEntry("title", "Second take").containsEntry("label", "rough mix");
        assertThat(v2.get("projectData")).isEqualTo(Map.of("tracks", List.of(Map.of("id", "solo"))));

        Map<String, Object> restored = http().post().uri("/api/projects/{id}/versions/2/restore", id).header(HttpHeaders.AUTHORIZATION, owner.bearer())
                .exchange().expectStatus().isOk().expectBody(MAP).returnResult().getResponseBody();
        assertThat(restored).containsEntry("version", 4).containsEntry("title", "Second take");
        assertThat(restored.get("projectData")).isEqualTo(v2.get("projectData"));
        assertProblem(http().post().uri("/api/projects/{id}/versions/2/restore", id).header(HttpHeaders.AUTHORIZATION, owner.bearer())
                .header(HttpHeaders.IF_MATCH, "\"3\"").exchange(), 409, "VERSION_CONFLICT");

        http().patch().uri("/api/projects/{id}/versions/3", id).header(HttpHeaders.AUTHORIZATION, owner.bearer())
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("label", "final")).exchange()
                .expectStatus().isOk().expectBody(MAP).value(v -> assertThat(v).containsEntry("label", "final"));
        assertProblem(http().get().uri("/api/projects/{id}/versions/99", id).header(HttpHeaders.AUTHORIZATION, owner.bearer()).exchange(), 404, "NOT_FOUND");
        assertProblem(http().get().uri("/api/projects/{id}/versions/abc", id).header(HttpHeaders.AUTHORIZATION, owner.bearer()).exchange(), 404, "NOT_FOUND");
    }

    @Test
    void shouldPageHistoryWithACursor() {
        Object id = create(owner, Map.of("title", "Pages")).get("id");
        for (int version = 1; version <= 4; version++) {
            api.putProject(owner, id, version, Map.of("title", "Pages " + version, "projectData", Map.of())).expectStatus().isOk();
        }
        Map<String, Object> first = http().get().uri("/api/projects/{id}/versions?limit=2", id).header(HttpHeaders.AUTHORIZATION, owner.bearer())
                .exchange().expectStatus().isOk().expectBody(MAP).returnResult().getResponseBody();
        assertThat((List<Object>) first.get("items")).extracting(v -> (Object) ((Map<?, ?>) v).get("version")).containsExactly(5, 4);
        Map<String, Object> second = http().get().uri("/api/projects/{id}/versions?limit=2&cursor={c}", id, first.get("nextCursor"))
                .header(HttpHeaders.AUTHORIZATION, owner.bearer()).exchange().expectStatus().isOk().expectBody(MAP).returnResult().getResponseBody();
        assertThat((List<Object>) second.get("items")).extracting(v -> (Object) ((Map<?, ?>) v).get("version")).containsExactly(3, 2);
    }

    @Test
    void shouldDuplicateForTheOwnerAndRemixPublicProjectsWithLineage() {
        Map<String, Object> original = create(owner, Map.of("title", "Anthem", "visibility", "public", "projectData", Map.of("a", 1)));
        Object id = original.get("id");
        api.putProject(owner, id, 1, Map.of("title", "Anthem", "projectData", Map.of("a", 2))).expectStatus().isOk();

        Map<String, Object> copy = http().post().uri("/api/projects/{id}/duplicate", id).header(HttpHeaders.AUTHORIZATION, owner.bearer())
                .exchange().expectStatus().isCreated().expectBody(MAP).returnResult().getResponseBody();
        assertThat(copy).containsEntry("version", 1).containsEntry("visibility", "private").containsEntry("ownerId", owner.id().toString())
                .containsEntry("remixedFromId", null).containsEntry("projectData", Map.of("a", 2));
        assertProblem(http().post().uri("/api/projects/{id}/duplicate", id).header(HttpHeaders.AUTHORIZATION, other.bearer()).exchange(), 403, "FORBIDDEN");

        Map<String, Object> remix = http().post().uri("/api/projects/{id}/remix", id).header(HttpHeaders.AUTHORIZATION, other.bearer())
                .exchange().expectStatus().isCreated().expectHeader().exists(HttpHeaders.LOCATION).expectBody(MAP).returnResult().getResponseBody();
        assertThat(remix).containsEntry("version", 1).containsEntry("ownerId", other.id().toString()).containsEntry("remixedFromId", id)
                .containsEntry("projectData", Map.of("a", 2)).doesNotContainKey("remix");
        assertThat(historyOf(other, remix.get("id"))).hasSize(1);
        assertThat(api.getProject(null, id).expectBody(MAP).returnResult().getResponseBody()).containsEntry("remixCount", 1);
        assertProblem(http().post().uri("/api/projects/{id}/remix", id).exchange(), 401, "UNAUTHORIZED");

        Object unlisted = create(owner, Map.of("title", "Not for remixing", "visibility", "unlisted")).get("id");
        assertProblem(http().post().uri("/api/projects/{id}/remix", unlisted).header(HttpHeaders.AUTHORIZATION, other.bearer()).exchange(), 403, "FORBIDDEN");
    }

    @Test
    void shouldStoreTheRemixersNoteWithTheRemixAndShowItOnTheRemix() {
        Object id = create(owner, Map.of("title", "Anthem", "visibility", "public", "projectData", Map.of("a", 1))).get("id");
        String summary = "s".repeat(RemixNote.MAX_SUMMARY);
        Map<String, Object> remix = remix(id, Map.of("changesSummary", summary, "credits", "Thanks to the owner"))
                .expectStatus().isCreated().expectBody(MAP).returnResult().getResponseBody();
        assertThat(remix).containsEntry("remixedFromId", id).containsEntry("projectData", Map.of("a", 1))
                .containsEntry("remix", Map.of("changesSummary", summary, "credits", "Thanks to the owner"));
        assertThat(api.getProject(other, remix.get("id")).expectBody(MAP).returnResult().getResponseBody())
                .containsEntry("remix", Map.of("changesSummary", summary, "credits", "Thanks to the owner"));

        Map<String, Object> onlyCredits = new LinkedHashMap<>();
        onlyCredits.put("changesSummary", null);
        onlyCredits.put("credits", "c".repeat(RemixNote.MAX_CREDITS));
        Map<String, Object> second = remix(id, onlyCredits).expectStatus().isCreated().expectBody(MAP).returnResult().getResponseBody();
        Map<String, Object> expected = new LinkedHashMap<>(onlyCredits);
        assertThat(second).containsEntry("remix", expected);
        assertThat(remix(id, Map.of()).expectStatus().isCreated().expectBody(MAP).returnResult().getResponseBody()).doesNotContainKey("remix");
        assertThat(api.getProject(null, id).expectBody(MAP).returnResult().getResponseBody()).containsEntry("remixCount", 3);
    }

    @Test
    void shouldRefuseOversizedNonStringAndUnknownRemixNotesKeepingNothing() {
        Object id = create(owner, Map.of("title", "Anthem", "visibility", "public")).get("id");
        Map<String, Object> problem = assertProblem(remix(id, Map.of("changesSummary", "s".repeat(RemixNote.MAX_SUMMARY + 1),
                "credits", "c".repeat(RemixNote.MAX_CREDITS + 1))), 400, "VALIDATION_FAILED");
        assertThat(problem.get("errors").toString()).contains("changesSummary", "credits");
        problem = assertProblem(remix(id, Map.of("changesSummary", 42, "credits", List.of("a"))), 400, "VALIDATION_FAILED");
        assertThat(problem.get("errors").toString()).contains("changesSummary", "credits");
        problem = assertProblem(remix(id, Map.of("title", "mine")), 400, "VALIDATION_FAILED");
        assertThat(problem.get("errors").toString()).contains("title");
        assertProblem(http().post().uri("/api/projects/{id}/remix", id).header(HttpHeaders.AUTHORIZATION, other.bearer())
                .contentType(MediaType.APPLICATION_JSON).bodyValue("[1]").exchange(), 400, "MALFORMED_REQUEST");
        assertThat(api.getProject(null, id).expectBody(MAP).returnResult().getResponseBody()).containsEntry("remixCount", 0);
    }

    private WebTestClient.ResponseSpec remix(Object id, Map<String, Object> body) {
        return http().post().uri("/api/projects/{id}/remix", id).header(HttpHeaders.AUTHORIZATION, other.bearer())
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }

    @Test
    void shouldExportAndImportReproducingTheProject() {
        Map<String, Object> fields = new LinkedHashMap<>(song());
        fields.put("projectData", Map.of("tracks", List.of(Map.of("clips", List.of(Map.of("assetId", "5b0c5d4e-4c7a-4f7e-9b3a-2d1e0f9a8b7c"))))));
        Object id = create(owner, fields).get("id");
        WebTestClient.ResponseSpec response = http().get().uri("/api/projects/{id}/export", id).header(HttpHeaders.AUTHORIZATION, owner.bearer()).exchange();
        Map<String, Object> export = response.expectStatus().isOk()
                .expectHeader().value(HttpHeaders.CONTENT_DISPOSITION, value -> assertThat(value).startsWith("attachment").contains("Night-Drive.dawg.json"))
                .expectBody(MAP).returnResult().getResponseBody();
        assertThat(export).containsEntry("format", "dawg-project").containsEntry("formatVersion", 1).containsKeys("exportedAt", "source");
        assertThat(export.get("assets")).isEqualTo(List.of(Map.of("id", "5b0c5d4e-4c7a-4f7e-9b3a-2d1e0f9a8b7c")));

        Map<String, Object> imported = http().post().uri("/api/projects/import").header(HttpHeaders.AUTHORIZATION, other.bearer())
                .contentType(MediaType.APPLICATION_JSON).bodyValue(export).exchange()
                .expectStatus().isCreated().expectBody(MAP).returnResult().getResponseBody();
        assertThat(imported).containsEntry("ownerId", other.id().toString()).containsEntry("version", 1).containsEntry("visibility", "private");
        for (String field : List.of("title", "description", "tags", "bpm", "keySignature", "timeSignature", "projectData")) {
            assertThat(imported.get(field)).as(field).isEqualTo(fields.get(field));
        }

        Map<String, Object> wrongFormat = new LinkedHashMap<>(export);
        wrongFormat.put("format", "ableton");
        assertProblem(http().post().uri("/api/projects/import").header(HttpHeaders.AUTHORIZATION, other.bearer())
                .contentType(MediaType.APPLICATION_JSON).bodyValue(wrongFormat).exchange(), 400, "VALIDATION_FAILED");
    }

    @Test
    void shouldListTheCallersProjectsWithFiltersSortsAndCursor() {
        User lister = api.signUp();
        for (int i = 0; i < 5; i++) {
            create(lister, Map.of("title", "Track " + (char) ('E' - i), "tags", i % 2 == 0 ? List.of("even") : List.of("odd"),
                    "visibility", i == 0 ? "public" : "private"));
        }
        create(other, Map.of("title", "Not mine"));
        List<Map<String, Object>> all = listOwn(lister, "");
        assertThat(all).hasSize(5).allSatisfy(p -> assertThat(p).doesNotContainKey("projectData"));
        assertThat(all).extracting(p -> p.get("title")).containsExactly("Track A", "Track B", "Track C", "Track D", "Track E");
        assertThat(listOwn(lister, "&sort=title")).extracting(p -> p.get("title")).containsExactly("Track A", "Track B", "Track C", "Track D", "Track E");
        assertThat(listOwn(lister, "&tag=even")).hasSize(3);
        assertThat(listOwn(lister, "&visibility=public")).extracting(p -> p.get("title")).containsExactly("Track E");
        assertThat(listOwn(lister, "&q=B")).extracting(p -> p.get("title")).containsExactly("Track B");
        assertProblem(http().get().uri("/api/projects?sort=size").header(HttpHeaders.AUTHORIZATION, lister.bearer()).exchange(), 400, "VALIDATION_FAILED");
        assertProblem(http().get().uri("/api/projects?cursor=garbage!").header(HttpHeaders.AUTHORIZATION, lister.bearer()).exchange(), 400, "VALIDATION_FAILED");
        assertProblem(http().get().uri("/api/projects").exchange(), 401, "UNAUTHORIZED");
    }

    @Test
    void shouldKeepCursorPagesCorrectWhileProjectsAreAdded() {
        User lister = api.signUp();
        for (int i = 0; i < 5; i++) {
            create(lister, Map.of("title", "Old " + i));
        }
        Map<String, Object> first = page(lister, "/api/projects?limit=2");
        create(lister, Map.of("title", "Brand new"));
        List<Object> seen = new ArrayList<>(((List<?>) first.get("items")).stream().map(p -> ((Map<?, ?>) p).get("title")).toList());
        Object cursor = first.get("nextCursor");
        while (cursor != null) {
            Map<String, Object> next = page(lister, "/api/projects?limit=2&cursor=" + cursor);
            ((List<?>) next.get("items")).forEach(p -> seen.add(((Map<?, ?>) p).get("title")));
            cursor = next.get("nextCursor");
        }
        assertThat(seen).containsExactly("Old 4", "Old 3", "Old 2", "Old 1", "Old 0");
    }

    @Test
    void shouldSearchPublicProjectsRankingTitleMatchesFirstAndHidingUnlisted() {
        String word = "zq" + Long.toString(System.nanoTime(), 36);
        Object inDescription = create(owner, Map.of("title", "Something else", "description", "a " + word + " groove", "visibility", "public")).get("id");
        Object inTitle = create(owner, Map.of("title", "The " + word + " anthem", "visibility", "public", "bpm", 128, "keySignature", "C major")).get("id");
        create(owner, Map.of("title", word + " unlisted", "visibility", "unlisted"));
        Object privateOwn = create(other, Map.of("title", word + " private sketch")).get("id");

        List<Object> anonymous = search(null, "q=" + word);
        assertThat(anonymous).containsExactly(inTitle, inDescription);
        assertThat(search(other, "q=" + word)).containsExactlyInAnyOrder(inTitle, inDescription, privateOwn);
        assertThat(search(null, "q=" + word + "&bpmMin=120&bpmMax=130")).containsExactly(inTitle);
        assertThat(search(null, "q=" + word + "&key=c major")).containsExactly(inTitle);
        assertThat(search(null, "q=" + word + "&sort=recent")).containsExactly(inTitle, inDescription);
        assertProblem(http().get().uri("/api/search/projects?bpmMin=abc").exchange(), 400, "VALIDATION_FAILED");
        assertProblem(http().get().uri("/api/search/projects?sort=relevance").exchange(), 400, "VALIDATION_FAILED");
    }

    @Test
    void shouldEnforceApiKeyScopesOnProjects() {
        String readOnly = api.createApiKey(owner, List.of("projects:read"));
        Object id = create(owner, song()).get("id");
        http().get().uri("/api/projects/{id}", id).header("X-API-Key", readOnly).exchange().expectStatus().isOk();
        assertProblem(http().put().uri("/api/projects/{id}", id).header("X-API-Key", readOnly).header(HttpHeaders.IF_MATCH, "\"1\"")
                .contentType(MediaType.APPLICATION_JSON).bodyValue(song()).exchange(), 403, "INSUFFICIENT_SCOPE");
        String writer = api.createApiKey(owner, List.of("projects:write"));
        http().put().uri("/api/projects/{id}", id).header("X-API-Key", writer).header(HttpHeaders.IF_MATCH, "\"1\"")
                .contentType(MediaType.APPLICATION_JSON).bodyValue(song()).exchange().expectStatus().isOk();
    }

    @Test
    void shouldRefuseAWriteThatLeavesOutProjectDataAndKeepTheSong() {
        Object id = create(owner, song()).get("id");
        Map<String, Object> withoutData = new LinkedHashMap<>(song());
        withoutData.remove("projectData");
        assertThat(fieldsOf(assertProblem(api.putProject(owner, id, 1, withoutData), 400, "VALIDATION_FAILED"))).containsExactly("projectData");
        assertThat(fieldsOf(assertProblem(http().put().uri("/api/projects/{id}", id).header(HttpHeaders.AUTHORIZATION, owner.bearer())
                .header(HttpHeaders.IF_MATCH, "\"1\"").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"title\":\"Night Drive\",\"projectData\":null}").exchange(), 400, "VALIDATION_FAILED"))).containsExactly("projectData");
        assertThat(fieldsOf(assertProblem(patch(owner, id, "\"1\"", MERGE_PATCH, "{\"projectData\":null}"), 400, "VALIDATION_FAILED")))
                .containsExactly("projectData");
        assertThat(fieldsOf(assertProblem(patch(owner, id, "\"1\"", JSON_PATCH, List.of(Map.of("op", "remove", "path", "/projectData"))),
                400, "VALIDATION_FAILED"))).containsExactly("projectData");

        Map<String, Object> read = api.getProject(owner, id).expectStatus().isOk().expectBody(MAP).returnResult().getResponseBody();
        assertThat(read).containsEntry("version", 1);
        assertThat(read.get("projectData")).isEqualTo(song().get("projectData"));
        assertThat(historyOf(owner, id)).hasSize(1);
        // Emptying the document on purpose is still possible, by saying so.
        Map<String, Object> emptied = new LinkedHashMap<>(withoutData);
        emptied.put("projectData", Map.of());
        api.putProject(owner, id, 1, emptied).expectStatus().isOk().expectBody(MAP).value(p -> assertThat(p).containsEntry("projectData", Map.of()));
    }

    @Test
    void shouldRefuseBadVersionLabelsAndCallersWhoMayNotEdit() {
        Object id = create(owner, Map.of("title", "Labelled", "visibility", "public")).get("id");
        Object privateId = create(owner, Map.of("title", "Private labels")).get("id");
        for (String body : List.of("{}", "{\"label\":\"\"}", "{\"label\":\"" + "x".repeat(101) + "\"}", "{\"label\":5}",
                "{\"label\":\"ok\",\"version\":1}")) {
            assertProblem(labelVersion(owner, id, 1, body), 400, "VALIDATION_FAILED");
        }
        assertProblem(labelVersion(owner, id, 99, "{\"label\":\"gone\"}"), 404, "NOT_FOUND");
        assertProblem(labelVersion(owner, id, 1, "{\"label\":"), 400, "MALFORMED_REQUEST");
        // Someone who may read the project but not edit it is told so; a private project's existence is not leaked.
        assertProblem(labelVersion(other, id, 1, "{\"label\":\"mine\"}"), 403, "FORBIDDEN");
        assertProblem(labelVersion(other, privateId, 1, "{\"label\":\"mine\"}"), 404, "NOT_FOUND");
        assertProblem(labelVersion(null, id, 1, "{\"label\":\"mine\"}"), 401, "UNAUTHORIZED");

        assertThat(historyOf(owner, id)).singleElement().satisfies(v -> assertThat(v).containsEntry("label", null));
        assertThat(historyOf(owner, privateId)).singleElement().satisfies(v -> assertThat(v).containsEntry("label", null));
    }

    @Test
    void shouldRefuseAPatchWhoseResultExceedsTheDataLimitWith413() {
        // The patch is small, its result is not: 2 × 6 MB of projectData against the 10 MB limit.
        Object id = create(owner, Map.of("title", "Big", "projectData", Map.of("take", "x".repeat(6 * 1024 * 1024)))).get("id");
        Map<String, Object> problem = assertProblem(patch(owner, id, "\"1\"", JSON_PATCH,
                List.of(Map.of("op", "copy", "from", "/projectData/take", "path", "/projectData/again"))), 413, "PAYLOAD_TOO_LARGE");
        assertThat(problem).containsEntry("limitBytes", 10 * 1024 * 1024);
        assertThat(api.getProject(owner, id).expectBody(MAP).returnResult().getResponseBody()).containsEntry("version", 1);
        assertThat(historyOf(owner, id)).hasSize(1);
    }

    @Test
    void shouldRefuseImportsThatAreNotAProjectExportAndCreateNothing() {
        long before = countProjects(other);
        Map<String, Object> valid = Map.of("format", "dawg-project", "formatVersion", 1,
                "project", Map.of("title", "Imported", "projectData", Map.of("tracks", List.of())));
        assertProblem(importing(other, "[]"), 400, "MALFORMED_REQUEST");
        assertProblem(importing(other, "\"dawg-project\""), 400, "MALFORMED_REQUEST");
        assertProblem(importing(other, "{\"format\":"), 400, "MALFORMED_REQUEST");
        for (Map.Entry<String, Object> broken : Map.<String, Object>of(
                "project", "not an object",
                "project.projectData", Map.of("title", "Imported"),
                "project.projectData as list", Map.of("title", "Imported", "projectData", List.of(1, 2)),
                "project.bpm", Map.of("title", "Imported", "bpm", 5000, "projectData", Map.of()),
                "project.title", Map.of("projectData", Map.of()),
                "project.ownerId", Map.of("title", "Imported", "ownerId", other.id().toString(), "projectData", Map.of())).entrySet()) {
            Map<String, Object> document = new LinkedHashMap<>(valid);
            document.put("project", broken.getValue());
            assertProblem(http().post().uri("/api/projects/import").header(HttpHeaders.AUTHORIZATION, other.bearer())
                    .contentType(MediaType.APPLICATION_JSON).bodyValue(document).exchange(), 400, "VALIDATION_FAILED");
        }
        Map<String, Object> noProject = new LinkedHashMap<>(valid);
        noProject.remove("project");
        assertProblem(http().post().uri("/api/projects/import").header(HttpHeaders.AUTHORIZATION, other.bearer())
                .contentType(MediaType.APPLICATION_JSON).bodyValue(noProject).exchange(), 400, "VALIDATION_FAILED");
        assertThat(countProjects(other)).isEqualTo(before);

        http().post().uri("/api/projects/import").header(HttpHeaders.AUTHORIZATION, other.bearer())
                .contentType(MediaType.APPLICATION_JSON).bodyValue(valid).exchange().expectStatus().isCreated();
        assertThat(countProjects(other)).isEqualTo(before + 1);
    }

    WebTestClient.ResponseSpec labelVersion(User user, Object id, int version, String body) {
        WebTestClient.RequestBodySpec request = http().patch().uri("/api/projects/{id}/versions/{v}", id, version);
        if (user != null) {
            request = request.header(HttpHeaders.AUTHORIZATION, user.bearer());
        }
        return request.contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }

    WebTestClient.ResponseSpec importing(User user, String body) {
        return http().post().uri("/api/projects/import").header(HttpHeaders.AUTHORIZATION, user.bearer())
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }

    static List<Object> fieldsOf(Map<String, Object> problem) {
        return ((List<?>) problem.get("errors")).stream().map(e -> (Object) ((Map<?, ?>) e).get("field")).toList();
    }

    Map<String, Object> page(User user, String uri) {
        return http().get().uri(uri).header(HttpHeaders.AUTHORIZATION, user.bearer()).exchange()
                .expectStatus().isOk().expectBody(MAP).returnResult().getResponseBody();
    }

    @SuppressWarnings("unchecked")
    List<Map<String, Object>> listOwn(User user, String query) {
        return (List<Map<String, Object>>) page(user, "/api/projects?limit=100" + query).get("items");
    }

    @SuppressWarnings("unchecked")
    List<Map<String, Object>> historyOf(User user, Object id) {
        return (List<Map<String, Object>>) page(user, "/api/projects/" + id + "/versions?limit=100").get("items");
    }

    List<Object> search(User user, String query) {
        WebTestClient.RequestHeadersSpec<?> request = http().get().uri("/api/search/projects?" + query);
        if (user != null) {
            request = request.header(HttpHeaders.AUTHORIZATION, user.bearer());
        }
        Map<String, Object> body = request.exchange().expectStatus().isOk().expectBody(MAP).returnResult().getResponseBody();
        return ((List<?>) body.get("items")).stream().map(p -> ((Map<?, ?>) p).get("id")).map(Object.class::cast).toList();
    }

    long countProjects(User user) {
        return db.sql("SELECT count(*) AS n FROM projects WHERE owner_id = :id").bind("id", user.id())
                .map(row -> row.get("n", Long.class)).one().block(java.time.Duration.ofSeconds(30));
    }
}
