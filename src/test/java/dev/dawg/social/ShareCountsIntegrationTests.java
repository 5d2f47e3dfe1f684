package dev.dawg.social;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.json.JsonCompareMode;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.dawg.sharing.SocialFixtures;
import dev.dawg.support.Api;
import dev.dawg.support.Api.User;
import dev.dawg.support.IntegrationTest;

import static dev.dawg.support.Api.MAP;
import static dev.dawg.support.Api.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/** Share tracking: a count per project and platform, from a bounded set, exact under concurrency, for readers only. */
@IntegrationTest
class ShareCountsIntegrationTests {

    private static final ExecutorService CLIENTS = Executors.newFixedThreadPool(40);

    @Autowired
    Api api;
    @Autowired
    DatabaseClient db;

    SocialFixtures fixtures;

    @BeforeEach
    void setUp() {
        fixtures = new SocialFixtures(api, db);
    }

    @AfterAll
    static void stopClients() {
        CLIENTS.shutdownNow();
    }

    /** Runs the tasks at once, each a real HTTP client on its own thread, and waits for all of them. */
    private static void all(List<Runnable> tasks) {
        CompletableFuture.allOf(tasks.stream().map(task -> CompletableFuture.runAsync(task, CLIENTS)).toArray(CompletableFuture[]::new))
                .orTimeout(120, TimeUnit.SECONDS)
                .join();
    }

    WebTestClient.ResponseSpec share(User user, UUID projectId, Object body) {
        return SocialFixtures.as(api.http().post().uri("/api/projects/{id}/share-events", projectId)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body), user).exchange();
    }

    WebTestClient.ResponseSpec counts(User user, UUID projectId) {
        return SocialFixtures.as(api.http().get().uri("/api/projects/{id}/share-counts", projectId), user).exchange();
    }

    @Test
    void shouldCountEachShareOncePerPlatformAndShowTheCountsToReaders() {
        User owner = api.signUp();
        User fan = api.signUp();
        UUID projectId = fixtures.project(owner, "public");
        counts(null, projectId).expectStatus().isOk().expectBody().json("{\"shareCount\": 0, \"byPlatform\": {}}", JsonCompareMode.STRICT);

        share(fan, projectId, Map.of("platform", "twitter")).expectStatus().isOk()
                .expectHeader().exists("RateLimit-Remaining")
                .expectBody().json("{\"shareCount\": 1, \"byPlatform\": {\"twitter\": 1}}", JsonCompareMode.STRICT);
        share(fan, projectId, Map.of("platform", "twitter")).expectStatus().isOk();
        share(owner, projectId, Map.of("platform", "copy_link")).expectStatus().isOk()
                .expectBody().json("{\"shareCount\": 3, \"byPlatform\": {\"copy_link\": 1, \"twitter\": 2}}", JsonCompareMode.STRICT);

        counts(null, projectId).expectStatus().isOk()
                .expectBody().json("{\"shareCount\": 3, \"byPlatform\": {\"copy_link\": 1, \"twitter\": 2}}", JsonCompareMode.STRICT);
        // A share count is no share link: nothing is granted.
        assertThat(fixtures.count("SELECT count(*) FROM share_links WHERE project_id = :id", projectId)).isZero();
    }

    @Test
    void shouldRefuseUnknownPlatformsAndMalformedBodies() {
        User owner = api.signUp();
        UUID projectId = fixtures.project(owner, "public");
        Map<String, Object> problem = assertProblem(share(owner, projectId, Map.of("platform", "myspace")), 400, "VALIDATION_FAILED");
        assertThat(problem.toString()).contains("platform", "copy_link, twitter, facebook, reddit, whatsapp, email");
        assertProblem(share(owner, projectId, Map.of()), 400, "VALIDATION_FAILED");
        assertProblem(share(owner, projectId, Map.of("platform", "twitter", "count", 1000)), 400, "VALIDATION_FAILED");
        assertProblem(share(owner, projectId, Map.of("platform", "t".repeat(10_000))), 400, "VALIDATION_FAILED");
        assertProblem(share(owner, projectId, Map.of("platform", 7)), 400, "VALIDATION_FAILED");
        assertProblem(share(owner, projectId, "[\"twitter\"]"), 400, "MALFORMED_REQUEST");
        counts(null, projectId).expectStatus().isOk().expectBody().json("{\"shareCount\": 0}");
    }

    @Test
    void shouldHideOtherUsersPrivateProjectsAndNeedASignedInCaller() {
        User owner = api.signUp();
        User stranger = api.signUp();
        UUID privateProject = fixtures.project(owner, "private");
        assertProblem(share(stranger, privateProject, Map.of("platform", "twitter")), 404, "NOT_FOUND");
        assertProblem(counts(stranger, privateProject), 404, "NOT_FOUND");
        assertProblem(counts(null, privateProject), 404, "NOT_FOUND");
        assertProblem(share(null, fixtures.project(owner, "public"), Map.of("platform", "twitter")), 401, "UNAUTHORIZED");
        assertProblem(share(stranger, UUID.randomUUID(), Map.of("platform", "twitter")), 404, "NOT_FOUND");
        // The owner shares and sees their private project's counts.
        share(owner, privateProject, Map.of("platform", "email")).expectStatus().isOk();
        counts(owner, privateProject).expectStatus().isOk().expectBody().json("{\"shareCount\": 1, \"byPlatform\": {\"email\": 1}}", JsonCompareMode.STRICT);
    }

    @Test
    void shouldCountExactlyUnderConcurrentShares() {
        User owner = api.signUp();
        UUID projectId = fixtures.project(owner, "public");
        List<User> fans = IntStream.range(0, 20).mapToObj(i -> api.signUp()).toList();
        all(fans.stream().flatMap(fan -> IntStream.range(0, 2)
                .mapToObj(i -> (Runnable) () -> share(fan, projectId, Map.of("platform", i == 0 ? "twitter" : "facebook")).expectStatus().isOk()))
                .toList());
        Map<String, Object> tally = counts(null, projectId).expectStatus().isOk().expectBody(MAP).returnResult().getResponseBody();
        assertThat(tally).containsEntry("shareCount", 40).containsEntry("byPlatform", Map.of("facebook", 20, "twitter", 20));
    }

    @Test
    void shouldSendAnApiKeyWithoutSocialWriteAway() {
        User owner = api.signUp();
        UUID projectId = fixtures.project(owner, "public");
        String readKey = api.createApiKey(owner, List.of("projects:read"));
        assertProblem(api.http().post().uri("/api/projects/{id}/share-events", projectId).header("X-API-Key", readKey)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("platform", "twitter")).exchange(), 403, "INSUFFICIENT_SCOPE");
        api.http().get().uri("/api/projects/{id}/share-counts", projectId).header("X-API-Key", readKey).exchange().expectStatus().isOk();
        String socialKey = api.createApiKey(owner, List.of("social:write"));
        api.http().post().uri("/api/projects/{id}/share-events", projectId).header("X-API-Key", socialKey)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("platform", "twitter")).exchange().expectStatus().isOk();
    }
}
