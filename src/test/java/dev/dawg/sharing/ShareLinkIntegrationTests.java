package dev.dawg.sharing;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

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
import static org.awaitility.Awaitility.await;

/** Share links: creation, the owner's list, opening (views, expiry, revocation), changes, and their failures. */
@IntegrationTest
public class ShareLinkIntegrationTests {

    @Autowired
    Api api;
    @Autowired
    DatabaseClient db;

    SocialFixtures fixtures;

    @BeforeEach
    void setUp() {
        fixtures = new SocialFixtures(api, db);
    }

    WebTestClient.ResponseSpec createShare(User user, UUID projectId, Object body) {
        WebTestClient.RequestBodySpec spec = api.http().post().uri("/api/projects/{id}/shares", projectId);
        if (user != null) {
            spec = spec.header(HttpHeaders.AUTHORIZATION, user.bearer());
        }
        return spec.contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }

    WebTestClient.ResponseSpec open(String token) {
        return api.http().get().uri("/api/shares/{token}", token).exchange();
    }

    WebTestClient.ResponseSpec patch(User user, String token, Object body) {
        return api.http().patch().uri("/api/shares/{token}", token).header(HttpHeaders.AUTHORIZATION, user.bearer())
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldCreateAnUnguessableLinkAndOpenTheProjectInFullCountingViews() {
        User owner = api.signUp();
        UUID projectId = fixtures.project(owner, "private");
        String expiresAt = Instant.now().plus(Duration.ofDays(2)).truncatedTo(ChronoUnit.SECONDS).toString();
        WebTestClient.ResponseSpec created = createShare(owner, projectId, Map.of("accessLevel", "view", "expiresAt", expiresAt));
        Map<String, Object> link = created.expectStatus().isCreated()
                .expectHeader().value(HttpHeaders.LOCATION, location -> assertThat(location).startsWith("/api/shares/"))
                .expectHeader().exists("RateLimit-Remaining")
                .expectBody(MAP).returnResult().getResponseBody();
        String token = (String) link.get("token");
        // 256 random bits in URL-safe base64: 43 characters, nothing to escape in a URL.
        assertThat(token).matches("[A-Za-z0-9_-]{43}");
        assertThat((String) link.get("url")).startsWith("http").endsWith("/api/shares/" + token);
        assertThat(link).containsEntry("accessLevel", "view").containsEntry("viewCount", 0).containsEntry("projectId", projectId.toString());
        assertThat(Instant.parse((String) link.get("expiresAt"))).isEqualTo(Instant.parse(expiresAt));

        Map<String, Object> first = open(token).expectStatus().isOk().expectBody(MAP).returnResult().getResponseBody();
        assertThat(first).containsEntry("accessLevel", "view").containsEntry("viewCount", 1);
        Map<String, Object> project = (Map<String, Object>) first.get("project");
        assertThat(project).containsEntry("id", projectId.toString()).containsEntry("ownerId", owner.id().toString())
                .containsEntry("visibility", "private").containsEntry("version", 1).containsKeys("title", "likeCount", "commentCount",
                        "playCount", "remixCount", "createdAt", "updatedAt", "tags", "remixedFromId");
        assertThat(project.get("projectData")).isEqualTo(Map.of("tracks", List.of(Map.of("name", "Drums", "gain", 0.8)), "bpm", 120));
        // The same project, member for member, as its owner reads it at /api/projects/{id}.
        assertThat(project).isEqualTo(api.getProject(owner, projectId).expectStatus().isOk().expectBody(MAP).returnResult().getResponseBody());
        assertThat(List.copyOf(project.keySet())).endsWith("projectData");
        assertThat(open(token).expectStatus().isOk().expectBody(MAP).returnResult().getResponseBody()).containsEntry("viewCount", 2);

        List<Map<String, Object>> listed = (List<Map<String, Object>>) api.http().get().uri("/api/projects/{id}/shares", projectId)
                .header(HttpHeaders.AUTHORIZATION, owner.bearer()).exchange().expectStatus().isOk()
                .expectBody(MAP).returnResult().getResponseBody().get("items");
        assertThat(listed).singleElement().satisfies(item -> assertThat(item).containsEntry("token", token).containsEntry("viewCount", 2));
    }

    @Test
    void shouldChangeLevelAndExpiryAndRevokeAtOnce() {
        User owner = api.signUp();
        User holder = api.signUp();
        UUID projectId = fixtures.project(owner, "private");
        String token = (String) fixtures.share(owner, projectId, "view").get("token");
        like(holder, projectId, token).expectStatus().isOk();

        patch(owner, token, Map.of("accessLevel", "edit")).expectStatus().isOk().expectBody()
                .jsonPath("$.accessLevel").isEqualTo("edit").jsonPath("$.token").isEqualTo(token);
        open(token).expectStatus().isOk().expectBody().jsonPath("$.accessLevel").isEqualTo("edit");
        String later = Instant.now().plus(Duration.ofHours(3)).truncatedTo(ChronoUnit.SECONDS).toString();
        patch(owner, token, Map.of("expiresAt", later)).expectStatus().isOk().expectBody()
                .jsonPath("$.accessLevel").isEqualTo("edit")
                .jsonPath("$.expiresAt").value(value -> assertThat(Instant.parse((String) value)).isEqualTo(Instant.parse(later)));
        Map<String, Object> noExpiry = new HashMap<>();
        noExpiry.put("expiresAt", null);
        patch(owner, token, noExpiry).expectStatus().isOk().expectBody().jsonPath("$.expiresAt").isEmpty();

        api.http().delete().uri("/api/shares/{token}", token).header(HttpHeaders.AUTHORIZATION, owner.bearer())
                .exchange().expectStatus().isNoContent();
        // The very next request with the token finds nothing: no cache stands between a revocation and the rule.
        assertProblem(like(holder, projectId, token), 404, "NOT_FOUND");
        assertProblem(open(token), 404, "NOT_FOUND");
        assertProblem(patch(owner, token, Map.of("accessLevel", "view")), 404, "NOT_FOUND");
        assertProblem(api.http().delete().uri("/api/shares/{token}", token).header(HttpHeaders.AUTHORIZATION, owner.bearer()).exchange(),
                404, "NOT_FOUND");
    }

    @Test
    void shouldRefuseAChangeThatRemovesTheLevelOrChangesNothing() {
        User owner = api.signUp();
        UUID projectId = fixtures.project(owner, "private");
        String token = (String) fixtures.share(owner, projectId, "view").get("token");
        Map<String, Object> noLevel = new HashMap<>();
        noLevel.put("accessLevel", null);
        assertProblem(patch(owner, token, noLevel), 400, "VALIDATION_FAILED");
        assertProblem(patch(owner, token, Map.of()), 400, "VALIDATION_FAILED");
        open(token).expectStatus().isOk().expectBody().jsonPath("$.accessLevel").isEqualTo("view");
    }

    @Test
    void shouldAnswerGoneForAnExpiredLinkUntilTheOwnerExtendsIt() {
        User owner = api.signUp();
        UUID projectId = fixtures.project(owner, "private");
        String token = fixtures.expiredShare(owner, projectId, "view");
        assertProblem(open(token), 410, "GONE");
        assertProblem(like(api.signUp(), projectId, token), 410, "GONE");
        patch(owner, token, Map.of("expiresAt", Instant.now().plus(Duration.ofHours(1)).toString())).expectStatus().isOk();
        open(token).expectStatus().isOk();
        assertProblem(open("no-such-token"), 404, "NOT_FOUND");
    }

    @Test
    void shouldRefuseBadInputAndCallersOtherThanTheOwner() {
        User owner = api.signUp();
        User other = api.signUp();
        UUID privateProject = fixtures.project(owner, "private");
        UUID publicProject = fixtures.project(owner, "public");
        assertProblem(createShare(null, privateProject, Map.of("accessLevel", "view")), 401, "UNAUTHORIZED");
        assertProblem(createShare(other, privateProject, Map.of("accessLevel", "view")), 404, "NOT_FOUND");
        assertProblem(createShare(other, publicProject, Map.of("accessLevel", "view")), 403, "FORBIDDEN");
        assertProblem(createShare(owner, UUID.randomUUID(), Map.of("accessLevel", "view")), 404, "NOT_FOUND");
        assertProblem(api.http().post().uri("/api/projects/not-a-uuid/shares").header(HttpHeaders.AUTHORIZATION, owner.bearer())
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("accessLevel", "view")).exchange(), 404, "NOT_FOUND");
        for (Map<String, Object> bad : List.<Map<String, Object>>of(Map.of("accessLevel", "owner"), Map.of(),
                Map.of("accessLevel", "view", "expiresAt", "2001-01-01T00:00:00Z"),
                Map.of("accessLevel", "view", "expiresAt", "tomorrow"),
                Map.of("accessLevel", "view", "expiresAt", 12345),
                Map.of("accessLevel", "view", "token", "mine"),
                Map.of("accessLevel", "view", "colour", "red"))) {
            assertProblem(createShare(owner, privateProject, bad), 400, "VALIDATION_FAILED");
        }
        assertProblem(api.http().post().uri("/api/projects/{id}/shares", privateProject).header(HttpHeaders.AUTHORIZATION, owner.bearer())
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"accessLevel\": ").exchange(), 400, "MALFORMED_REQUEST");
        assertThat(fixtures.count("SELECT count(*) FROM share_links WHERE project_id = :id", privateProject)).isZero();

        String token = (String) fixtures.share(owner, publicProject, "edit").get("token");
        assertProblem(patch(other, token, Map.of("accessLevel", "view")), 403, "FORBIDDEN");
        assertProblem(api.http().delete().uri("/api/shares/{token}", token).header(HttpHeaders.AUTHORIZATION, other.bearer()).exchange(),
                403, "FORBIDDEN");
        assertProblem(patch(owner, token, Map.of()), 400, "VALIDATION_FAILED");
        assertProblem(patch(owner, token, Map.of("accessLevel", "owner")), 400, "VALIDATION_FAILED");
        assertProblem(api.http().get().uri("/api/projects/{id}/shares", publicProject).header(HttpHeaders.AUTHORIZATION, other.bearer())
                .exchange(), 403, "FORBIDDEN");
        assertProblem(api.http().get().uri("/api/projects/{id}/shares", privateProject).exchange(), 401, "UNAUTHORIZED");
        open(token).expectStatus().isOk().expectBody().jsonPath("$.accessLevel").isEqualTo("edit");
    }

    @Test
    void shouldPageTheOwnersListNewestFirst() {
        User owner = api.signUp();
        UUID projectId = fixtures.project(owner, "private");
        List<String> tokens = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            tokens.add(0, (String) fixtures.share(owner, projectId, "view").get("token"));
        }
        fixtures.revokedShare(owner, projectId, "edit");
        List<String> seen = new java.util.ArrayList<>();
        String cursor = null;
        do {
            String uri = "/api/projects/" + projectId + "/shares?limit=2" + (cursor == null ? "" : "&cursor=" + cursor);
            Map<String, Object> page = api.http().get().uri(uri).header(HttpHeaders.AUTHORIZATION, owner.bearer())
                    .exchange().expectStatus().isOk().expectBody(MAP).returnResult().getResponseBody();
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> items = (List<Map<String, Object>>) page.get("items");
            items.forEach(item -> seen.add((String) item.get("token")));
            cursor = (String) page.get("nextCursor");
        } while (cursor != null);
        assertThat(seen).containsExactlyElementsOf(tokens);
    }

    @Test
    void shouldTellTheOwnersSessionsThatAProjectWasShared() {
        User owner = api.signUp();
        UUID projectId = fixtures.project(owner, "private");
        try (SocialFixtures.Events events = fixtures.listenAsOwner(owner)) {
            fixtures.share(owner, projectId, "remix");
            await().atMost(Duration.ofSeconds(10)).until(() -> !events.ofType("project:shared").isEmpty());
            assertThat(events.ofType("project:shared")).singleElement().satisfies(event -> {
                assertThat(event).containsEntry("projectId", projectId.toString()).containsEntry("data", Map.of("accessLevel", "remix"));
                assertThat(event.get("actor")).isEqualTo(Map.of("id", owner.id().toString(), "username", owner.username()));
            });
        }
    }

    @Test
    void shouldLetAnEditLinkHolderWriteUnderTheSameOptimisticLockingAsTheOwner() {
        User owner = api.signUp();
        User bandmate = api.signUp();
        UUID projectId = fixtures.project(owner, "private");
        String token = (String) fixtures.share(owner, projectId, "edit").get("token");

        assertProblem(withToken(api.http().put().uri("/api/projects/{id}", projectId), bandmate, token)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("title", "No precondition", "projectData", Map.of())).exchange(), 428, "PRECONDITION_REQUIRED");
        assertProblem(mergePatch(bandmate, projectId, token, null, Map.of("title", "No precondition")), 428, "PRECONDITION_REQUIRED");
        api.putProject(owner, projectId, 1, Map.of("title", "Owner's v2", "projectData", Map.of())).expectStatus().isOk();
        Map<String, Object> conflict = assertProblem(put(bandmate, projectId, token, 1, Map.of("title", "Stale", "projectData", Map.of())), 409, "VERSION_CONFLICT");
        assertThat(conflict).containsEntry("currentVersion", 2);

        mergePatch(bandmate, projectId, token, 2, Map.of("title", "Bandmate's v3")).expectStatus().isOk()
                .expectHeader().valueEquals(HttpHeaders.ETAG, "\"3\"");
        put(bandmate, projectId, token, 3, Map.of("title", "Bandmate's v4", "projectData", Map.of())).expectStatus().isOk();
        // Editing is not owning: the visibility stays the owner's to change.
        assertProblem(mergePatch(bandmate, projectId, token, 4, Map.of("visibility", "public")), 403, "FORBIDDEN");
        assertThat(api.getProject(owner, projectId).expectBody(MAP).returnResult().getResponseBody())
                .containsEntry("version", 4).containsEntry("title", "Bandmate's v4").containsEntry("visibility", "private");
    }

    @Test
    void shouldRefuseTheNextWriteOnceAnEditLinkIsLoweredToView() {
        User owner = api.signUp();
        User bandmate = api.signUp();
        UUID projectId = fixtures.project(owner, "private");
        String token = (String) fixtures.share(owner, projectId, "edit").get("token");
        put(bandmate, projectId, token, 1, Map.of("title", "While I could", "projectData", Map.of())).expectStatus().isOk();

        patch(owner, token, Map.of("accessLevel", "view")).expectStatus().isOk();
        assertProblem(put(bandmate, projectId, token, 2, Map.of("title", "After the change", "projectData", Map.of())), 403, "FORBIDDEN");
        assertThat(withToken(api.http().get().uri("/api/projects/{id}", projectId), bandmate, token).exchange()
                .expectStatus().isOk().expectBody(MAP).returnResult().getResponseBody())
                .containsEntry("version", 2).containsEntry("title", "While I could");
    }

    @Test
    void shouldNeverOpenAnotherProjectOfTheSameOwnerWithAToken() {
        User owner = api.signUp();
        User holder = api.signUp();
        UUID shared = fixtures.project(owner, "private");
        UUID sharedAsset = fixtures.asset(owner, shared);
        UUID secret = fixtures.project(owner, "private");
        UUID secretAsset = fixtures.asset(owner, secret);
        UUID open = fixtures.project(owner, "public");
        String token = (String) fixtures.share(owner, shared, "edit").get("token");
        // The token works where it belongs...
        withToken(api.http().get().uri("/api/assets/{id}/content", sharedAsset), holder, token).exchange().expectStatus().isOk();

        // ...and nowhere else: a private project stays unknown, a public one stays read-only.
        assertProblem(withToken(api.http().get().uri("/api/projects/{id}", secret), holder, token).exchange(), 404, "NOT_FOUND");
        assertProblem(put(holder, secret, token, 1, Map.of("title", "Hijacked")), 404, "NOT_FOUND");
        assertProblem(withToken(api.http().get().uri("/api/assets/{id}/content", secretAsset), holder, token).exchange(), 404, "NOT_FOUND");
        assertProblem(withToken(api.http().get().uri("/api/assets/{id}/content?share={t}", secretAsset, token), null, null).exchange(),
                404, "NOT_FOUND");
        assertProblem(put(holder, open, token, 1, Map.of("title", "Hijacked")), 403, "FORBIDDEN");
        assertThat(api.getProject(owner, secret).expectBody(MAP).returnResult().getResponseBody()).containsEntry("version", 1);
        assertThat(api.getProject(owner, open).expectBody(MAP).returnResult().getResponseBody()).containsEntry("version", 1);
    }

    @Test
    void shouldLetRemixLinkHoldersRemixAPrivateProjectKeepingRemixCountExact() {
        User owner = api.signUp();
        UUID original = fixtures.project(owner, "private");
        String token = (String) fixtures.share(owner, original, "remix").get("token");
        List<User> fans = Stream.generate(api::signUp).limit(6).toList();
        List<Map<String, Object>> remixes = new CopyOnWriteArrayList<>();
        ExecutorService clients = Executors.newFixedThreadPool(fans.size());
        try {
            CompletableFuture.allOf(fans.stream().map(fan -> CompletableFuture.runAsync(
                            () -> remixes.add(remix(fan, original, token).expectStatus().isCreated().expectBody(MAP).returnResult().getResponseBody()),
                            clients))
                    .toArray(CompletableFuture[]::new)).orTimeout(60, TimeUnit.SECONDS).join();
        }
        finally {
            clients.shutdownNow();
        }

        assertThat(remixes).hasSize(fans.size()).allSatisfy(remix -> assertThat(remix)
                .containsEntry("remixedFromId", original.toString()).containsEntry("version", 1).containsEntry("visibility", "private")
                .containsEntry("projectData", Map.of("tracks", List.of(Map.of("name", "Drums", "gain", 0.8)), "bpm", 120)));
        assertThat(remixes).extracting(remix -> remix.get("ownerId"))
                .containsExactlyInAnyOrderElementsOf(fans.stream().map(fan -> fan.id().toString()).toList());
        assertThat(api.getProject(owner, original).expectBody(MAP).returnResult().getResponseBody())
                .containsEntry("remixCount", fans.size());
        assertThat(fixtures.count("SELECT count(*) FROM projects WHERE remixed_from = :id", original)).isEqualTo(fans.size());
    }

    @Test
    void shouldRefuseARemixWithAViewLinkOrAnExpiredOneAndCreateNothing() {
        User owner = api.signUp();
        User fan = api.signUp();
        UUID original = fixtures.project(owner, "private");
        String viewToken = (String) fixtures.share(owner, original, "view").get("token");
        String expiredToken = fixtures.expiredShare(owner, original, "remix");

        assertProblem(remix(fan, original, viewToken), 403, "FORBIDDEN");
        assertProblem(remix(fan, original, expiredToken), 410, "GONE");
        assertThat(api.getProject(owner, original).expectBody(MAP).returnResult().getResponseBody()).containsEntry("remixCount", 0);
        assertThat(fixtures.count("SELECT count(*) FROM projects WHERE remixed_from = :id", original)).isZero();
    }

    static <S extends WebTestClient.RequestHeadersSpec<?>> S withToken(S spec, User user, String token) {
        if (user != null) {
            spec.header(HttpHeaders.AUTHORIZATION, user.bearer());
        }
        if (token != null) {
            spec.header(ProjectAccess.SHARE_HEADER, token);
        }
        return spec;
    }

    WebTestClient.ResponseSpec put(User user, UUID projectId, String token, int version, Map<String, Object> body) {
        return withToken(api.http().put().uri("/api/projects/{id}", projectId), user, token).header(HttpHeaders.IF_MATCH, "\"" + version + "\"")
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }

    WebTestClient.ResponseSpec mergePatch(User user, UUID projectId, String token, Integer version, Map<String, Object> patch) {
        WebTestClient.RequestBodySpec spec = withToken(api.http().patch().uri("/api/projects/{id}", projectId), user, token);
        if (version != null) {
            spec.header(HttpHeaders.IF_MATCH, "\"" + version + "\"");
        }
        return spec.contentType(MediaType.parseMediaType("application/merge-patch+json")).bodyValue(patch).exchange();
    }

    WebTestClient.ResponseSpec remix(User user, UUID projectId, String token) {
        return withToken(api.http().post().uri("/api/projects/{id}/remix", projectId), user, token).exchange();
    }

    WebTestClient.ResponseSpec like(User user, UUID projectId, String token) {
        return api.http().post().uri("/api/projects/{id}/like", projectId).header(HttpHeaders.AUTHORIZATION, user.bearer())
                .header("X-Share-Token", token).exchange();
    }
}
