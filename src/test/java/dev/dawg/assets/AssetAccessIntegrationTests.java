package dev.dawg.assets;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;

import dev.dawg.support.Api;

import static dev.dawg.support.Api.MAP;
import static dev.dawg.support.Api.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/** Assets follow their project's access rule: who may read, list, download, delete; API key scopes; search. */
@AssetIntegrationTest
class AssetAccessIntegrationTests {

    @Autowired
    Api api;

    @Autowired
    AssetApi assets;

    byte[] wav = AssetApi.resource("tone-44k1-16bit-mono.wav");

    @Test
    void shouldAnswer404OnEveryRouteForSomeoneElsesPrivateProjectsAsset() {
        Api.User owner = api.signUp();
        UUID project = assets.project(owner, "private");
        String id = (String) assets.uploaded(owner, project, "secret.wav", wav).get("id");
        Api.User stranger = api.signUp();

        for (String authorization : new String[] { stranger.bearer(), null }) {
            assertProblem(assets.get("/api/assets/" + id, authorization), 404, "NOT_FOUND");
            assertProblem(assets.get("/api/assets/" + id + "/content", authorization), 404, "NOT_FOUND");
            assertProblem(assets.get("/api/assets/" + id + "/content?redirect=true", authorization), 404, "NOT_FOUND");
            assertProblem(assets.get("/api/projects/" + project + "/assets", authorization), 404, "NOT_FOUND");
        }
        assertProblem(assets.http().delete().uri("/api/assets/" + id).header(HttpHeaders.AUTHORIZATION, stranger.bearer()).exchange(),
                404, "NOT_FOUND");
        assertProblem(assets.upload(stranger.bearer(), project, "x.wav", wav, MediaType.APPLICATION_OCTET_STREAM), 404, "NOT_FOUND");
        assertProblem(assets.http().post().uri("/api/projects/" + project + "/assets/uploads").header(HttpHeaders.AUTHORIZATION, stranger.bearer())
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("filename", "x.wav", "sizeBytes", 10, "contentType", "audio/wav"))
                .exchange(), 404, "NOT_FOUND");
        Map<String, Object> found = assets.get("/api/search/assets?q=secret", stranger.bearer()).expectStatus().isOk()
                .expectBody(MAP).returnResult().getResponseBody();
        assertThat((List<?>) found.get("items")).isEmpty();
        assertProblem(assets.get("/api/assets/not-a-uuid", owner.bearer()), 404, "NOT_FOUND");
        assertProblem(assets.get("/api/assets/" + UUID.randomUUID(), owner.bearer()), 404, "NOT_FOUND");
    }

    @Test
    void shouldLetAnyoneReadAssetsOfPublicAndUnlistedProjectsButOnlyOwnersDelete() {
        Api.User owner = api.signUp();
        Api.User listener = api.signUp();
        for (String visibility : List.of("public", "unlisted")) {
            UUID project = assets.project(owner, visibility);
            String id = (String) assets.uploaded(owner, project, "open.wav", wav).get("id");
            assets.get("/api/assets/" + id, null).expectStatus().isOk();
            assertThat(assets.get("/api/assets/" + id + "/content", listener.bearer()).expectStatus().isOk()
                    .expectBody(byte[].class).returnResult().getResponseBody()).isEqualTo(wav);
            assets.get("/api/projects/" + project + "/assets", null).expectStatus().isOk();
            assertProblem(assets.http().delete().uri("/api/assets/" + id).header(HttpHeaders.AUTHORIZATION, listener.bearer()).exchange(),
                    403, "FORBIDDEN");
        }
    }

    @Test
    void shouldLetAShareLinkOpenAPrivateProjectsAssetsAndLetUploadersDeleteTheirOwn() {
        Api.User owner = api.signUp();
        UUID project = assets.project(owner, "private");
        String ownersAsset = (String) assets.uploaded(owner, project, "a.wav", wav).get("id");
        Api.User editor = api.signUp();
        String editLink = assets.shareLink(project, owner, "edit");
        String viewLink = assets.shareLink(project, owner, "view");

        assets.http().get().uri("/api/assets/" + ownersAsset + "/content?share=" + viewLink).exchange().expectStatus().isOk();
        String editorsAsset = (String) assets.http().post().uri("/api/projects/" + project + "/assets")
                .header(HttpHeaders.AUTHORIZATION, editor.bearer()).header("X-Share-Token", editLink)
                .body(org.springframework.web.reactive.function.BodyInserters.fromMultipartData(multipart(wav)))
                .exchange().expectStatus().isCreated().expectBody(MAP).returnResult().getResponseBody().get("id");

        assertProblem(assets.http().delete().uri("/api/assets/" + ownersAsset).header(HttpHeaders.AUTHORIZATION, editor.bearer())
                .header("X-Share-Token", editLink).exchange(), 403, "FORBIDDEN");
        assets.http().delete().uri("/api/assets/" + editorsAsset).header(HttpHeaders.AUTHORIZATION, editor.bearer())
                .header("X-Share-Token", editLink).exchange().expectStatus().isNoContent();
        assertThat(assets.usedBytes(editor.id())).isZero();
        assets.http().delete().uri("/api/assets/" + ownersAsset).header(HttpHeaders.AUTHORIZATION, owner.bearer()).exchange()
                .expectStatus().isNoContent();
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldServeTheSystemAndUserAssetsAProjectsDataReferencesToWhoeverMayReadTheProject() {
        Api.User owner = api.signUp();
        String project = (String) api.createProject(owner, Map.of("visibility", "private")).get("id");
        String vocal = (String) assets.uploaded(owner, UUID.fromString(project), "vocal.wav", wav).get("id");
        Map<String, Object> library = assets.get("/api/system-assets?category=kick", null).expectStatus().isOk()
                .expectBody(MAP).returnResult().getResponseBody();
        String kick = (String) ((List<Map<String, Object>>) library.get("items")).get(0).get("id");
        Map<String, Object> projectData = Map.of("tracks", List.of(
                Map.of("name", "Drums", "clips", List.of(Map.of("assetId", kick, "start", 0))),
                Map.of("name", "Vox", "clips", List.of(Map.of("assetId", vocal, "start", 4)))));
        api.putProject(owner, project, 1, Map.of("title", "Both kinds", "projectData", projectData)).expectStatus().isOk();
        String viewLink = assets.shareLink(UUID.fromString(project), owner, "view");
        Api.User listener = api.signUp();

        Map<String, Object> read = api.http().get().uri("/api/projects/" + project).header(HttpHeaders.AUTHORIZATION, listener.bearer())
                .header("X-Share-Token", viewLink).exchange().expectStatus().isOk().expectBody(MAP).returnResult().getResponseBody();
        assertThat(read.get("projectData")).isEqualTo(projectData);
        for (String referenced : List.of(kick, vocal)) {
            assets.http().get().uri("/api/assets/" + referenced + "/content").header(HttpHeaders.AUTHORIZATION, listener.bearer())
                    .header("X-Share-Token", viewLink).exchange().expectStatus().isOk();
        }
        Map<String, Object> exported = api.http().get().uri("/api/projects/" + project + "/export").header(HttpHeaders.AUTHORIZATION,
                owner.bearer()).exchange().expectStatus().isOk().expectBody(MAP).returnResult().getResponseBody();
        assertThat((List<Map<String, Object>>) exported.get("assets")).extracting(item -> item.get("id")).containsExactlyInAnyOrder(kick, vocal);
        // Without the link, the project's own audio is closed again; the library's stays open to all.
        assertProblem(assets.get("/api/assets/" + vocal + "/content", listener.bearer()), 404, "NOT_FOUND");
        assets.get("/api/assets/" + kick + "/content", null).expectStatus().isOk();
    }

    @Test
    void shouldHoldApiKeysToTheirAssetScopes() {
        Api.User owner = api.signUp();
        UUID project = assets.project(owner, "private");
        String id = (String) assets.uploaded(owner, project, "k.wav", wav).get("id");
        String projectsOnly = api.createApiKey(owner, List.of("projects:read", "projects:write"));
        String reader = api.createApiKey(owner, List.of("assets:read"));

        assertProblem(assets.get("/api/assets/" + id, projectsOnly), 403, "INSUFFICIENT_SCOPE");
        assertProblem(assets.get("/api/assets/" + id + "/content", projectsOnly), 403, "INSUFFICIENT_SCOPE");
        assertProblem(assets.get("/api/assets/quota", projectsOnly), 403, "INSUFFICIENT_SCOPE");
        assertProblem(assets.upload(projectsOnly, project, "k.wav", wav, MediaType.APPLICATION_OCTET_STREAM), 403, "INSUFFICIENT_SCOPE");
        assertProblem(assets.upload(reader, project, "k.wav", wav, MediaType.APPLICATION_OCTET_STREAM), 403, "INSUFFICIENT_SCOPE");
        assertProblem(assets.http().delete().uri("/api/assets/" + id).header("X-API-Key", reader).exchange(), 403, "INSUFFICIENT_SCOPE");

        assets.get("/api/assets/" + id + "/content", reader).expectStatus().isOk();
        assets.get("/api/projects/" + project + "/assets", reader).expectStatus().isOk();
        assets.get("/api/assets/quota", reader).expectStatus().isOk();
        assertProblem(assets.get("/api/assets/quota", null), 401, "UNAUTHORIZED");
    }

    @Test
    void shouldSearchTheCallersAssetsAndTheSampleLibrary() {
        Api.User owner = api.signUp();
        UUID project = assets.project(owner, "private");
        String marker = "zq" + Long.toString(System.nanoTime(), 36);
        assets.uploaded(owner, project, marker + " kick loop.wav", wav);
        assets.uploaded(owner, project, "other.wav", wav);

        Map<String, Object> mine = assets.get("/api/search/assets?q=" + marker + " kick", owner.bearer()).expectStatus().isOk()
                .expectBody(MAP).returnResult().getResponseBody();
        assertThat((List<?>) mine.get("items")).hasSize(1);

        Map<String, Object> kicks = assets.get("/api/search/assets?q=kick&limit=100", owner.bearer()).expectStatus().isOk()
                .expectBody(MAP).returnResult().getResponseBody();
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> items = (List<Map<String, Object>>) kicks.get("items");
        assertThat(items).extracting(item -> item.get("system")).contains(true, false);
        assertThat(items.get(0)).containsEntry("system", false);

        Map<String, Object> anonymous = assets.get("/api/search/assets?q=" + marker, null).expectStatus().isOk()
                .expectBody(MAP).returnResult().getResponseBody();
        assertThat((List<?>) anonymous.get("items")).isEmpty();
        assertProblem(assets.get("/api/search/assets?q= ", owner.bearer()), 400, "VALIDATION_FAILED");
        Map<String, Object> wildcard = assets.get("/api/search/assets?q=%", owner.bearer()).expectStatus().isOk()
                .expectBody(MAP).returnResult().getResponseBody();
        assertThat((List<?>) wildcard.get("items")).isEmpty();
    }

    private static org.springframework.util.MultiValueMap<String, org.springframework.http.HttpEntity<?>> multipart(byte[] bytes) {
        org.springframework.http.client.MultipartBodyBuilder builder = new org.springframework.http.client.MultipartBodyBuilder();
        builder.part("file", new org.springframework.core.io.ByteArrayResource(bytes)).filename("mine.wav");
        return builder.build();
    }
}
