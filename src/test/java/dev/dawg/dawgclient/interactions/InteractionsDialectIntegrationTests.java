package dev.dawg.dawgclient.interactions;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.dawg.sharing.SocialFixtures;
import dev.dawg.support.Api;
import dev.dawg.support.Api.User;
import dev.dawg.support.IntegrationTest;

import static dev.dawg.support.Api.MAP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Replays the DAWG client's interaction calls (client/src/services/api.js: toggleLike, addComment, getComments,
 * shareProject, createRemix, toggleFollow) as its {@code request()} sends them: {@code Authorization: Bearer} when signed in,
 * {@code Content-Type: application/json} only with a body, and asserts the fields ProjectCard and CommentModal read.
 */
@IntegrationTest
@SuppressWarnings("unchecked")
class InteractionsDialectIntegrationTests {

    private static final String BASE = "/dawg-client/api";
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

    /** apiClient.toggleLike(projectId): POST, no body, so no Content-Type. */
    WebTestClient.ResponseSpec toggleLike(User user, UUID projectId) {
        return SocialFixtures.as(api.http().post().uri(BASE + "/interactions/projects/{id}/like", projectId), user).exchange();
    }

    /** apiClient.addComment(projectId, content, parentId): {content} plus parentId only when there is one. */
    WebTestClient.ResponseSpec addComment(User user, UUID projectId, Object content, String parentId) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("content", content);
        if (parentId != null) {
            body.put("parentId", parentId);
        }
        return SocialFixtures.as(api.http().post().uri(BASE + "/interactions/projects/{id}/comments", projectId)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body), user).exchange();
    }

    /** apiClient.getComments(projectId, page, limit): CommentModal asks for page 1 of 100. */
    WebTestClient.ResponseSpec getComments(User user, UUID projectId, int page, int limit) {
        return SocialFixtures.as(api.http().get().uri(BASE + "/interactions/projects/{id}/comments?page={page}&limit={limit}",
                projectId, page, limit), user).exchange();
    }

    /** apiClient.shareProject(projectId, platform): always {platform}, null from ProjectCard's share button. */
    WebTestClient.ResponseSpec shareProject(User user, UUID projectId, String platform) {
        String body = platform == null ? "{\"platform\":null}" : "{\"platform\":\"" + platform + "\"}";
        return SocialFixtures.as(api.http().post().uri(BASE + "/interactions/projects/{id}/share", projectId)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body), user).exchange();
    }

    @Test
    void shouldToggleALikeAsProjectCardReadsItAndAnnounceTheLike() {
        User owner = api.signUp();
        User fan = api.signUp();
        UUID projectId = fixtures.project(owner, "public");
        try (SocialFixtures.Events events = fixtures.listenAsOwner(owner)) {
            Map<String, Object> liked = toggleLike(fan, projectId).expectStatus().isOk()
                    .expectHeader().exists("RateLimit-Remaining").expectBody(MAP).returnResult().getResponseBody();
            assertThat(liked).containsEntry("liked", true).containsEntry("likeCount", 1);
            toggleLike(owner, projectId).expectStatus().isOk().expectBody().json("{\"liked\": true, \"likeCount\": 2}");
            toggleLike(fan, projectId).expectStatus().isOk().expectBody().json("{\"liked\": false, \"likeCount\": 1}");
            toggleLike(fan, projectId).expectStatus().isOk().expectBody().json("{\"liked\": true, \"likeCount\": 2}");
            // The native API sees the same like: one rule, one counter.
            api.http().delete().uri("/api/projects/{id}/like", projectId).header(HttpHeaders.AUTHORIZATION, fan.bearer()).exchange()
                    .expectStatus().isOk().expectBody().json("{\"liked\": false, \"likeCount\": 1}");
            assertThat(fixtures.counters(projectId)).containsEntry("likes", 1L);
            // like:added for each like added (fan twice, owner once), none for the unlike.
            await().atMost(Duration.ofSeconds(10)).until(() -> events.ofType("like:added").size() >= 3);
            assertThat(events.ofType("like:added")).hasSize(3)
                    .extracting(event -> (Object) ((Map<?, ?>) event.get("data")).get("likeCount")).containsExactly(1, 2, 2);
        }
    }

    @Test
    void shouldAnswerLikesInTheClientsErrorShape() {
        User owner = api.signUp();
        User stranger = api.signUp();
        UUID publicProject = fixtures.project(owner, "public");
        assertClientError(toggleLike(null, publicProject), 401, "UNAUTHORIZED");
        assertClientError(toggleLike(stranger, fixtures.project(owner, "private")), 404, "NOT_FOUND");
        assertClientError(toggleLike(stranger, UUID.randomUUID()), 404, "NOT_FOUND");
        assertClientError(SocialFixtures.as(api.http().post().uri(BASE + "/interactions/projects/not-a-uuid/like"), stranger).exchange(),
                404, "NOT_FOUND");
        assertThat(fixtures.counters(publicProject)).containsEntry("likes", 0L);
    }

    /** Each user toggles once, and one user toggles twice at once, all concurrently: no toggle is lost, nor a count. */
    @Test
    void shouldLoseNoToggleUnderConcurrency() {
        User owner = api.signUp();
        UUID projectId = fixtures.project(owner, "public");
        List<User> fans = IntStream.range(0, 30).mapToObj(i -> api.signUp()).toList();
        User doubleClicker = api.signUp();
        List<Runnable> toggles = new ArrayList<>();
        fans.forEach(fan -> toggles.add(() -> toggleLike(fan, projectId).expectStatus().isOk()));
        for (int i = 0; i < 10; i++) {
            toggles.add(() -> toggleLike(doubleClicker, projectId).expectStatus().isOk());
        }
        all(toggles);
        long rows = fixtures.count("SELECT count(*) FROM project_likes WHERE project_id = :id", projectId);
        // Ten toggles of one user, one after the other in some order, leave them not liking it.
        assertThat(rows).isEqualTo(30);
        assertThat(fixtures.counters(projectId)).containsEntry("likes", 30L);
        toggleLike(doubleClicker, projectId).expectStatus().isOk().expectBody().json("{\"liked\": true, \"likeCount\": 31}");
    }

    @Test
    void shouldAddCommentsAndRepliesAsCommentModalReadsThemAndAnnounceThem() {
        User owner = api.signUp();
        User fan = api.signUp();
        UUID projectId = fixtures.project(owner, "public");
        try (SocialFixtures.Events events = fixtures.listenAsOwner(owner)) {
            Map<String, Object> comment = comment(addComment(fan, projectId, "Love the bassline", null));
            assertThat(comment).containsEntry("text", "Love the bassline").containsEntry("content", "Love the bassline")
                    .containsEntry("parentId", null).containsEntry("replies", List.of()).containsEntry("projectId", projectId.toString())
                    .containsEntry("userId", fan.id().toString());
            assertThat((Map<String, Object>) comment.get("author")).containsEntry("id", fan.id().toString())
                    .containsEntry("username", fan.username()).containsKey("avatarUrl");
            assertThat(Instant.parse((String) comment.get("createdAt"))).isBefore(Instant.now().plusSeconds(5));

            Map<String, Object> reply = comment(addComment(owner, projectId, "Thanks!", (String) comment.get("id")));
            assertThat(reply).containsEntry("parentId", comment.get("id")).containsEntry("text", "Thanks!");
            assertThat((Map<String, Object>) reply.get("author")).containsEntry("username", owner.username());

            await().atMost(Duration.ofSeconds(10)).until(() -> events.ofType("comment:added").size() >= 2);
            assertThat(events.ofType("comment:added")).extracting(event -> (Object) ((Map<?, ?>) event.get("data")).get("text"))
                    .containsExactly("Love the bassline", "Thanks!");
        }
        assertThat(fixtures.counters(projectId)).containsEntry("comments", 2L);
    }

    @Test
    void shouldRefuseCommentsTheNativeApiRefusesInTheClientsErrorShape() {
        User owner = api.signUp();
        User stranger = api.signUp();
        UUID projectId = fixtures.project(owner, "public");
        assertThat(assertClientError(addComment(stranger, projectId, "", null), 400, "VALIDATION_FAILED"))
                .containsEntry("message", "content: must be 1 to 2000 characters");
        assertThat(assertClientError(addComment(stranger, projectId, "   ", null), 400, "VALIDATION_FAILED"))
                .containsEntry("message", "content: must not be blank");
        assertClientError(addComment(stranger, projectId, "x".repeat(2001), null), 400, "VALIDATION_FAILED");
        addComment(stranger, projectId, "x".repeat(2000), null).expectStatus().isCreated();
        assertClientError(addComment(stranger, projectId, 42, null), 400, "VALIDATION_FAILED");
        assertThat(assertClientError(addComment(stranger, projectId, "a reply", UUID.randomUUID().toString()), 400, "VALIDATION_FAILED"))
                .containsEntry("message", "parentId: must be a comment of this project");
        assertClientError(addComment(null, projectId, "anonymous", null), 401, "UNAUTHORIZED");
        assertClientError(addComment(stranger, fixtures.project(owner, "private"), "let me in", null), 404, "NOT_FOUND");
        assertClientError(getComments(stranger, fixtures.project(owner, "private"), 1, 100), 404, "NOT_FOUND");
        assertClientError(getComments(null, projectId, 0, 100), 400, "VALIDATION_FAILED");
        assertThat(fixtures.counters(projectId)).containsEntry("comments", 1L);
    }

    @Test
    void shouldListThreadsSoCommentModalShowsEveryReplyUnderItsComment() {
        User owner = api.signUp();
        User fan = api.signUp();
        UUID projectId = fixtures.project(owner, "public");
        String first = (String) comment(addComment(fan, projectId, "first", null)).get("id");
        String reply = (String) comment(addComment(owner, projectId, "reply to first", first)).get("id");
        comment(addComment(fan, projectId, "reply to the reply", reply));
        String second = (String) comment(addComment(owner, projectId, "second", null)).get("id");

        // Anyone may read a public project's comments (the modal loads them signed in or not).
        Map<String, Object> page = getComments(null, projectId, 1, 100).expectStatus().isOk().expectBody(MAP).returnResult().getResponseBody();
        assertThat((Map<String, Object>) page.get("pagination")).containsEntry("page", 1).containsEntry("limit", 100)
                .containsEntry("total", 2).containsEntry("totalPages", 1);
        List<Map<String, Object>> comments = (List<Map<String, Object>>) page.get("comments");
        // Top-level comments newest first (the modal puts a new one on top), each with its thread nested.
        List<Map<String, Object>> topLevel = comments.stream().filter(c -> c.get("parentId") == null).toList();
        assertThat(topLevel).extracting(c -> c.get("id")).containsExactly(second, first);
        List<Map<String, Object>> nested = (List<Map<String, Object>>) topLevel.get(1).get("replies");
        assertThat(nested).extracting(c -> c.get("text")).containsExactly("reply to first");
        assertThat((List<Map<String, Object>>) nested.get(0).get("replies")).extracting(c -> c.get("text")).containsExactly("reply to the reply");

        // What the modal renders: buildCommentTree over the list, by parentId, ignoring the nested replies.
        List<Map<String, Object>> tree = clientTree(comments);
        assertThat(tree).extracting(node -> node.get("text")).containsExactly("second", "first");
        List<Map<String, Object>> shownReplies = (List<Map<String, Object>>) tree.get(1).get("replies");
        assertThat(shownReplies).extracting(node -> node.get("text")).containsExactly("reply to first");
        assertThat((List<Map<String, Object>>) shownReplies.get(0).get("replies")).extracting(node -> node.get("text"))
                .containsExactly("reply to the reply");
        assertThat(tree.get(1)).containsKeys("author", "createdAt");
    }

    @Test
    void shouldPageOverTopLevelCommentsWithTheirReplies() {
        User owner = api.signUp();
        UUID projectId = fixtures.project(owner, "public");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add((String) comment(addComment(owner, projectId, "comment " + i, null)).get("id"));
        }
        comment(addComment(owner, projectId, "reply to comment 1", ids.get(1)));
        Map<String, Object> page = getComments(owner, projectId, 2, 2).expectStatus().isOk().expectBody(MAP).returnResult().getResponseBody();
        assertThat((Map<String, Object>) page.get("pagination")).containsEntry("page", 2).containsEntry("limit", 2)
                .containsEntry("total", 5).containsEntry("totalPages", 3);
        assertThat((List<Map<String, Object>>) page.get("comments")).extracting(c -> c.get("text"))
                .containsExactly("comment 2", "comment 1", "reply to comment 1");
        Map<String, Object> last = getComments(owner, projectId, 3, 2).expectStatus().isOk().expectBody(MAP).returnResult().getResponseBody();
        assertThat((List<Map<String, Object>>) last.get("comments")).extracting(c -> c.get("text")).containsExactly("comment 0");
        // The client may ask for more than we serve at once; the envelope says what applied.
        Map<String, Object> big = getComments(owner, projectId, 1, 1000).expectStatus().isOk().expectBody(MAP).returnResult().getResponseBody();
        assertThat((Map<String, Object>) big.get("pagination")).containsEntry("limit", 100);
    }

    /** A thread shows its oldest 50 replies, 32 levels deep at most, so a page stays bounded however long a thread grows. */
    @Test
    void shouldBoundTheRepliesReadUnderEachComment() {
        User owner = api.signUp();
        UUID projectId = fixtures.project(owner, "public");
        String wide = (String) comment(addComment(owner, projectId, "wide thread", null)).get("id");
        String deep = (String) comment(addComment(owner, projectId, "deep thread", null)).get("id");
        // Written straight to the table: the API's write budget would make this slow, not different.
        db.sql("INSERT INTO comments (project_id, author_id, parent_id, body, created_at)"
                + " SELECT :projectId, :authorId, :parentId, 'reply ' || g, clock_timestamp() + g * interval '1 millisecond'"
                + " FROM generate_series(1, 60) g")
                .bind("projectId", projectId).bind("authorId", owner.id()).bind("parentId", UUID.fromString(wide))
                .fetch().rowsUpdated().block(Duration.ofSeconds(10));
        db.sql("DO $$ DECLARE parent uuid := '" + deep + "'; BEGIN FOR i IN 1..40 LOOP"
                + " INSERT INTO comments (project_id, author_id, parent_id, body) VALUES ('" + projectId + "', '" + owner.id()
                + "', parent, 'level ' || i) RETURNING id INTO parent; END LOOP; END $$")
                .fetch().rowsUpdated().block(Duration.ofSeconds(10));

        Map<String, Object> page = getComments(owner, projectId, 1, 100).expectStatus().isOk().expectBody(MAP).returnResult().getResponseBody();
        assertThat((Map<String, Object>) page.get("pagination")).containsEntry("total", 2);
        List<Map<String, Object>> tree = clientTree((List<Map<String, Object>>) page.get("comments"));
        assertThat(tree).extracting(node -> node.get("text")).containsExactly("deep thread", "wide thread");
        List<Map<String, Object>> wideReplies = (List<Map<String, Object>>) tree.get(1).get("replies");
        assertThat(wideReplies).hasSize(50);
        assertThat(wideReplies.get(0)).containsEntry("text", "reply 1");
        assertThat(wideReplies.get(49)).containsEntry("text", "reply 50");
        int depth = 0;
        for (Map<String, Object> node = tree.get(0); !((List<?>) node.get("replies")).isEmpty(); depth++) {
            node = ((List<Map<String, Object>>) node.get("replies")).get(0);
        }
        assertThat(depth).isEqualTo(32);
    }

    @Test
    void shouldCountSharesPerPlatformAsTheShareButtonSendsThem() {
        User owner = api.signUp();
        User fan = api.signUp();
        UUID projectId = fixtures.project(owner, "public");
        Map<String, Object> shared = shareProject(fan, projectId, null).expectStatus().isOk().expectBody(MAP).returnResult().getResponseBody();
        // No message: the client would toast it beside its own "Project shared!".
        assertThat(shared).containsEntry("success", true).containsEntry("platform", "copy_link").containsEntry("shareCount", 1)
                .doesNotContainKey("message");
        shareProject(fan, projectId, "twitter").expectStatus().isOk().expectBody().json("{\"shareCount\": 2}");
        api.http().get().uri("/api/projects/{id}/share-counts", projectId).exchange().expectStatus().isOk()
                .expectBody().json("{\"shareCount\": 2, \"byPlatform\": {\"copy_link\": 1, \"twitter\": 1}}");

        assertThat(assertClientError(shareProject(fan, projectId, "myspace"), 400, "VALIDATION_FAILED").get("message").toString())
                .startsWith("platform: must be one of copy_link, twitter");
        assertClientError(shareProject(null, projectId, "twitter"), 401, "UNAUTHORIZED");
        assertClientError(shareProject(fan, fixtures.project(owner, "private"), "twitter"), 404, "NOT_FOUND");
    }

    /** apiClient.toggleFollow(userId): a toggle answered {following, followerCount, followingCount} of the followed user. */
    @Test
    void shouldToggleAFollowAndAnswerTheFollowedUsersCounts() {
        User owner = api.signUp();
        User fan = api.signUp();
        User other = api.signUp();
        api.http().put().uri("/api/users/{id}/follow", owner.id()).header(HttpHeaders.AUTHORIZATION, other.bearer()).exchange()
                .expectStatus().isOk();

        toggleFollow(fan, owner.id()).expectStatus().isOk().expectBody(Api.MAP).value(body -> assertThat(body)
                .containsExactlyInAnyOrderEntriesOf(Map.of("following", true, "followerCount", 2, "followingCount", 0)));
        api.http().get().uri("/api/users/{id}", owner.id()).header(HttpHeaders.AUTHORIZATION, fan.bearer()).exchange()
                .expectBody(Api.MAP).value(profile -> assertThat(profile).containsEntry("followedByMe", true));
        toggleFollow(fan, owner.id()).expectStatus().isOk().expectBody(Api.MAP).value(body -> assertThat(body)
                .containsExactlyInAnyOrderEntriesOf(Map.of("following", false, "followerCount", 1, "followingCount", 0)));

        assertClientError(toggleFollow(fan, fan.id()), 409, "CONFLICT");
        assertClientError(toggleFollow(fan, UUID.randomUUID()), 404, "NOT_FOUND");
        assertClientError(api.http().post().uri(BASE + "/interactions/users/{id}/follow", owner.id()).exchange(), 401, "UNAUTHORIZED");
    }

    private WebTestClient.ResponseSpec toggleFollow(User follower, UUID followee) {
        return api.http().post().uri(BASE + "/interactions/users/{id}/follow", followee).header(HttpHeaders.AUTHORIZATION, follower.bearer())
                .exchange();
    }

    /**
     * apiClient.createRemix(projectId, changesSummary = null, credits = null), which interactionService.forkProject calls
     * with the id only: JSON.stringify keeps the nulls; the client reads {@code project}.
     */
    WebTestClient.ResponseSpec createRemix(User user, UUID projectId, String changesSummary, String credits) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("changesSummary", changesSummary);
        body.put("credits", credits);
        return SocialFixtures.as(api.http().post().uri(BASE + "/interactions/projects/{id}/remix", projectId)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body), user).exchange();
    }

    @Test
    void shouldRemixAsForkProjectSendsItAndAnswerTheRemixAsTheClientsProject() {
        User owner = api.signUp();
        User fan = api.signUp();
        UUID projectId = fixtures.project(owner, "public");
        try (SocialFixtures.Events events = fixtures.listenAsOwner(owner)) {
            Map<String, Object> body = createRemix(fan, projectId, null, null).expectStatus().isCreated()
                    .expectBody(MAP).returnResult().getResponseBody();
            Map<String, Object> project = (Map<String, Object>) body.get("project");
            assertThat(project).containsKeys("id", "title", "projectData")
                    .containsEntry("userId", fan.id().toString()).containsEntry("remixedFromId", projectId.toString())
                    .containsEntry("isPublic", false).containsEntry("isUnlisted", false).doesNotContainKey("remix");
            await().atMost(Duration.ofSeconds(10)).until(() -> events.ofType("project:remixed").size() >= 1);
            assertThat(events.ofType("project:remixed")).hasSize(1);
        }
        Map<String, Object> noted = (Map<String, Object>) createRemix(fan, projectId, "Faster drums", "Thanks to the owner")
                .expectStatus().isCreated().expectBody(MAP).returnResult().getResponseBody().get("project");
        assertThat(noted).containsEntry("remix", Map.of("changesSummary", "Faster drums", "credits", "Thanks to the owner"));
        api.http().get().uri(BASE + "/projects/{id}", noted.get("id")).header(HttpHeaders.AUTHORIZATION, fan.bearer()).exchange()
                .expectStatus().isOk().expectBody().json("{\"project\": {\"remix\": {\"changesSummary\": \"Faster drums\"}}}");
        api.http().get().uri("/api/projects/{id}", projectId).exchange().expectStatus().isOk().expectBody().json("{\"remixCount\": 2}");
    }

    @Test
    void shouldAnswerRefusalsInTheClientsErrorShape() {
        User owner = api.signUp();
        User stranger = api.signUp();
        assertClientError(createRemix(stranger, fixtures.project(owner, "private"), null, null), 404, "NOT_FOUND");
        assertClientError(createRemix(stranger, UUID.randomUUID(), null, null), 404, "NOT_FOUND");
        UUID open = fixtures.project(owner, "public");
        assertClientError(createRemix(null, open, null, null), 401, "UNAUTHORIZED");
        assertThat(assertClientError(createRemix(stranger, open, "s".repeat(1001), null), 400, "VALIDATION_FAILED")
                .get("message").toString()).contains("changesSummary");
        assertClientError(createRemix(stranger, open, null, "c".repeat(501)), 400, "VALIDATION_FAILED");
        api.http().get().uri("/api/projects/{id}", open).exchange().expectStatus().isOk().expectBody().json("{\"remixCount\": 0}");
    }

    private static Map<String, Object> comment(WebTestClient.ResponseSpec response) {
        Map<String, Object> body = response.expectStatus().isCreated().expectBody(MAP).returnResult().getResponseBody();
        assertThat(body).containsKey("comment");
        return (Map<String, Object>) body.get("comment");
    }

    /** The client shows {@code error.message}; asserts the dialect's shape and returns the error. */
    private static Map<String, Object> assertClientError(WebTestClient.ResponseSpec response, int status, String code) {
        Map<String, Object> body = response.expectStatus().isEqualTo(status)
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
                .expectBody(MAP).returnResult().getResponseBody();
        assertThat(body).containsOnlyKeys("error");
        Map<String, Object> error = (Map<String, Object>) body.get("error");
        assertThat(error).containsEntry("code", code);
        assertThat((String) error.get("message")).isNotBlank();
        return error;
    }

    /** CommentModal's buildCommentTree: every listed comment gets empty replies, then hangs under its parent if listed. */
    private static List<Map<String, Object>> clientTree(List<Map<String, Object>> comments) {
        Map<Object, Map<String, Object>> byId = new LinkedHashMap<>();
        comments.forEach(comment -> {
            Map<String, Object> node = new LinkedHashMap<>(comment);
            node.put("replies", new ArrayList<Map<String, Object>>());
            byId.put(comment.get("id"), node);
        });
        List<Map<String, Object>> roots = new ArrayList<>();
        comments.forEach(comment -> {
            Map<String, Object> node = byId.get(comment.get("id"));
            if (comment.get("parentId") != null) {
                Map<String, Object> parent = byId.get(comment.get("parentId"));
                if (parent != null) {
                    ((List<Map<String, Object>>) parent.get("replies")).add(node);
                }
            }
            else {
                roots.add(node);
            }
        });
        return roots;
    }

    private static void all(List<Runnable> tasks) {
        CompletableFuture.allOf(tasks.stream().map(task -> CompletableFuture.runAsync(task, CLIENTS)).toArray(CompletableFuture[]::new))
                .orTimeout(120, TimeUnit.SECONDS)
                .join();
    }
}
