package dev.dawg.assets.system;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;

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
import static dev.dawg.support.Api.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/** The library's categories, packs and sample metadata: administrators manage them, everyone reads what is active. */
@AssetIntegrationTest
class SystemLibraryIntegrationTests {

    @Autowired
    Api api;

    @Autowired
    AssetApi assets;

    final byte[] ogg = AssetApi.resource("tone-44k1-stereo.ogg");

    WebTestClient.ResponseSpec call(HttpMethod method, String uri, Api.User caller, Object body) {
        WebTestClient.RequestBodySpec request = api.http().method(method).uri(uri);
        if (caller != null) {
            request.header(HttpHeaders.AUTHORIZATION, caller.bearer());
        }
        return body == null ? request.exchange() : request.contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }

    Map<String, Object> ok(WebTestClient.ResponseSpec response) {
        return response.expectStatus().is2xxSuccessful().expectBody(MAP).returnResult().getResponseBody();
    }

    Map<String, Object> category(Api.User admin) {
        String slug = "t-" + UUID.randomUUID().toString().substring(0, 8);
        return ok(call(HttpMethod.POST, "/api/system-assets/categories", admin, Map.of("slug", slug, "name", "Test " + slug)));
    }

    WebTestClient.ResponseSpec upload(Api.User caller, Map<String, String> fields) {
        MultipartBodyBuilder body = new MultipartBodyBuilder();
        fields.forEach(body::part);
        body.part("file", new ByteArrayResource(ogg)).filename("riser.ogg").contentType(MediaType.APPLICATION_OCTET_STREAM);
        return api.http().post().uri("/api/system-assets").header(HttpHeaders.AUTHORIZATION, caller.bearer())
                .body(BodyInserters.fromMultipartData(body.build())).exchange();
    }

    @SuppressWarnings("unchecked")
    List<Map<String, Object>> items(WebTestClient.ResponseSpec response) {
        return (List<Map<String, Object>>) ok(response).get("items");
    }

    @Test
    void shouldUploadDescribeListAndFilterSamplesByCategoryAndPack() {
        Api.User admin = api.admin();
        Map<String, Object> category = category(admin);
        String slug = (String) category.get("slug");
        Map<String, Object> pack = ok(call(HttpMethod.POST, "/api/system-assets/packs", admin,
                Map.of("name", "Deep Risers " + slug, "description", "Rising", "tags", List.of("fx"), "category", category.get("id"))));
        assertThat(pack).containsEntry("active", true).containsEntry("featured", false).containsEntry("categoryId", category.get("id"))
                .containsEntry("slug", "deep-risers-" + slug);

        Map<String, String> fields = new HashMap<>(Map.of("category", slug, "pack", (String) pack.get("id"), "name", "Big Riser",
                "description", "Eight bars up", "bpm", "128", "key", "F#m", "tags", "rise, build", "premium", "true", "featured", "true"));
        fields.put("active", "true");
        Map<String, Object> sample = upload(admin, fields).expectStatus().isCreated().expectBody(MAP).returnResult().getResponseBody();
        assertThat(sample).containsEntry("name", "Big Riser").containsEntry("description", "Eight bars up").containsEntry("bpm", 128)
                .containsEntry("key", "F#m").containsEntry("tags", List.of("rise", "build")).containsEntry("premium", true)
                .containsEntry("featured", true).containsEntry("active", true).containsEntry("packId", pack.get("id"))
                .containsEntry("category", slug).containsEntry("categoryId", category.get("id")).containsEntry("usageCount", 0)
                .containsEntry("system", true).containsEntry("format", "ogg");
        String id = (String) sample.get("id");

        assertThat(items(call(HttpMethod.GET, "/api/system-assets?category=" + slug, null, null))).extracting(s -> s.get("id")).containsExactly(id);
        assertThat(items(call(HttpMethod.GET, "/api/system-assets?pack=" + pack.get("id"), null, null))).extracting(s -> s.get("id")).containsExactly(id);
        assertThat(ok(call(HttpMethod.GET, "/api/system-assets/packs/" + pack.get("id"), null, null))).containsEntry("sampleCount", 1);
        assertThat(items(call(HttpMethod.GET, "/api/system-assets/categories", null, null)))
                .filteredOn(c -> slug.equals(c.get("slug"))).singleElement().satisfies(c -> assertThat(c).containsEntry("sampleCount", 1));

        Map<String, Object> changed = ok(call(HttpMethod.PATCH, "/api/system-assets/" + id, admin,
                Map.of("name", "Bigger Riser", "bpm", 140, "tags", List.of(), "featured", false)));
        assertThat(changed).containsEntry("name", "Bigger Riser").containsEntry("bpm", 140).containsEntry("tags", List.of())
                .containsEntry("featured", false).containsEntry("key", "F#m").containsEntry("description", "Eight bars up");
        Map<String, Object> cleared = new HashMap<>();
        cleared.put("description", null);
        cleared.put("pack", null);
        assertThat(ok(call(HttpMethod.PATCH, "/api/system-assets/" + id, admin, cleared))).containsEntry("description", null)
                .containsEntry("packId", null).containsEntry("name", "Bigger Riser");
        assertThat(ok(call(HttpMethod.GET, "/api/system-assets/" + id, null, null))).containsEntry("bpm", 140);
    }

    @Test
    void shouldDescribeABuiltInSampleAndKeepItsDefaultsUntilThen() {
        Api.User admin = api.admin();
        Map<String, Object> kick = items(call(HttpMethod.GET, "/api/system-assets?category=kick", null, null)).get(0);
        assertThat(kick.get("name")).isEqualTo(((String) kick.get("filename")).replace(".wav", ""));
        assertThat(kick).containsEntry("active", true).containsEntry("premium", false).containsEntry("tags", List.of());
        Map<String, Object> described = ok(call(HttpMethod.PATCH, "/api/system-assets/" + kick.get("id"), admin, Map.of("key", "C")));
        assertThat(described).containsEntry("key", "C").containsEntry("name", kick.get("name"));
    }

    @Test
    void shouldShowInactiveSamplesAndPacksToAdministratorsOnly() {
        Api.User admin = api.admin();
        Api.User user = api.signUp();
        String slug = (String) category(admin).get("slug");
        String id = (String) ok(upload(admin, Map.of("category", slug, "active", "false"))).get("id");
        Map<String, Object> pack = ok(call(HttpMethod.POST, "/api/system-assets/packs", admin, Map.of("name", "Hidden " + slug, "active", false)));

        assertThat(items(call(HttpMethod.GET, "/api/system-assets?category=" + slug, null, null))).isEmpty();
        assertThat(items(call(HttpMethod.GET, "/api/system-assets?category=" + slug, user, null))).isEmpty();
        assertThat(items(call(HttpMethod.GET, "/api/system-assets?category=" + slug, admin, null))).extracting(s -> s.get("id")).containsExactly(id);
        assertProblem(call(HttpMethod.GET, "/api/system-assets/" + id, user, null), 404, "NOT_FOUND");
        assertProblem(call(HttpMethod.GET, "/api/system-assets/packs/" + pack.get("id"), null, null), 404, "NOT_FOUND");
        assertThat(ok(call(HttpMethod.GET, "/api/system-assets/packs/" + pack.get("id"), admin, null))).containsEntry("active", false);
        assertThat(items(call(HttpMethod.GET, "/api/system-assets/packs?limit=100", null, null))).extracting(p -> p.get("id"))
                .doesNotContain(pack.get("id"));
    }

    @Test
    void shouldRefuseAdministrationToEveryoneElse() {
        Api.User admin = api.admin();
        Api.User user = api.signUp();
        Map<String, Object> category = category(admin);
        Map<String, Object> pack = ok(call(HttpMethod.POST, "/api/system-assets/packs", admin, Map.of("name", "Mine " + category.get("slug"))));
        String sample = (String) items(call(HttpMethod.GET, "/api/system-assets?category=kick", null, null)).get(0).get("id");

        assertProblem(call(HttpMethod.POST, "/api/system-assets/categories", user, Map.of("slug", "nope", "name", "Nope")), 403, "FORBIDDEN");
        assertProblem(call(HttpMethod.PATCH, "/api/system-assets/categories/" + category.get("id"), user, Map.of("name", "X")), 403, "FORBIDDEN");
        assertProblem(call(HttpMethod.DELETE, "/api/system-assets/categories/" + category.get("id"), user, null), 403, "FORBIDDEN");
        assertProblem(call(HttpMethod.POST, "/api/system-assets/packs", user, Map.of("name", "Nope")), 403, "FORBIDDEN");
        assertProblem(call(HttpMethod.PATCH, "/api/system-assets/packs/" + pack.get("id"), user, Map.of("name", "X")), 403, "FORBIDDEN");
        assertProblem(call(HttpMethod.DELETE, "/api/system-assets/packs/" + pack.get("id"), user, null), 403, "FORBIDDEN");
        assertProblem(call(HttpMethod.PATCH, "/api/system-assets/" + sample, user, Map.of("name", "Mine")), 403, "FORBIDDEN");
        assertProblem(call(HttpMethod.DELETE, "/api/system-assets/" + sample, user, null), 403, "FORBIDDEN");
        assertProblem(upload(user, Map.of("category", "kick")), 403, "FORBIDDEN");
        assertProblem(call(HttpMethod.POST, "/api/system-assets/packs", null, Map.of("name", "Nope")), 401, "UNAUTHORIZED");
        assertThat(ok(call(HttpMethod.GET, "/api/system-assets/" + sample, null, null))).doesNotContainEntry("name", "Mine");
    }

    @Test
    void shouldRefuseBadMetadataAndKeepNothingOfARefusedUpload() {
        Api.User admin = api.admin();
        String slug = (String) category(admin).get("slug");
        String sample = (String) items(call(HttpMethod.GET, "/api/system-assets?category=kick", null, null)).get(0).get("id");
        for (Map<String, Object> bad : List.<Map<String, Object>>of(Map.of("bpm", 1000), Map.of("bpm", "fast"), Map.of("key", "H"),
                Map.of("name", ""), Map.of("name", "n".repeat(101)), Map.of("tags", IntStream.range(0, 21).mapToObj(i -> "t" + i).toList()),
                Map.of("tags", List.of("x".repeat(33))), Map.of("premium", "yes"), Map.of("pack", "not-an-id"), Map.of("owner", "me"),
                Map.of("description", "d".repeat(2001)), Map.of("category", "Not One"))) {
            assertProblem(call(HttpMethod.PATCH, "/api/system-assets/" + sample, admin, bad), 400, "VALIDATION_FAILED");
        }
        assertProblem(call(HttpMethod.PATCH, "/api/system-assets/" + sample, admin, Map.of("pack", UUID.randomUUID().toString())), 400,
                "VALIDATION_FAILED");
        assertProblem(call(HttpMethod.PATCH, "/api/system-assets/" + sample, admin, Map.of("category", "no-such-category")), 400,
                "VALIDATION_FAILED");
        assertProblem(call(HttpMethod.PATCH, "/api/system-assets/" + UUID.randomUUID(), admin, Map.of("bpm", 100)), 404, "NOT_FOUND");

        Set<String> keys = assets.storedKeys();
        assertProblem(upload(admin, Map.of("category", slug, "bpm", "9000")), 400, "VALIDATION_FAILED");
        assertProblem(upload(admin, Map.of("category", slug, "pack", UUID.randomUUID().toString())), 400, "VALIDATION_FAILED");
        assertProblem(upload(admin, Map.of("category", "no-such-category")), 400, "VALIDATION_FAILED");
        assertProblem(upload(admin, Map.of("name", "No category")), 400, "VALIDATION_FAILED");
        assertProblem(upload(admin, Map.of("category", slug, "colour", "red")), 400, "VALIDATION_FAILED");
        assertThat(items(call(HttpMethod.GET, "/api/system-assets?category=" + slug, admin, null))).isEmpty();
        assertThat(keys).as("objects in the bucket").containsAll(assets.storedKeys());
    }

    @Test
    void shouldAcceptTheAdminFormsTwelvePartsAndRefuseAThirteenth() {
        Api.User admin = api.admin();
        String slug = (String) category(admin).get("slug");
        Map<String, String> eleven = new HashMap<>(Map.of("category", slug, "name", "Full form", "description", "All fields", "bpm", "90",
                "key", "Am", "tags", "[\"a\",\"b\"]", "premium", "false", "featured", "false", "active", "true"));
        eleven.put("pack", "");
        eleven.put("filler", "");
        assertThat(eleven).hasSize(11);
        // Eleven fields and the file: the most the admin form sends (the empty ones are read and left out).
        Map<String, Object> created = ok(upload(admin, eleven));
        assertThat(created).containsEntry("tags", List.of("a", "b")).containsEntry("key", "Am");

        Set<String> keys = assets.storedKeys();
        Map<String, String> twelve = new HashMap<>(eleven);
        twelve.put("one-too-many", "");
        assertProblem(upload(admin, twelve), 400, "MALFORMED_REQUEST");
        assertThat(items(call(HttpMethod.GET, "/api/system-assets?category=" + slug, admin, null))).hasSize(1);
        assertThat(keys).as("objects in the bucket").containsAll(assets.storedKeys());
    }

    @Test
    void shouldCountEveryUseExactlyAndRefuseBadOnes() {
        Api.User user = api.signUp();
        Map<String, Object> project = api.createProject(user);
        String sample = (String) items(call(HttpMethod.GET, "/api/system-assets?category=snare", null, null)).get(0).get("id");
        long before = ((Number) ok(call(HttpMethod.GET, "/api/system-assets/" + sample, null, null)).get("usageCount")).longValue();

        List<Integer> statuses = IntStream.range(0, 20).parallel()
                .mapToObj(i -> call(HttpMethod.POST, "/api/system-assets/" + sample + "/usage", user,
                        i % 2 == 0 ? Map.of("usageType", "loaded") : Map.of("usageType", "used_in_project", "projectId", project.get("id")))
                        .returnResult(byte[].class).getStatus().value())
                .toList();
        assertThat(statuses).containsOnly(200);
        assertThat(((Number) ok(call(HttpMethod.GET, "/api/system-assets/" + sample, null, null)).get("usageCount")).longValue())
                .isEqualTo(before + 20);

        assertProblem(call(HttpMethod.POST, "/api/system-assets/" + sample + "/usage", user, Map.of("usageType", "stolen")), 400, "VALIDATION_FAILED");
        assertProblem(call(HttpMethod.POST, "/api/system-assets/" + sample + "/usage", user, Map.of("usageType", "loaded", "projectId", "x")), 400,
                "VALIDATION_FAILED");
        assertProblem(call(HttpMethod.POST, "/api/system-assets/" + UUID.randomUUID() + "/usage", user, Map.of("usageType", "loaded")), 404, "NOT_FOUND");
        assertProblem(call(HttpMethod.POST, "/api/system-assets/" + sample + "/usage", null, Map.of("usageType", "loaded")), 401, "UNAUTHORIZED");
    }

    @Test
    void shouldRateLimitUsesPerUser() {
        Api.User user = api.signUp();
        String sample = (String) items(call(HttpMethod.GET, "/api/system-assets?category=hat", null, null)).get(0).get("id");
        int accepted = 0;
        int status = 200;
        while (status == 200 && accepted <= SystemLibrary.USES_PER_MINUTE) {
            status = call(HttpMethod.POST, "/api/system-assets/" + sample + "/usage", user, Map.of("usageType", "loaded"))
                    .returnResult(byte[].class).getStatus().value();
            accepted += status == 200 ? 1 : 0;
        }
        assertThat(accepted).isEqualTo(SystemLibrary.USES_PER_MINUTE);
        assertThat(status).isEqualTo(429);
    }

    @Test
    void shouldKeepCategoriesAndPacksConsistentWithTheirSamples() {
        Api.User admin = api.admin();
        Map<String, Object> category = category(admin);
        String slug = (String) category.get("slug");
        Map<String, Object> pack = ok(call(HttpMethod.POST, "/api/system-assets/packs", admin, Map.of("name", "Kept " + slug)));
        String id = (String) ok(upload(admin, Map.of("category", slug, "pack", (String) pack.get("id")))).get("id");

        assertProblem(call(HttpMethod.POST, "/api/system-assets/categories", admin, Map.of("slug", slug, "name", "Twice")), 409, "CONFLICT");
        assertProblem(call(HttpMethod.POST, "/api/system-assets/packs", admin, Map.of("name", "Kept " + slug)), 409, "CONFLICT");
        assertProblem(call(HttpMethod.DELETE, "/api/system-assets/categories/" + category.get("id"), admin, null), 409, "CONFLICT");

        String renamed = slug + "-x";
        assertThat(ok(call(HttpMethod.PATCH, "/api/system-assets/categories/" + category.get("id"), admin, Map.of("slug", renamed, "name", "Renamed"))))
                .containsEntry("slug", renamed).containsEntry("name", "Renamed");
        assertThat(ok(call(HttpMethod.GET, "/api/system-assets/" + id, null, null))).containsEntry("category", renamed);

        call(HttpMethod.DELETE, "/api/system-assets/packs/" + pack.get("id"), admin, null).expectStatus().isNoContent();
        assertThat(ok(call(HttpMethod.GET, "/api/system-assets/" + id, null, null))).containsEntry("packId", null);
        call(HttpMethod.DELETE, "/api/system-assets/" + id, admin, null).expectStatus().isNoContent();
        assertProblem(call(HttpMethod.GET, "/api/system-assets/" + id, null, null), 404, "NOT_FOUND");
        call(HttpMethod.DELETE, "/api/system-assets/categories/" + category.get("id"), admin, null).expectStatus().isNoContent();
        assertProblem(call(HttpMethod.PATCH, "/api/system-assets/categories/" + category.get("id"), admin, Map.of("name", "Gone")), 404, "NOT_FOUND");
    }
}
