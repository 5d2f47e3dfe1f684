package dev.dawg.presets;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;

import dev.dawg.support.Api;
import dev.dawg.support.Api.User;
import dev.dawg.support.IntegrationTest;

import static dev.dawg.support.Api.MAP;
import static dev.dawg.support.Api.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/** The preset library: creating, reading, listing, changing, deleting, downloading, rating and featuring, and refusals. */
@IntegrationTest
class PresetIntegrationTests {

    /** What jsonb would have rewritten: member order, spacing, 1e3, 1.50, -0.0, escapes. */
    static final String DATA = "{ \"z\" : 1e3,\n  \"a\":[1.50, -0.0, 2E-2],\t\"s\":\"caf\\u00e9 \\\"q\\\"\", \"nested\":{\"b\":true,\"a\":null} }";

    @Autowired
    Api api;
    @Autowired
    DatabaseClient db;

    PresetFixtures presets;
    User owner;

    @BeforeEach
    void setUp() {
        presets = new PresetFixtures(api, db);
        owner = api.signUp();
    }

    @Test
    void shouldCreateAPresetAndReturnItsDataExactlyAsWritten() {
        String body = "{\"name\":\"  Glass keys \",\"type\":\"instrument\",\"engine\":\"vasynth\",\"category\":\"Keys\",\"genre\":\"Ambient\","
                + "\"tags\":[\"Glass\",\"glass\",\"bright\"],\"description\":\"Shimmer\",\"isPublic\":true,\"data\":" + DATA + "}";
        byte[] created = presets.post(owner, body).expectStatus().isCreated()
                .expectHeader().value(HttpHeaders.LOCATION, location -> assertThat(location).startsWith("/api/presets/"))
                .expectBody().returnResult().getResponseBody();
        assertThat(data(created)).isEqualTo(DATA);
        Map<String, Object> preset = JsonMapper.builder().build().readValue(created, MAP);
        assertThat(preset).containsEntry("name", "Glass keys").containsEntry("type", "instrument").containsEntry("engine", "vasynth")
                .containsEntry("category", "Keys").containsEntry("genre", "Ambient").containsEntry("tags", List.of("glass", "bright"))
                .containsEntry("description", "Shimmer").containsEntry("isPublic", true).containsEntry("featured", false)
                .containsEntry("ownerId", owner.id().toString()).containsEntry("downloadCount", 0).containsEntry("ratingCount", 0)
                .containsEntry("sizeBytes", DATA.getBytes(StandardCharsets.UTF_8).length);
        // From the database, for the owner and for anyone.
        assertThat(data(presets.get(owner, preset.get("id")).expectStatus().isOk().expectBody().returnResult().getResponseBody())).isEqualTo(DATA);
        assertThat(data(presets.get(null, preset.get("id")).expectStatus().isOk().expectBody().returnResult().getResponseBody())).isEqualTo(DATA);
    }

    @Test
    void shouldMakeAPresetPrivateUnlessToldOtherwise() {
        Map<String, Object> body = PresetFixtures.body(Map.of());
        body.remove("isPublic");
        Map<String, Object> created = presets.post(owner, body).expectStatus().isCreated().expectBody(MAP).returnResult().getResponseBody();
        assertThat(created).containsEntry("isPublic", false);
        assertProblem(presets.get(api.signUp(), created.get("id")), 404, "NOT_FOUND");
    }

    @Test
    void shouldNameEveryInvalidFieldAtOnceAndStoreNothing() {
        Map<String, Object> body = new HashMap<>();
        body.put("name", "   ");
        body.put("type", "synth");
        body.put("engine", "bad engine!");
        body.put("category", 42);
        body.put("genre", "x".repeat(51));
        body.put("tags", List.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"));
        body.put("description", "d".repeat(2001));
        body.put("isPublic", "yes");
        body.put("data", List.of(1, 2));
        body.put("ratingAverage", 5);
        body.put("colour", "red");
        Map<String, Object> problem = assertProblem(presets.post(owner, body), 400, "VALIDATION_FAILED");
        assertThat(fields(problem)).containsExactlyInAnyOrder("name", "type", "engine", "category", "genre", "tags", "description",
                "isPublic", "data", "ratingAverage", "colour");
        assertProblem(presets.post(owner, Map.of("name", "No data", "type", "effect", "engine", "reverb", "category", "Space")), 400,
                "VALIDATION_FAILED");
        Map<String, Object> nullData = PresetFixtures.body(Map.of());
        nullData.put("data", null);
        assertThat(fields(assertProblem(presets.post(owner, nullData), 400, "VALIDATION_FAILED"))).containsExactly("data");
        assertThat(fields(assertProblem(presets.post(owner, PresetFixtures.body(Map.of("data", "{}"))), 400, "VALIDATION_FAILED")))
                .containsExactly("data");
        assertThat(presets.presetsOf(owner)).isZero();
    }

    @Test
    void shouldRefuseDataOverTheLimitWith413AndKeepDataAtTheLimit() {
        // {"p":"xxxx"}: 8 bytes around the string.
        String atLimit = "{\"p\":\"" + "x".repeat((int) PresetInput.MAX_DATA_BYTES - 8) + "\"}";
        assertThat(atLimit.length()).isEqualTo(PresetInput.MAX_DATA_BYTES);
        String over = "{\"p\":\"" + "x".repeat((int) PresetInput.MAX_DATA_BYTES - 7) + "\"}";
        Map<String, Object> problem = assertProblem(presets.post(owner, raw(over)), 413, "PAYLOAD_TOO_LARGE");
        assertThat(problem).containsEntry("limitBytes", (int) PresetInput.MAX_DATA_BYTES);
        assertThat(problem.toString()).contains("data");
        assertThat(presets.presetsOf(owner)).isZero();

        Map<String, Object> created = presets.post(owner, raw(atLimit)).expectStatus().isCreated().expectBody(MAP).returnResult().getResponseBody();
        assertThat(created).containsEntry("sizeBytes", (int) PresetInput.MAX_DATA_BYTES);
        // A change may not grow it past the limit either.
        assertProblem(presets.patch(owner, created.get("id"), "{\"data\":" + over + "}"), 413, "PAYLOAD_TOO_LARGE");
        assertThat(presets.get(owner, created.get("id")).expectStatus().isOk().expectBody(MAP).returnResult().getResponseBody())
                .containsEntry("sizeBytes", (int) PresetInput.MAX_DATA_BYTES);
    }

    @Test
    void shouldRefuseDataThatIsNotOneStorableJsonObject() {
        for (String data : new String[] { "{\"a\":1,\"a\":2}", "{\"x\":{\"b\":1,\"b\":1}}", "{\"s\":\"\\ud800\"}", "{\"n\":1e999999999}",
                "{\"z\":\"\\u0000\"}", "{\"open\":" }) {
            assertProblem(presets.post(owner, raw(data)), 400, "MALFORMED_REQUEST");
        }
        assertProblem(api.http().post().uri("/api/presets").header(HttpHeaders.AUTHORIZATION, owner.bearer())
                .contentType(MediaType.TEXT_PLAIN).bodyValue(raw("{}")).exchange(), 415, "UNSUPPORTED_MEDIA_TYPE");
        assertProblem(presets.post(owner, "[]"), 400, "MALFORMED_REQUEST");
        assertThat(presets.presetsOf(owner)).isZero();
    }

    @Test
    void shouldChangeOnlyWhatAPatchNamesAndKeepTypeAndEngine() {
        Map<String, Object> created = presets.create(owner, Map.of("genre", "House", "description", "first"));
        Object id = created.get("id");
        byte[] changed = presets.patch(owner, id, "{\"name\":\"Renamed\",\"genre\":null,\"tags\":[\"New\"],\"data\":" + DATA + "}")
                .expectStatus().isOk().expectBody().returnResult().getResponseBody();
        assertThat(data(changed)).isEqualTo(DATA);
        Map<String, Object> after = presets.get(owner, id).expectStatus().isOk().expectBody(MAP).returnResult().getResponseBody();
        assertThat(after).containsEntry("name", "Renamed").containsEntry("genre", null).containsEntry("tags", List.of("new"))
                .containsEntry("description", "first").containsEntry("category", "Pads").containsEntry("engine", "vasynth")
                .containsEntry("isPublic", true);
        assertThat(data(presets.get(owner, id).expectBody().returnResult().getResponseBody())).isEqualTo(DATA);

        assertThat(fields(assertProblem(presets.patch(owner, id, Map.of("type", "effect", "engine", "reverb")), 400, "VALIDATION_FAILED")))
                .containsExactlyInAnyOrder("type", "engine");
        assertProblem(presets.patch(owner, id, Map.of()), 400, "VALIDATION_FAILED");
        assertThat(fields(assertProblem(presets.patch(owner, id, "{\"data\":null}"), 400, "VALIDATION_FAILED"))).containsExactly("data");
        assertThat(fields(assertProblem(presets.patch(owner, id, Map.of("name", "", "downloadCount", 9)), 400, "VALIDATION_FAILED")))
                .containsExactlyInAnyOrder("name", "downloadCount");
        assertProblem(presets.patch(owner, id, "{\"data\":{\"s\":\"\\ud800\"}}"), 400, "MALFORMED_REQUEST");
        // Nothing of the refused changes was kept.
        assertThat(presets.get(owner, id).expectBody(MAP).returnResult().getResponseBody()).containsEntry("name", "Renamed")
                .containsEntry("type", "instrument").containsEntry("downloadCount", 0);
        assertThat(data(presets.get(owner, id).expectBody().returnResult().getResponseBody())).isEqualTo(DATA);
    }

    @Test
    void shouldKeepOthersFromChangingOrDeletingAndPrivatePresetsFromLeaking() {
        User other = api.signUp();
        UUID shared = presets.preset(owner, true);
        UUID secret = presets.preset(owner, false);
        assertProblem(presets.patch(other, shared, Map.of("name", "Mine now")), 403, "FORBIDDEN");
        assertProblem(presets.delete(other, shared), 403, "FORBIDDEN");
        for (User intruder : new User[] { other, api.admin() }) {
            assertProblem(presets.get(intruder, secret), 404, "NOT_FOUND");
            assertProblem(presets.patch(intruder, secret, Map.of("name", "Mine now")), 404, "NOT_FOUND");
            assertProblem(presets.download(intruder, secret), 404, "NOT_FOUND");
            assertProblem(presets.rate(intruder, secret, Map.of("rating", 5)), 404, "NOT_FOUND");
        }
        assertProblem(presets.get(null, secret), 404, "NOT_FOUND");
        assertProblem(presets.delete(other, secret), 404, "NOT_FOUND");
        assertProblem(presets.get(other, UUID.randomUUID()), 404, "NOT_FOUND");
        assertProblem(presets.get(other, "not-an-id"), 404, "NOT_FOUND");
        assertProblem(presets.patch(null, shared, Map.of("name", "x")), 401, "UNAUTHORIZED");
        assertProblem(presets.post(null, PresetFixtures.body(Map.of())), 401, "UNAUTHORIZED");
        // A private preset is in no one else's list, search or featured shelf.
        String byOwner = "ownerId=" + owner.id();
        assertThat(ids(presets.list(other, byOwner))).containsExactly(shared.toString());
        assertThat(ids(presets.list(null, byOwner + "&q=warm"))).containsExactly(shared.toString());
        assertThat(ids(presets.list(owner, "mine=true"))).containsExactlyInAnyOrder(shared.toString(), secret.toString());
        assertThat(presets.get(owner, secret).expectStatus().isOk().expectBody(MAP).returnResult().getResponseBody())
                .containsEntry("name", "Warm pad");
    }

    @Test
    void shouldDeleteForItsOwnerOrAnAdministratorWithItsRatingsAndDownloads() {
        User fan = api.signUp();
        UUID mine = presets.preset(owner, true);
        presets.rate(fan, mine, Map.of("rating", 4)).expectStatus().isOk();
        presets.download(fan, mine).expectStatus().isOk();
        presets.delete(owner, mine).expectStatus().isNoContent();
        assertProblem(presets.get(owner, mine), 404, "NOT_FOUND");
        assertProblem(presets.delete(owner, mine), 404, "NOT_FOUND");
        assertThat(db.sql("SELECT (SELECT count(*) FROM preset_ratings WHERE preset_id = :id) + (SELECT count(*) FROM preset_downloads "
                + "WHERE preset_id = :id) AS n").bind("id", mine).map(row -> row.get("n", Long.class)).one().block()).isZero();

        UUID secret = presets.preset(owner, false);
        UUID shared = presets.preset(owner, true);
        User admin = api.admin();
        presets.delete(admin, secret).expectStatus().isNoContent();
        presets.delete(admin, shared).expectStatus().isNoContent();
        assertThat(presets.presetsOf(owner)).isZero();
    }

    @Test
    void shouldCountADownloadOncePerUserAndAnswerTheData() {
        User fan = api.signUp();
        UUID id = UUID.fromString((String) presets.create(owner, Map.of("data", new java.util.LinkedHashMap<>(Map.of("gain", 1)))).get("id"));
        Map<String, Object> first = presets.download(fan, id).expectStatus().isOk().expectBody(MAP).returnResult().getResponseBody();
        assertThat(first).containsEntry("counted", true).containsEntry("downloadCount", 1).containsEntry("data", Map.of("gain", 1));
        Map<String, Object> again = presets.download(fan, id).expectStatus().isOk().expectBody(MAP).returnResult().getResponseBody();
        assertThat(again).containsEntry("counted", false).containsEntry("downloadCount", 1);
        presets.download(owner, id).expectStatus().isOk().expectBody().jsonPath("$.downloadCount").isEqualTo(2);
        assertThat(presets.counters(id)).containsEntry("downloadCount", 2L).containsEntry("downloadRows", 2L);
        assertProblem(presets.download(null, id), 401, "UNAUTHORIZED");
        // One's own private preset downloads too.
        UUID secret = presets.preset(owner, false);
        presets.download(owner, secret).expectStatus().isOk().expectBody().jsonPath("$.counted").isEqualTo(true);
    }

    @Test
    void shouldKeepOneChangeableRatingPerUserWithAnExactAverage() {
        UUID id = presets.preset(owner, true);
        User ada = api.signUp();
        User bob = api.signUp();
        assertThat(presets.rate(ada, id, Map.of("rating", 5)).expectStatus().isOk().expectBody(MAP).returnResult().getResponseBody())
                .containsEntry("rating", 5).containsEntry("ratingCount", 1).containsEntry("ratingAverage", 5.0);
        assertThat(presets.rate(bob, id, Map.of("rating", 2)).expectStatus().isOk().expectBody(MAP).returnResult().getResponseBody())
                .containsEntry("ratingCount", 2).containsEntry("ratingAverage", 3.5);
        assertThat(presets.rate(ada, id, Map.of("rating", 3)).expectStatus().isOk().expectBody(MAP).returnResult().getResponseBody())
                .containsEntry("rating", 3).containsEntry("ratingCount", 2).containsEntry("ratingAverage", 2.5);
        assertThat(presets.get(ada, id).expectBody(MAP).returnResult().getResponseBody()).containsEntry("myRating", 3)
                .containsEntry("ratingCount", 2).containsEntry("ratingAverage", 2.5);
        assertThat(presets.get(null, id).expectBody(MAP).returnResult().getResponseBody()).containsEntry("myRating", null);

        for (Object bad : new Object[] { 0, 6, 4.5, "5", List.of(5) }) {
            assertThat(fields(assertProblem(presets.rate(bob, id, Map.of("rating", bad)), 400, "VALIDATION_FAILED"))).containsExactly("rating");
        }
        assertThat(fields(assertProblem(presets.rate(bob, id, Map.of()), 400, "VALIDATION_FAILED"))).containsExactly("rating");
        assertThat(fields(assertProblem(presets.rate(bob, id, Map.of("rating", 4, "userId", ada.id())), 400, "VALIDATION_FAILED")))
                .containsExactly("userId");
        assertProblem(presets.rate(owner, id, Map.of("rating", 5)), 403, "FORBIDDEN");
        assertProblem(presets.rate(null, id, Map.of("rating", 5)), 401, "UNAUTHORIZED");

        assertThat(presets.unrate(bob, id).expectStatus().isOk().expectBody(MAP).returnResult().getResponseBody())
                .containsEntry("rating", null).containsEntry("ratingCount", 1).containsEntry("ratingAverage", 3.0);
        presets.unrate(bob, id).expectStatus().isOk().expectBody().jsonPath("$.ratingCount").isEqualTo(1);
        assertThat(presets.counters(id)).containsEntry("ratingCount", 1L).containsEntry("ratingSum", 3L).containsEntry("ratingRows", 1L);
    }

    @Test
    void shouldLetOnlyAdministratorsFeaturePublicPresets() {
        User other = api.signUp();
        User admin = api.admin();
        UUID shared = presets.preset(owner, true);
        UUID secret = presets.preset(owner, false);
        assertProblem(presets.feature(owner, shared), 403, "FORBIDDEN");
        assertProblem(presets.feature(other, shared), 403, "FORBIDDEN");
        assertProblem(presets.feature(other, secret), 404, "NOT_FOUND");
        assertProblem(presets.unfeature(other, shared), 403, "FORBIDDEN");
        assertProblem(presets.feature(null, shared), 401, "UNAUTHORIZED");
        assertProblem(presets.feature(admin, secret), 409, "CONFLICT");
        assertProblem(presets.feature(admin, UUID.randomUUID()), 404, "NOT_FOUND");

        Map<String, Object> featured = presets.feature(admin, shared).expectStatus().isOk().expectBody(MAP).returnResult().getResponseBody();
        assertThat(featured).containsEntry("featured", true).doesNotContainKey("data");
        Object featuredAt = featured.get("featuredAt");
        assertThat(presets.feature(admin, shared).expectBody(MAP).returnResult().getResponseBody()).containsEntry("featuredAt", featuredAt);
        assertThat(ids(presets.list(null, "featured=true&ownerId=" + owner.id()))).containsExactly(shared.toString());

        // Made private, it leaves the shelf; public again, it is not featured until an administrator says so.
        presets.patch(owner, shared, Map.of("isPublic", false)).expectStatus().isOk().expectBody().jsonPath("$.featured").isEqualTo(false);
        presets.patch(owner, shared, Map.of("isPublic", true)).expectStatus().isOk();
        assertThat(ids(presets.list(null, "featured=true&ownerId=" + owner.id()))).isEmpty();

        presets.feature(admin, shared).expectStatus().isOk();
        presets.unfeature(admin, shared).expectStatus().isOk().expectBody().jsonPath("$.featured").isEqualTo(false);
        assertThat(ids(presets.list(null, "featured=true&ownerId=" + owner.id()))).isEmpty();
    }

    @Test
    void shouldFilterSearchAndSortTheLibrary() {
        User fan = api.signUp();
        User critic = api.signUp();
        String tag = "t" + UUID.randomUUID().toString().substring(0, 8);
        UUID pad = UUID.fromString((String) presets.create(owner, Map.of("name", "Velvet pad", "tags", List.of(tag), "genre", "Lofi")).get("id"));
        UUID reverb = UUID.fromString((String) presets.create(owner, Map.of("name", "Cathedral", "type", "effect", "engine", "ModernReverb",
                "category", "Space", "tags", List.of(tag, "huge"))).get("id"));
        UUID bass = UUID.fromString((String) presets.create(owner, Map.of("name", "Sub bass", "category", "Bass", "tags", List.of(tag),
                "description", "deep velvet low end")).get("id"));
        presets.create(owner, Map.of("name", "Hidden", "tags", List.of(tag), "isPublic", false));
        String all = "tag=" + tag;

        assertThat(ids(presets.list(null, all))).containsExactly(bass.toString(), reverb.toString(), pad.toString());
        assertThat(ids(presets.list(null, all + "&type=effect"))).containsExactly(reverb.toString());
        assertThat(ids(presets.list(null, all + "&engine=modernreverb"))).containsExactly(reverb.toString());
        assertThat(ids(presets.list(null, all + "&category=bass"))).containsExactly(bass.toString());
        assertThat(ids(presets.list(null, all + "&genre=LOFI"))).containsExactly(pad.toString());
        assertThat(ids(presets.list(null, all + "&q=velvet"))).containsExactlyInAnyOrder(pad.toString(), bass.toString());
        assertThat(ids(presets.list(null, all + "&q=cathed"))).containsExactly(reverb.toString());
        assertThat(ids(presets.list(null, all + "&q=huge"))).containsExactly(reverb.toString());

        presets.download(fan, reverb).expectStatus().isOk();
        presets.download(critic, reverb).expectStatus().isOk();
        presets.download(fan, bass).expectStatus().isOk();
        presets.rate(fan, pad, Map.of("rating", 5)).expectStatus().isOk();
        presets.rate(critic, bass, Map.of("rating", 3)).expectStatus().isOk();
        presets.rate(fan, bass, Map.of("rating", 4)).expectStatus().isOk();
        assertThat(ids(presets.list(null, all + "&sort=downloads"))).containsExactly(reverb.toString(), bass.toString(), pad.toString());
        assertThat(ids(presets.list(null, all + "&sort=rating"))).containsExactly(pad.toString(), bass.toString(), reverb.toString());
        // popular: downloads plus ratings (bass 1 + 2, reverb 2, pad 1).
        assertThat(ids(presets.list(null, all + "&sort=popular"))).containsExactly(bass.toString(), reverb.toString(), pad.toString());

        // Items carry no data.
        Map<String, Object> page = presets.list(null, all).expectStatus().isOk().expectBody(MAP).returnResult().getResponseBody();
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> items = (List<Map<String, Object>>) page.get("items");
        assertThat(items).allSatisfy(item -> assertThat(item).doesNotContainKey("data").containsKeys("ratingAverage", "downloadCount", "owner"));

        assertThat(fields(assertProblem(presets.list(null, "sort=best"), 400, "VALIDATION_FAILED"))).containsExactly("sort");
        assertThat(fields(assertProblem(presets.list(null, "type=drum"), 400, "VALIDATION_FAILED"))).containsExactly("type");
        assertThat(fields(assertProblem(presets.list(null, "ownerId=nobody"), 400, "VALIDATION_FAILED"))).containsExactly("ownerId");
        assertThat(fields(assertProblem(presets.list(null, "featured=maybe"), 400, "VALIDATION_FAILED"))).containsExactly("featured");
        assertThat(fields(assertProblem(presets.list(null, "cursor=bm9wZQ"), 400, "VALIDATION_FAILED"))).containsExactly("cursor");
        assertProblem(presets.list(null, "mine=true"), 401, "UNAUTHORIZED");
    }

    @Test
    void shouldPageEveryOrderByKeysetWithoutGapsOrRepeats() {
        String tag = "p" + UUID.randomUUID().toString().substring(0, 8);
        List<String> created = new ArrayList<>();
        for (int n = 0; n < 7; n++) {
            created.add((String) presets.create(owner, Map.of("name", "Preset " + n, "tags", List.of(tag))).get("id"));
        }
        User fan = api.signUp();
        presets.rate(fan, created.get(2), Map.of("rating", 5)).expectStatus().isOk();
        presets.rate(fan, created.get(4), Map.of("rating", 2)).expectStatus().isOk();
        presets.download(fan, created.get(4)).expectStatus().isOk();
        for (String sort : List.of("recent", "popular", "rating", "downloads")) {
            List<String> seen = new ArrayList<>();
            String cursor = null;
            int pages = 0;
            do {
                Map<String, Object> page = presets.list(null, "tag=" + tag + "&sort=" + sort + "&limit=3" + (cursor == null ? "" : "&cursor=" + cursor))
                        .expectStatus().isOk().expectBody(MAP).returnResult().getResponseBody();
                @SuppressWarnings("unchecked")
                List<Map<String, Object>> items = (List<Map<String, Object>>) page.get("items");
                items.forEach(item -> seen.add((String) item.get("id")));
                cursor = (String) page.get("nextCursor");
                pages++;
            }
            while (cursor != null && pages < 10);
            assertThat(seen).as(sort).hasSize(7).containsExactlyInAnyOrderElementsOf(created);
            assertThat(new HashSet<>(seen)).hasSize(7);
            assertThat(pages).as(sort).isEqualTo(3);
        }
        assertThat(ids(presets.list(null, "tag=" + tag + "&sort=rating&limit=2"))).containsExactly(created.get(2), created.get(4));
    }

    private Object raw(String data) {
        return "{\"name\":\"Raw\",\"type\":\"effect\",\"engine\":\"delay\",\"category\":\"Echo\",\"data\":" + data + "}";
    }

    @SuppressWarnings("unchecked")
    private static List<String> ids(org.springframework.test.web.reactive.server.WebTestClient.ResponseSpec response) {
        Map<String, Object> page = response.expectStatus().isOk().expectBody(MAP).returnResult().getResponseBody();
        return ((List<Map<String, Object>>) page.get("items")).stream().map(item -> (String) item.get("id")).toList();
    }

    @SuppressWarnings("unchecked")
    static Set<String> fields(Map<String, Object> problem) {
        Set<String> fields = new HashSet<>();
        ((List<Map<String, Object>>) problem.getOrDefault("errors", List.of())).forEach(error -> fields.add((String) error.get("field")));
        return fields;
    }

    /** The text of the {@code data} member of a response, as the bytes the server sent. */
    static String data(byte[] body) {
        try (JsonParser parser = JsonMapper.builder().build().createParser(body)) {
            int depth = 0;
            for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
                    depth++;
                }
                else if (token == JsonToken.END_OBJECT || token == JsonToken.END_ARRAY) {
                    depth--;
                }
                else if (depth == 1 && token == JsonToken.PROPERTY_NAME && parser.currentName().equals("data")) {
                    parser.nextToken();
                    int start = (int) parser.currentTokenLocation().getByteOffset();
                    parser.skipChildren();
                    int end = (int) parser.currentTokenLocation().getByteOffset() + 1;
                    return new String(body, start, end - start, StandardCharsets.UTF_8);
                }
            }
        }
        throw new AssertionError("no data member in " + new String(body, StandardCharsets.UTF_8));
    }
}
