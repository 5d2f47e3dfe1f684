package dev.dawg.dawgclient.system;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.client.MultipartBodyBuilder;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.BodyInserters;

import dev.dawg.assets.AssetApi;
import dev.dawg.assets.AssetIntegrationTest;
import dev.dawg.support.Api;

import static dev.dawg.support.Api.MAP;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The DAWG client's sample library calls, replayed as its api.js, uploadService.js, file browser and admin panel make
 * them (same method, path, body and headers), asserting what the client then reads; refusals in its error shape.
 */
@AssetIntegrationTest
class ClientSystemLibraryIntegrationTests {

    static final String BASE = "/dawg-client/api";

    @Autowired
    Api api;

    final byte[] ogg = AssetApi.resource("tone-44k1-stereo.ogg");

    /** What api.js's request() sends: JSON content type only with a body, the bearer token when signed in. */
    WebTestClient.ResponseSpec request(HttpMethod method, String endpoint, Api.User caller, Object body) {
        WebTestClient.RequestBodySpec request = api.http().method(method).uri(BASE + endpoint);
        if (caller != null) {
            request.header(HttpHeaders.AUTHORIZATION, caller.bearer());
        }
        return body == null ? request.exchange() : request.contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }

    Map<String, Object> ok(WebTestClient.ResponseSpec response) {
        return response.expectStatus().is2xxSuccessful().expectBody(MAP).returnResult().getResponseBody();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> error(WebTestClient.ResponseSpec response, int status, String code) {
        Map<String, Object> body = response.expectStatus().isEqualTo(status).expectBody(MAP).returnResult().getResponseBody();
        Map<String, Object> error = (Map<String, Object>) body.get("error");
        assertThat(error).as("the client's error shape").isNotNull().containsEntry("code", code);
        assertThat((String) error.get("message")).isNotBlank();
        return error;
    }

    /** uploadSystemAssetViaServer: the metadata fields first (only those set), the file last, with the bearer token. */
    WebTestClient.ResponseSpec uploadViaServer(Api.User caller, Map<String, String> metadata) {
        MultipartBodyBuilder form = new MultipartBodyBuilder();
        for (String name : List.of("name", "filename", "description", "categoryId", "packId", "bpm", "keySignature", "tags", "isPremium",
                "isFeatured", "isActive")) {
            if (metadata.containsKey(name)) {
                form.part(name, metadata.get(name));
            }
        }
        form.part("file", new ByteArrayResource(ogg)).filename("riser.ogg").contentType(MediaType.parseMediaType("audio/ogg"));
        return api.http().post().uri(BASE + "/admin/system/assets").header(HttpHeaders.AUTHORIZATION, caller.bearer())
                .body(BodyInserters.fromMultipartData(form.build())).exchange();
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> list(Map<String, Object> body, String name) {
        return (List<Map<String, Object>>) body.get(name);
    }

    @Test
    void shouldServeTheFileBrowsersLibraryAndItsFiles() {
        // useFileBrowserStore.loadSystemAssets: listSystemAssets({isActive: true, limit: 1000}), listSystemPacks({limit: 100}).
        Map<String, Object> page = ok(request(HttpMethod.GET, "/assets/system?isActive=true&limit=1000", null, null));
        assertThat(page).containsKeys("assets", "total", "limit", "offset").containsEntry("offset", 0).containsEntry("limit", 100);
        Map<String, Object> kick = list(page, "assets").stream().filter(a -> "kick".equals(a.get("category"))).findFirst().orElseThrow();
        assertThat(kick).containsKeys("id", "name", "filename", "categoryId", "packId", "mimeType", "fileSize", "tags", "durationSeconds")
                .containsEntry("isActive", true).containsEntry("isPremium", false).containsEntry("mimeType", "audio/wav")
                .containsEntry("storageUrl", BASE + "/assets/system/" + kick.get("id") + "/file");
        assertThat(ok(request(HttpMethod.GET, "/assets/system/packs?limit=100", null, null))).containsKeys("packs", "total");

        // getSystemAsset, and the URL the preview player and the sample loader build: ranges as the native content route.
        assertThat(ok(request(HttpMethod.GET, "/assets/system/" + kick.get("id"), null, null))).containsEntry("name", kick.get("name"));
        byte[] whole = api.http().get().uri(BASE + "/assets/system/" + kick.get("id") + "/file").exchange()
                .expectStatus().isOk().expectHeader().valueEquals(HttpHeaders.ACCEPT_RANGES, "bytes")
                .expectBody(byte[].class).returnResult().getResponseBody();
        assertThat((long) whole.length).isEqualTo(((Number) kick.get("fileSize")).longValue());
        byte[] head = api.http().get().uri(BASE + "/assets/system/" + kick.get("id") + "/file").header(HttpHeaders.RANGE, "bytes=0-11").exchange()
                .expectStatus().isEqualTo(206).expectHeader().valueEquals(HttpHeaders.CONTENT_RANGE, "bytes 0-11/" + whole.length)
                .expectBody(byte[].class).returnResult().getResponseBody();
        assertThat(head).isEqualTo(java.util.Arrays.copyOf(whole, 12));

        // listSystemCategories → response.categories[].{id, name, slug}
        List<Map<String, Object>> categories = list(ok(request(HttpMethod.GET, "/assets/system/categories", null, null)), "categories");
        Map<String, Object> kicks = categories.stream().filter(c -> "kick".equals(c.get("slug"))).findFirst().orElseThrow();
        assertThat(kicks).containsKeys("id", "name", "description");
        assertThat(list(ok(request(HttpMethod.GET, "/assets/system?categoryId=" + kicks.get("id") + "&limit=1000", null, null)), "assets"))
                .isNotEmpty().allSatisfy(a -> assertThat(a).containsEntry("categoryId", kicks.get("id")));
        assertThat(list(ok(request(HttpMethod.GET, "/assets/system?categoryId=" + UUID.randomUUID(), null, null)), "assets")).isEmpty();

        error(request(HttpMethod.GET, "/assets/system/" + UUID.randomUUID(), null, null), 404, "NOT_FOUND");
        error(api.http().get().uri(BASE + "/assets/system/" + UUID.randomUUID() + "/file").exchange(), 404, "NOT_FOUND");
        error(request(HttpMethod.GET, "/assets/system?limit=-1", null, null), 400, "VALIDATION_FAILED");
    }

    @Test
    void shouldTrackUsageAsTheClientReportsIt() {
        Api.User user = api.signUp();
        Map<String, Object> project = api.createProject(user);
        String id = (String) list(ok(request(HttpMethod.GET, "/assets/system?limit=1000", null, null)), "assets").get(0).get("id");
        long before = ((Number) ok(request(HttpMethod.GET, "/assets/system/" + id, null, null)).get("usageCount")).longValue();

        Map<String, Object> withProject = new HashMap<>();
        withProject.put("usageType", "used_in_project");
        withProject.put("projectId", project.get("id"));
        assertThat(ok(request(HttpMethod.POST, "/assets/system/" + id + "/usage", user, withProject))).containsEntry("success", true);
        // trackSystemAssetUsage(assetId, 'loaded', undefined): JSON.stringify drops projectId.
        assertThat(ok(request(HttpMethod.POST, "/assets/system/" + id + "/usage", user, Map.of("usageType", "loaded")))).containsEntry("success", true);
        assertThat(((Number) ok(request(HttpMethod.GET, "/assets/system/" + id, null, null)).get("usageCount")).longValue()).isEqualTo(before + 2);

        error(request(HttpMethod.POST, "/assets/system/" + id + "/usage", user, Map.of("usageType", "sold")), 400, "VALIDATION_FAILED");
        error(request(HttpMethod.POST, "/assets/system/" + id + "/usage", null, Map.of("usageType", "loaded")), 401, "UNAUTHORIZED");
    }

    @Test
    void shouldRunTheAdminPanelsPacksCategoriesAndUploads() {
        Api.User admin = api.admin();
        String suffix = UUID.randomUUID().toString().substring(0, 8);

        // PackModal → createSystemPack({...formData, price, tags}); the panel reads newPack.isActive, then reloads.
        Map<String, Object> packForm = new HashMap<>(Map.of("name", "Risers " + suffix, "slug", "risers-" + suffix, "description", "Up",
                "isFree", true, "categoryId", "", "tags", List.of("fx"), "isFeatured", false, "isActive", true));
        Map<String, Object> pack = request(HttpMethod.POST, "/assets/admin/system/packs", admin, packForm).expectStatus().isCreated()
                .expectBody(MAP).returnResult().getResponseBody();
        assertThat(pack).containsEntry("isActive", true).containsEntry("slug", "risers-" + suffix).containsEntry("isFree", true)
                .containsEntry("categoryId", null).containsEntry("tags", List.of("fx"));
        assertThat(list(ok(request(HttpMethod.GET, "/assets/system/packs?limit=100", admin, null)), "packs")).extracting(p -> p.get("id"))
                .contains(pack.get("id"));

        List<Map<String, Object>> categories = list(ok(request(HttpMethod.GET, "/assets/system/categories", admin, null)), "categories");
        Map<String, Object> fx = categories.stream().filter(c -> "fx".equals(c.get("slug"))).findFirst().orElseThrow();

        // uploadSystemAsset: upload/request finds no direct URL (no accessKey), so the client falls back to the form.
        Map<String, Object> direct = ok(request(HttpMethod.POST, "/assets/admin/system/assets/upload/request", admin,
                Map.of("filename", "riser.ogg", "size", ogg.length, "mimeType", "audio/ogg", "categoryId", fx.get("id"), "packId", pack.get("id"))));
        assertThat(direct.get("uploadUrl")).isNull();
        assertThat(direct.get("accessKey")).isNull();
        Map<String, String> metadata = new HashMap<>(Map.of("name", "Riser " + suffix, "filename", "riser-final.ogg",
                "description", "Eight bars", "categoryId", (String) fx.get("id"), "packId", (String) pack.get("id"), "bpm", "128",
                "keySignature", "F#m", "tags", "[\"rise\",\"build\"]", "isPremium", "false", "isFeatured", "true"));
        metadata.put("isActive", "true");
        Map<String, Object> sample = uploadViaServer(admin, metadata)
                .expectStatus().isCreated().expectBody(MAP).returnResult().getResponseBody();
        assertThat(sample).containsEntry("name", "Riser " + suffix).containsEntry("categoryId", fx.get("id")).containsEntry("packId", pack.get("id"))
                .containsEntry("packName", "Risers " + suffix).containsEntry("bpm", 128).containsEntry("keySignature", "F#m")
                .containsEntry("tags", List.of("rise", "build")).containsEntry("isFeatured", true).containsEntry("isActive", true)
                .containsEntry("fileSize", ogg.length);
        String id = (String) sample.get("id");
        assertThat(ok(request(HttpMethod.GET, "/assets/system/packs/" + pack.get("id"), null, null))).containsEntry("assetCount", 1);

        // AssetEditModal → updateSystemAsset(id, {name, description, categoryId, packId, bpm, keySignature, tags, isActive, ...}).
        Map<String, Object> edited = ok(request(HttpMethod.PUT, "/admin/system/assets/" + id, admin, Map.of("name", "Riser v2",
                "description", "", "categoryId", fx.get("id"), "bpm", 120, "keySignature", "Am", "tags", List.of(), "isActive", false,
                "isPremium", true, "isFeatured", false)));
        assertThat(edited).containsEntry("name", "Riser v2").containsEntry("bpm", 120).containsEntry("keySignature", "Am")
                .containsEntry("isActive", false).containsEntry("isPremium", true);
        error(request(HttpMethod.GET, "/assets/system/" + id, null, null), 404, "NOT_FOUND");
        // The admin panel lists without isActive and sees inactive samples; the file browser asks for active ones only.
        assertThat(list(ok(request(HttpMethod.GET, "/assets/system?limit=1000&packId=" + pack.get("id"), admin, null)), "assets")).hasSize(1);
        assertThat(list(ok(request(HttpMethod.GET, "/assets/system?isActive=true&limit=1000&packId=" + pack.get("id"), admin, null)), "assets"))
                .isEmpty();

        // PackEditModal → updateSystemPack; CategoryEditModal → updateSystemCategory({name, slug, description}).
        assertThat(ok(request(HttpMethod.PUT, "/assets/admin/system/packs/" + pack.get("id"), admin, Map.of("name", "Risers II " + suffix,
                "slug", "risers-ii-" + suffix, "description", "", "isFree", true, "price", 0, "categoryId", fx.get("id"), "tags", List.of(),
                "isFeatured", true, "isActive", true)))).containsEntry("name", "Risers II " + suffix).containsEntry("categoryId", fx.get("id"))
                .containsEntry("isFeatured", true);
        Map<String, Object> categoryForm = Map.of("name", fx.get("name"), "slug", fx.get("slug"), "description", "Effects and risers");
        assertThat(ok(request(HttpMethod.PUT, "/assets/admin/system/categories/" + fx.get("id"), admin, categoryForm)))
                .containsEntry("description", "Effects and risers").containsEntry("slug", "fx");

        // deleteSystemAsset, deleteSystemPack → ok (the client reads nothing but success).
        assertThat(ok(request(HttpMethod.DELETE, "/admin/system/assets/" + id, admin, null))).containsEntry("success", true);
        assertThat(ok(request(HttpMethod.DELETE, "/assets/admin/system/packs/" + pack.get("id"), admin, null))).containsEntry("success", true);
        error(request(HttpMethod.GET, "/assets/system/packs/" + pack.get("id"), admin, null), 404, "NOT_FOUND");
    }

    @Test
    void shouldRefuseTheAdminPanelToOthersAndBadFormsInTheClientsShape() {
        Api.User admin = api.admin();
        Api.User user = api.signUp();
        String id = (String) list(ok(request(HttpMethod.GET, "/assets/system?limit=1000", null, null)), "assets").get(0).get("id");

        error(uploadViaServer(user, Map.of("name", "Mine", "categoryId", UUID.randomUUID().toString())), 403, "FORBIDDEN");
        error(request(HttpMethod.PUT, "/admin/system/assets/" + id, user, Map.of("name", "Mine")), 403, "FORBIDDEN");
        error(request(HttpMethod.DELETE, "/admin/system/assets/" + id, user, null), 403, "FORBIDDEN");
        error(request(HttpMethod.POST, "/assets/admin/system/packs", user, Map.of("name", "Mine", "slug", "mine")), 403, "FORBIDDEN");
        error(request(HttpMethod.POST, "/assets/admin/system/assets/upload/request", user, Map.of("filename", "a.wav")), 403, "FORBIDDEN");
        error(request(HttpMethod.POST, "/assets/admin/system/packs", null, Map.of("name", "Mine")), 401, "UNAUTHORIZED");

        Map<String, Object> bad = error(uploadViaServer(admin, Map.of("name", "No category")), 400, "VALIDATION_FAILED");
        assertThat((String) bad.get("message")).contains("category");
        error(uploadViaServer(admin, Map.of("categoryId", UUID.randomUUID().toString())), 400, "VALIDATION_FAILED");
        error(uploadViaServer(admin, Map.of("categoryId", "fx", "bpm", "9000")), 400, "VALIDATION_FAILED");
        error(request(HttpMethod.PUT, "/admin/system/assets/" + id, admin, Map.of("bpm", 5000)), 400, "VALIDATION_FAILED");
        error(request(HttpMethod.PUT, "/admin/system/assets/" + id, admin, Map.of("keySignature", "H#")), 400, "VALIDATION_FAILED");
        error(request(HttpMethod.PUT, "/admin/system/assets/" + UUID.randomUUID(), admin, Map.of("name", "Gone")), 404, "NOT_FOUND");
        error(request(HttpMethod.POST, "/assets/admin/system/packs", admin, Map.of("slug", "no-name")), 400, "VALIDATION_FAILED");
        error(request(HttpMethod.POST, "/assets/admin/system/assets/upload/complete", admin, Map.of("assetId", UUID.randomUUID())), 404, "NOT_FOUND");
    }
}
