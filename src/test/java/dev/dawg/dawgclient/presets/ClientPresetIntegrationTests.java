package dev.dawg.dawgclient.presets;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.dawg.support.Api;
import dev.dawg.support.Api.User;
import dev.dawg.support.IntegrationTest;

import static dev.dawg.dawgclient.session.DawgClientReplay.assertClientError;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The DAWG client's preset library (apiClient.getPresets, uploadPreset, downloadPreset, ratePreset, getMyDownloads,
 * deletePreset, deletePresetAdmin; the GET and PUT of one preset) on the native one.
 */
@IntegrationTest
class ClientPresetIntegrationTests {

    private static final String BASE = "/dawg-client/api/presets";
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Autowired
    Api api;

    @Autowired
    DatabaseClient db;

    /** An engine of this test's own, so lists filtered by it hold only this test's presets. */
    private static String engine() {
        return "eng-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private WebTestClient.ResponseSpec call(String method, String uri, User user, Object body) {
        WebTestClient.RequestBodySpec request = api.http().method(HttpMethod.valueOf(method)).uri(BASE + uri);
        if (user != null) {
            request.header(HttpHeaders.AUTHORIZATION, user.bearer());
        }
        return body == null ? request.exchange() : request.contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }

    private Map<String, Object> ok(String method, String uri, User user, Object body) {
        return call(method, uri, user, body).expectStatus().isOk().expectBody(Api.MAP).returnResult().getResponseBody();
    }

    /** The body the client's upload modal sends. */
    private static Map<String, Object> upload(String name, String engine, boolean isPublic) {
        Map<String, Object> body = new HashMap<>();
        body.put("name", name);
        body.put("description", "");
        body.put("presetType", "instrument");
        body.put("engineType", engine);
        body.put("category", null);
        body.put("genre", null);
        body.put("tags", List.of("Warm", "pad"));
        body.put("presetData", Map.of("cutoff", 1200, "osc", Map.of("wave", "saw")));
        body.put("isPublic", isPublic);
        return body;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> create(User user, Map<String, Object> body) {
        Map<String, Object> answer = call("POST", "", user, body).expectStatus().isCreated().expectBody(Api.MAP).returnResult().getResponseBody();
        return (Map<String, Object>) answer.get("preset");
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> presets(Map<String, Object> body) {
        return (List<Map<String, Object>>) body.get("presets");
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldCreateReadListChangeAndDeleteInTheClientsShapes() {
        User owner = api.signUp();
        User other = api.signUp();
        String engine = engine();
        Map<String, Object> created = create(owner, upload("Warm pad", engine, true));
        assertThat(created).containsEntry("name", "Warm pad").containsEntry("presetType", "instrument").containsEntry("engineType", engine)
                .containsEntry("category", ClientPresetHandler.NO_CATEGORY).containsEntry("tags", List.of("warm", "pad"))
                .containsEntry("userId", owner.id().toString()).containsEntry("userName", owner.username())
                .containsEntry("downloadsCount", 0).containsEntry("ratingCount", 0).containsEntry("isPublic", true)
                .containsEntry("isFeatured", false).containsEntry("presetData", Map.of("cutoff", 1200, "osc", Map.of("wave", "saw")));
        Map<String, Object> hidden = create(owner, upload("Secret pad", engine, false));

        // One preset, for anyone; a private one is someone else's 404.
        assertThat((Map<String, Object>) ok("GET", "/" + created.get("id"), null, null).get("preset"))
                .containsEntry("presetData", Map.of("cutoff", 1200, "osc", Map.of("wave", "saw")));
        assertThat((Map<String, Object>) ok("GET", "/" + hidden.get("id"), owner, null).get("preset")).containsEntry("isPublic", false);
        assertClientError(call("GET", "/" + hidden.get("id"), other, null), 404, "NOT_FOUND");
        assertClientError(call("GET", "/" + hidden.get("id"), null, null), 404, "NOT_FOUND");

        // The browse tab (public only), "my presets" (userId: the caller's own, private too), another's view of them.
        Map<String, Object> browse = ok("GET", "?page=1&limit=20&public=true&engineType=" + engine, other, null);
        assertThat(presets(browse)).extracting(p -> p.get("name")).containsExactly("Warm pad");
        assertThat(presets(browse).get(0)).doesNotContainKey("presetData").containsEntry("ratingAvg", 0.0);
        assertThat((Map<String, Object>) browse.get("pagination")).containsEntry("page", 1).containsEntry("limit", 20)
                .containsEntry("total", 1).containsEntry("totalPages", 1);
        assertThat(presets(ok("GET", "?userId=" + owner.id(), owner, null))).extracting(p -> p.get("name"))
                .containsExactly("Secret pad", "Warm pad");
        assertThat(presets(ok("GET", "?userId=" + owner.id() + "&public=false", owner, null))).extracting(p -> p.get("name"))
                .containsExactly("Secret pad");
        assertThat(presets(ok("GET", "?userId=" + owner.id(), other, null))).extracting(p -> p.get("name")).containsExactly("Warm pad");
        assertThat(presets(ok("GET", "?userId=" + owner.id() + "&public=false", other, null))).isEmpty();

        // The owner's PUT changes what it names; type and engine stay; others may not.
        Map<String, Object> changed = (Map<String, Object>) ok("PUT", "/" + created.get("id"), owner,
                Map.of("name", "Warmer pad", "category", "Pads", "presetData", Map.of("cutoff", 800))).get("preset");
        assertThat(changed).containsEntry("name", "Warmer pad").containsEntry("category", "Pads").containsEntry("presetData", Map.of("cutoff", 800));
        assertClientError(call("PUT", "/" + created.get("id"), owner, Map.of("engineType", "other")), 400, "VALIDATION_FAILED");
        assertClientError(call("PUT", "/" + created.get("id"), owner, Map.of()), 400, "VALIDATION_FAILED");
        assertClientError(call("PUT", "/" + created.get("id"), other, Map.of("name", "Mine now")), 403, "FORBIDDEN");
        assertClientError(call("PUT", "/" + hidden.get("id"), other, Map.of("name", "Mine now")), 404, "NOT_FOUND");
        assertClientError(call("PUT", "/" + created.get("id"), null, Map.of("name", "x")), 401, "UNAUTHORIZED");

        // Deleting: not by another user, by the owner.
        assertClientError(call("DELETE", "/" + created.get("id"), other, null), 403, "FORBIDDEN");
        assertThat(ok("DELETE", "/" + created.get("id"), owner, null)).containsEntry("message", "Preset deleted successfully");
        assertClientError(call("GET", "/" + created.get("id"), owner, null), 404, "NOT_FOUND");
        assertClientError(call("DELETE", "/" + created.get("id"), owner, null), 404, "NOT_FOUND");
        assertClientError(call("GET", "/not-an-id", owner, null), 404, "NOT_FOUND");
    }

    @Test
    void shouldRefuseBadUploadsStoringNothing() {
        User owner = api.signUp();
        String engine = engine();
        Map<String, Object> noName = upload(" ", engine, true);
        assertClientError(call("POST", "", owner, noName), 400, "VALIDATION_FAILED");
        Map<String, Object> badType = upload("Pad", engine, true);
        badType.put("presetType", "drum");
        assertClientError(call("POST", "", owner, badType), 400, "VALIDATION_FAILED");
        Map<String, Object> noData = upload("Pad", engine, true);
        noData.remove("presetData");
        assertClientError(call("POST", "", owner, noData), 400, "VALIDATION_FAILED");
        Map<String, Object> unknown = upload("Pad", engine, true);
        unknown.put("downloadsCount", 1000);
        assertClientError(call("POST", "", owner, unknown), 400, "VALIDATION_FAILED");
        // The native 256 KB limit on the data holds here too.
        Map<String, Object> huge = upload("Pad", engine, true);
        huge.put("presetData", Map.of("p", "x".repeat(256 * 1024)));
        assertClientError(call("POST", "", owner, huge), 413, "PAYLOAD_TOO_LARGE");
        assertClientError(call("POST", "", null, upload("Pad", engine, true)), 401, "UNAUTHORIZED");
        assertThat(presets(ok("GET", "?userId=" + owner.id(), owner, null))).isEmpty();
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldFilterSortAndPageAsTheClientAsks() {
        User owner = api.signUp();
        String engine = engine();
        Map<String, Object> bass = upload("Deep bass", engine, true);
        bass.put("tags", List.of("bass"));
        bass.put("genre", "Techno");
        Object bassId = create(owner, bass).get("id");
        Map<String, Object> lead = upload("Bright lead", engine, true);
        lead.put("tags", List.of("lead"));
        create(owner, lead);
        Map<String, Object> delay = upload("Tape delay", engine, true);
        delay.put("presetType", "effect");
        delay.put("tags", List.of("echo"));
        create(owner, delay);
        User fan = api.signUp();
        ok("POST", "/" + bassId + "/download", fan, null);

        String base = "?engineType=" + engine;
        assertThat(presets(ok("GET", base + "&tags=bass,lead", null, null))).extracting(p -> p.get("name"))
                .containsExactlyInAnyOrder("Deep bass", "Bright lead");
        assertThat(presets(ok("GET", base + "&presetType=effect", null, null))).extracting(p -> p.get("name")).containsExactly("Tape delay");
        assertThat(presets(ok("GET", base + "&genre=techno", null, null))).extracting(p -> p.get("name")).containsExactly("Deep bass");
        assertThat(presets(ok("GET", base + "&search=bright", null, null))).extracting(p -> p.get("name")).containsExactly("Bright lead");
        assertThat(presets(ok("GET", base + "&sortBy=downloads_count", null, null)).get(0)).containsEntry("name", "Deep bass")
                .containsEntry("downloadsCount", 1);
        assertThat(presets(ok("GET", base + "&sortBy=created_at&sortOrder=asc", null, null))).extracting(p -> p.get("name"))
                .containsExactly("Deep bass", "Bright lead", "Tape delay");
        Map<String, Object> second = ok("GET", base + "&page=2&limit=1", null, null);
        assertThat(presets(second)).extracting(p -> p.get("name")).containsExactly("Bright lead");
        assertThat((Map<String, Object>) second.get("pagination")).containsEntry("total", 3).containsEntry("totalPages", 3);
        assertThat(presets(ok("GET", base + "&page=9", null, null))).isEmpty();
        assertThat(presets(ok("GET", base + "&featured=true", null, null))).isEmpty();

        assertClientError(call("GET", base + "&sortBy=name", null, null), 400, "VALIDATION_FAILED");
        assertClientError(call("GET", base + "&sortOrder=up", null, null), 400, "VALIDATION_FAILED");
        assertClientError(call("GET", base + "&public=maybe", null, null), 400, "VALIDATION_FAILED");
        assertClientError(call("GET", base + "&userId=nobody", null, null), 400, "VALIDATION_FAILED");
        assertClientError(call("GET", base + "&presetType=drum", null, null), 400, "VALIDATION_FAILED");
        assertClientError(call("GET", base + "&page=0", null, null), 400, "VALIDATION_FAILED");
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldCountADownloadOncePerUserUnderConcurrencyAndListMyDownloads() {
        User owner = api.signUp();
        String engine = engine();
        Map<String, Object> preset = create(owner, upload("Shared pad", engine, true));
        Map<String, Object> hidden = create(owner, upload("Hidden pad", engine, false));
        List<User> users = Flux.range(0, 8).flatMap(i -> Mono.fromCallable(api::signUp).subscribeOn(Schedulers.boundedElastic()), 4)
                .collectList().block(WAIT);

        // Each user downloads three times at once: each counts once.
        List<Boolean> counted = Flux.fromIterable(users).flatMap(user -> Flux.range(0, 3)
                        .flatMap(i -> Mono.fromCallable(() -> (Boolean) ok("POST", "/" + preset.get("id") + "/download", user, null).get("counted"))
                                .subscribeOn(Schedulers.boundedElastic())))
                .collectList().block(WAIT);
        assertThat(counted).hasSize(24).filteredOn(Boolean::booleanValue).hasSize(8);
        Map<String, Object> again = ok("POST", "/" + preset.get("id") + "/download", users.get(0), null);
        assertThat(again).containsEntry("message", "Preset downloaded").containsEntry("counted", false);
        assertThat((Map<String, Object>) again.get("preset")).containsEntry("downloadsCount", 8).containsEntry("userName", owner.username())
                .containsEntry("presetData", Map.of("cutoff", 1200, "osc", Map.of("wave", "saw")));

        // A private preset is downloaded by its owner only.
        assertClientError(call("POST", "/" + hidden.get("id") + "/download", users.get(0), null), 404, "NOT_FOUND");
        assertClientError(call("POST", "/" + preset.get("id") + "/download", null, null), 401, "UNAUTHORIZED");

        // My downloads: what I downloaded and may still read, with its data.
        Map<String, Object> mine = ok("GET", "/downloads/me?page=1&limit=20", users.get(0), null);
        assertThat(presets(mine)).singleElement().satisfies(p -> assertThat(p).containsEntry("id", preset.get("id"))
                .containsEntry("presetData", Map.of("cutoff", 1200, "osc", Map.of("wave", "saw"))));
        assertThat(mine).containsEntry("total", 1);
        assertThat(presets(ok("GET", "/downloads/me?presetType=effect", users.get(0), null))).isEmpty();
        assertThat(presets(ok("GET", "/downloads/me?engineType=" + engine, users.get(0), null))).hasSize(1);
        ok("POST", "/" + hidden.get("id") + "/download", owner, null);
        ok("PUT", "/" + hidden.get("id"), owner, Map.of("isPublic", true));
        ok("POST", "/" + hidden.get("id") + "/download", users.get(1), null);
        ok("PUT", "/" + hidden.get("id"), owner, Map.of("isPublic", false));
        assertThat(presets(ok("GET", "/downloads/me", users.get(1), null))).extracting(p -> p.get("id")).containsExactly(preset.get("id"));
        assertThat(presets(ok("GET", "/downloads/me", owner, null))).extracting(p -> p.get("id")).containsExactly(hidden.get("id"));
        assertClientError(call("GET", "/downloads/me?presetType=drum", owner, null), 400, "VALIDATION_FAILED");
        assertClientError(call("GET", "/downloads/me", null, null), 401, "UNAUTHORIZED");
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldRateFromOneToFiveOncePerUser() {
        User owner = api.signUp();
        User fan = api.signUp();
        User critic = api.signUp();
        Map<String, Object> preset = create(owner, upload("Rated pad", engine(), true));
        String rate = "/" + preset.get("id") + "/rate";

        assertThat(ok("POST", rate, fan, Map.of("rating", 5))).containsEntry("message", "Preset rated successfully")
                .containsEntry("rating", Map.of("rating", 5)).containsEntry("ratingCount", 1).containsEntry("ratingAvg", 5.0);
        assertThat(ok("POST", rate, fan, Map.of("rating", 3))).containsEntry("ratingCount", 1).containsEntry("ratingAvg", 3.0);
        assertThat(ok("POST", rate, critic, Map.of("rating", 1))).containsEntry("ratingCount", 2).containsEntry("ratingAvg", 2.0);
        assertThat((Map<String, Object>) ok("GET", "/" + preset.get("id"), fan, null).get("preset")).containsEntry("ratingAvg", 2.0)
                .containsEntry("myRating", 3);

        assertClientError(call("POST", rate, fan, Map.of("rating", 6)), 400, "VALIDATION_FAILED");
        assertClientError(call("POST", rate, fan, Map.of("rating", 0)), 400, "VALIDATION_FAILED");
        assertClientError(call("POST", rate, fan, Map.of("rating", "five")), 400, "VALIDATION_FAILED");
        assertClientError(call("POST", rate, owner, Map.of("rating", 5)), 403, "FORBIDDEN");
        assertClientError(call("POST", rate, null, Map.of("rating", 5)), 401, "UNAUTHORIZED");
        assertClientError(call("POST", "/" + UUID.randomUUID() + "/rate", fan, Map.of("rating", 5)), 404, "NOT_FOUND");
        assertThat((Map<String, Object>) ok("GET", "/" + preset.get("id"), null, null).get("preset")).containsEntry("ratingCount", 2);
    }

    @Test
    void shouldLetOnlyAdministratorsUseTheAdminDelete() {
        User owner = api.signUp();
        Map<String, Object> preset = create(owner, upload("Private pad", engine(), false));
        String admin = "/admin/" + preset.get("id");
        assertClientError(call("DELETE", admin, owner, null), 403, "FORBIDDEN");
        assertClientError(call("DELETE", admin, api.signUp(), null), 403, "FORBIDDEN");
        assertClientError(call("DELETE", admin, null, null), 401, "UNAUTHORIZED");
        assertThat(ok("GET", "/" + preset.get("id"), owner, null)).containsKey("preset");

        User administrator = api.admin();
        assertThat(ok("DELETE", admin, administrator, null)).containsEntry("message", "Preset deleted successfully (Admin)");
        assertClientError(call("GET", "/" + preset.get("id"), owner, null), 404, "NOT_FOUND");
        assertClientError(call("DELETE", admin, administrator, null), 404, "NOT_FOUND");
    }
}
