package dev.dawg.social;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
import static dev.dawg.support.Api.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Likes, comments and plays: idempotence, threading, pagination, permissions, events and exact counters. */
@IntegrationTest
public class SocialIntegrationTests {

    private static final ExecutorService CLIENTS = Executors.newFixedThreadPool(50);

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

    WebTestClient.ResponseSpec like(User user, UUID projectId) {
        return api.http().post().uri("/api/projects/{id}/like", projectId).header(HttpHeaders.AUTHORIZATION, user.bearer()).exchange();
    }

    WebTestClient.ResponseSpec unlike(User user, UUID projectId) {
        return api.http().delete().uri("/api/projects/{id}/like", projectId).header(HttpHeaders.AUTHORIZATION, user.bearer()).exchange();
    }

    WebTestClient.ResponseSpec comment(User user, UUID projectId, Object body) {
        WebTestClient.RequestBodySpec spec = api.http().post().uri("/api/projects/{id}/comments", projectId);
        if (user != null) {
            spec = spec.header(HttpHeaders.AUTHORIZATION, user.bearer());
        }
        return spec.contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }

    Map<String, Object> postComment(User user, UUID projectId, String text, Object parentId) {
        Map<String, Object> body = new HashMap<>();
        body.put("text", text);
        if (parentId != null) {
            body.put("parentId", parentId);
        }
        return comment(user, projectId, body).expectStatus().isCreated().expectBody(MAP).returnResult().getResponseBody();
    }

    WebTestClient.ResponseSpec deleteComment(User user, Object commentId) {
        return api.http().delete().uri("/api/comments/{id}", commentId).header(HttpHeaders.AUTHORIZATION, user.bearer()).exchange();
    }

    @SuppressWarnings("unchecked")
    List<Map<String, Object>> allComments(UUID projectId, int limit) {
        List<Map<String, Object>> all = new ArrayList<>();
        String cursor = null;
        do {
            String uri = "/api/projects/" + projectId + "/comments?limit=" + limit + (cursor == null ? "" : "&cursor=" + cursor);
            Map<String, Object> page = api.http().get().uri(uri).exchange().expectStatus().isOk().expectBody(MAP).returnResult().getResponseBody();
            all.addAll((List<Map<String, Object>>) page.get("items"));
            cursor = (String) page.get("nextCursor");
        } while (cursor != null);
        return all;
    }

    @Test
    void shouldLikeAndUnlikeIdempotentlyAnnouncingOnlyNewLikes() {
        User owner = api.signUp();
        User fan = api.signUp();
        UUID projectId = fixtures.project(owner, "public");
        try (SocialFixtures.Events events = fixtures.listenAsOwner(owner)) {
            like(fan, projectId).expectStatus().isOk().expectBody().json("{\"liked\": true, \"likeCount\": 1}");
            like(fan, projectId).expectStatus().isOk().expectBody().json("{\"liked\": true, \"likeCount\": 1}");
            like(owner, projectId).expectStatus().isOk().expectBody().json("{\"liked\": true, \"likeCount\": 2}");
            unlike(fan, projectId).expectStatus().isOk().expectBody().json("{\"liked\": false, \"likeCount\": 1}");
            unlike(fan, projectId).expectStatus().isOk().expectBody().json("{\"liked\": false, \"likeCount\": 1}");
            await().atMost(Duration.ofSeconds(10)).until(() -> events.ofType("like:added").size() >= 2);
            assertThat(events.ofType("like:added")).extracting(event -> event.get("data"))
                    .containsExactly(Map.of("likeCount", 1), Map.of("likeCount", 2));
            assertThat(events.ofType("like:added").get(0).get("actor")).isEqualTo(Map.of("id", fan.id().toString(), "username", fan.username()));
        }
        assertThat(fixtures.counters(projectId)).containsEntry("likes", 1L);
        assertProblem(like(fan, UUID.randomUUID()), 404, "NOT_FOUND");
        assertProblem(api.http().post().uri("/api/projects/{id}/like", projectId).exchange(), 401, "UNAUTHORIZED");
        String readOnlyKey = api.createApiKey(fan, List.of("projects:read"));
        assertProblem(api.http().post().uri("/api/projects/{id}/like", projectId).header("X-API-Key", readOnlyKey).exchange(), 403, "INSUFFICIENT_SCOPE");
        String socialKey = api.createApiKey(fan, List.of("social:write"));
        api.http().post().uri("/api/projects/{id}/like", projectId).header("X-API-Key", socialKey).exchange()
                .expectStatus().isOk().expectBody().json("{\"liked\": true, \"likeCount\": 2}");
    }

    @Test
    void shouldListTopLevelCommentsOrTheRepliesOfOneAPageAtATime() {
        User owner = api.signUp();
        UUID projectId = fixtures.project(owner, "public");
        Map<String, Object> first = postComment(owner, projectId, "first", null);
        Map<String, Object> reply = postComment(owner, projectId, "reply", (String) first.get("id"));
        postComment(owner, projectId, "reply to reply", (String) reply.get("id"));
        postComment(owner, projectId, "second reply", (String) first.get("id"));
        postComment(owner, projectId, "second", null);

        assertThat(texts("/api/projects/{id}/comments?topLevel=true", projectId)).containsExactly("first", "second");
        assertThat(texts("/api/projects/{id}/comments?parentId=" + first.get("id"), projectId)).containsExactly("reply", "second reply");
        assertThat(texts("/api/projects/{id}/comments?topLevel=false", projectId)).hasSize(5);
        Map<String, Object> page = api.http().get().uri("/api/projects/{id}/comments?topLevel=true&limit=1", projectId).exchange()
                .expectStatus().isOk().expectBody(MAP).returnResult().getResponseBody();
        assertThat(texts("/api/projects/{id}/comments?topLevel=true&cursor=" + page.get("nextCursor"), projectId)).containsExactly("second");

        assertProblem(api.http().get().uri("/api/projects/{id}/comments?topLevel=yes", projectId).exchange(), 400, "VALIDATION_FAILED");
        assertProblem(api.http().get().uri("/api/projects/{id}/comments?parentId=nope", projectId).exchange(), 400, "VALIDATION_FAILED");
        assertProblem(api.http().get().uri("/api/projects/{id}/comments?topLevel=true&parentId=" + first.get("id"), projectId).exchange(),
                400, "VALIDATION_FAILED");
        assertThat(texts("/api/projects/{id}/comments?parentId=" + UUID.randomUUID(), projectId)).isEmpty();
    }

    @SuppressWarnings("unchecked")
    private List<Object> texts(String uri, UUID projectId) {
        Map<String, Object> page = api.http().get().uri(uri, projectId).exchange().expectStatus().isOk().expectBody(MAP).returnResult().getResponseBody();
        return ((List<Map<String, Object>>) page.get("items")).stream().map(comment -> comment.get("text")).toList();
    }

    @Test
    void shouldKeepLikeCountEqualToLikeRowsUnderConcurrentLikesAndUnlikes() {
        User owner = api.signUp();
        UUID projectId = fixtures.project(owner, "public");
        List<User> fans = IntStream.range(0, 50).mapToObj(i -> api.signUp()).toList();
        try (SocialFixtures.Events events = fixtures.listenAsOwner(owner)) {
            all(fans.stream().map(fan -> (Runnable) () -> like(fan, projectId).expectStatus().isOk()).toList());
            assertThat(fixtures.counters(projectId)).containsEntry("likes", 50L);
            // Half unlike while the other half like again (no-ops) and the first half's likes race their unlikes.
            List<Runnable> mixed = new ArrayList<>();
            for (int i = 0; i < fans.size(); i++) {
                User fan = fans.get(i);
                mixed.add(i % 2 == 0 ? () -> unlike(fan, projectId).expectStatus().isOk() : () -> like(fan, projectId).expectStatus().isOk());
                mixed.add(i % 2 == 0 ? () -> unlike(fan, projectId).expectStatus().isOk() : () -> like(fan, projectId).expectStatus().isOk());
            }
            all(mixed);
            long rows = fixtures.count("SELECT count(*) FROM project_likes WHERE project_id = :id", projectId);
            assertThat(rows).isEqualTo(25);
            assertThat(fixtures.counters(projectId)).containsEntry("likes", rows);
            like(owner, projectId).expectStatus().isOk().expectBody().json("{\"liked\": true, \"likeCount\": 26}");
            // Exactly one like:added per new like: 50 + the owner's, never one for a repeated like.
            await().atMost(Duration.ofSeconds(10)).until(() -> events.ofType("like:added").size() >= 51);
            assertThat(events.ofType("like:added")).hasSize(51);
        }
    }

    @Test
    void shouldKeepCommentCountEqualToCommentRowsUnderConcurrentCommentsAndDeletes() {
        User owner = api.signUp();
        UUID projectId = fixtures.project(owner, "public");
        List<User> fans = IntStream.range(0, 50).mapToObj(i -> api.signUp()).toList();
        Map<String, Object> root = postComment(owner, projectId, "first!", null);
        List<Runnable> work = new ArrayList<>();
        for (int i = 0; i < fans.size(); i++) {
            User fan = fans.get(i);
            boolean deleter = i % 2 == 0;
            work.add(() -> {
                Map<String, Object> mine = postComment(fan, projectId, "reply from " + fan.username(), root.get("id"));
                postComment(fan, projectId, "top-level from " + fan.username(), null);
                if (deleter) {
                    deleteComment(fan, mine.get("id")).expectStatus().isNoContent();
                }
            });
        }
        all(work);
        long rows = fixtures.count("SELECT count(*) FROM comments WHERE project_id = :id", projectId);
        assertThat(rows).isEqualTo(1 + 50 + 25);
        assertThat(fixtures.counters(projectId)).containsEntry("comments", rows);

        // Deleting the root while replies are still being added: the cascade takes every reply, counted or not.
        List<Runnable> race = new ArrayList<>();
        race.add(() -> deleteComment(owner, root.get("id")).expectStatus().isNoContent());
        for (User fan : fans.subList(0, 20)) {
            race.add(() -> {
                Map<String, Object> body = Map.of("text", "late reply", "parentId", root.get("id"));
                int status = comment(fan, projectId, body).returnResult(String.class).getStatus().value();
                assertThat(status).isIn(201, 400);
            });
        }
        all(race);
        long after = fixtures.count("SELECT count(*) FROM comments WHERE project_id = :id", projectId);
        assertThat(after).isEqualTo(50);
        assertThat(fixtures.counters(projectId)).containsEntry("comments", after);
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldThreadCommentsOldestFirstAndPageCorrectlyWhileCommentsAreAdded() {
        User owner = api.signUp();
        User fan = api.signUp();
        UUID projectId = fixtures.project(owner, "unlisted");
        Map<String, Object> top;
        try (SocialFixtures.Events events = fixtures.listenAsOwner(owner)) {
            top = postComment(fan, projectId, "Love the bassline", null);
            assertThat(top).containsEntry("projectId", projectId.toString()).containsEntry("text", "Love the bassline")
                    .containsEntry("parentId", null).containsKeys("id", "createdAt");
            assertThat((Map<String, Object>) top.get("author")).containsEntry("id", fan.id().toString()).containsEntry("username", fan.username());
            await().atMost(Duration.ofSeconds(10)).until(() -> !events.ofType("comment:added").isEmpty());
            assertThat(events.ofType("comment:added").get(0).get("data")).isEqualTo(top);
        }
        Map<String, Object> reply = postComment(owner, projectId, "Thanks!", top.get("id"));
        Map<String, Object> nested = postComment(fan, projectId, "🎸".repeat(2000), reply.get("id"));
        assertThat(nested).containsEntry("parentId", reply.get("id"));

        // Page through with limit 2 while more comments arrive: nothing is skipped or repeated.
        List<Map<String, Object>> seen = new ArrayList<>();
        Map<String, Object> page = api.http().get().uri("/api/projects/{id}/comments?limit=2", projectId).exchange()
                .expectStatus().isOk().expectBody(MAP).returnResult().getResponseBody();
        seen.addAll((List<Map<String, Object>>) page.get("items"));
        postComment(fan, projectId, "late one", null);
        postComment(owner, projectId, "late reply", top.get("id"));
        String cursor = (String) page.get("nextCursor");
        while (cursor != null) {
            page = api.http().get().uri("/api/projects/{id}/comments?limit=2&cursor={c}", projectId, cursor).exchange()
                    .expectStatus().isOk().expectBody(MAP).returnResult().getResponseBody();
            seen.addAll((List<Map<String, Object>>) page.get("items"));
            cursor = (String) page.get("nextCursor");
        }
        assertThat(seen).extracting(c -> c.get("text")).containsExactly("Love the bassline", "Thanks!", "🎸".repeat(2000), "late one", "late reply");
        // Threaded: every reply comes after the comment it answers.
        List<Object> ids = seen.stream().map(c -> c.get("id")).toList();
        for (Map<String, Object> c : seen) {
            if (c.get("parentId") != null) {
                assertThat(ids.indexOf(c.get("parentId"))).isLessThan(ids.indexOf(c.get("id")));
            }
        }
        assertThat(fixtures.counters(projectId)).containsEntry("comments", 5L);
        assertProblem(api.http().get().uri("/api/projects/{id}/comments?cursor=garbage", projectId).exchange(), 400, "VALIDATION_FAILED");
        assertProblem(api.http().get().uri("/api/projects/{id}/comments?limit=0", projectId).exchange(), 400, "VALIDATION_FAILED");
    }

    @Test
    void shouldRefuseBadCommentsAndParentsFromAnotherProject() {
        User owner = api.signUp();
        User fan = api.signUp();
        UUID projectId = fixtures.project(owner, "public");
        UUID otherProject = fixtures.project(owner, "public");
        Map<String, Object> elsewhere = postComment(fan, otherProject, "on the other song", null);
        Map<String, Object> withNull = new HashMap<>();
        withNull.put("text", null);
        for (Object bad : List.of(Map.of("text", ""), Map.of("text", "   "), Map.of("text", "x".repeat(2001)), Map.of(), withNull,
                Map.of("text", 42), Map.of("text", "hi", "parentId", "not-a-uuid"), Map.of("text", "hi", "parentId", 7),
                Map.of("text", "hi", "authorId", fan.id().toString()), Map.of("text", "hi", "mood", "happy"),
                Map.of("text", "hi", "parentId", elsewhere.get("id")), Map.of("text", "hi", "parentId", UUID.randomUUID().toString()))) {
            assertProblem(comment(fan, projectId, bad), 400, "VALIDATION_FAILED");
        }
        assertProblem(api.http().post().uri("/api/projects/{id}/comments", projectId).header(HttpHeaders.AUTHORIZATION, fan.bearer())
                .contentType(MediaType.TEXT_PLAIN).bodyValue("hello").exchange(), 415, "UNSUPPORTED_MEDIA_TYPE");
        assertProblem(comment(null, projectId, Map.of("text", "hi")), 401, "UNAUTHORIZED");
        assertProblem(comment(fan, UUID.randomUUID(), Map.of("text", "hi")), 404, "NOT_FOUND");
        assertThat(fixtures.count("SELECT count(*) FROM comments WHERE project_id = :id", projectId)).isZero();
        assertThat(fixtures.counters(projectId)).containsEntry("comments", 0L);
    }

    @Test
    void shouldLetOnlyTheAuthorOrTheProjectOwnerDeleteAComment() {
        User owner = api.signUp();
        User author = api.signUp();
        User stranger = api.signUp();
        UUID projectId = fixtures.project(owner, "public");
        Map<String, Object> first = postComment(author, projectId, "one", null);
        Map<String, Object> reply = postComment(stranger, projectId, "reply to one", first.get("id"));
        Map<String, Object> second = postComment(author, projectId, "two", null);

        assertProblem(deleteComment(stranger, first.get("id")), 403, "FORBIDDEN");
        assertProblem(deleteComment(author, reply.get("id")), 403, "FORBIDDEN");
        assertProblem(api.http().delete().uri("/api/comments/{id}", first.get("id")).exchange(), 401, "UNAUTHORIZED");
        assertProblem(deleteComment(author, UUID.randomUUID()), 404, "NOT_FOUND");
        assertProblem(deleteComment(author, "nope"), 404, "NOT_FOUND");

        deleteComment(author, second.get("id")).expectStatus().isNoContent();
        assertProblem(deleteComment(author, second.get("id")), 404, "NOT_FOUND");
        // The owner moderates: deleting a comment takes its replies with it.
        deleteComment(owner, first.get("id")).expectStatus().isNoContent();
        assertThat(allComments(projectId, 20)).isEmpty();
        assertThat(fixtures.counters(projectId)).containsEntry("comments", 0L);

        // Once the project is private, a stranger learns nothing about its comments: 404, not 403.
        Map<String, Object> hidden = postComment(author, projectId, "soon hidden", null);
        db.sql("UPDATE projects SET visibility = 'private' WHERE id = :id").bind("id", projectId).fetch().rowsUpdated().block();
        assertProblem(deleteComment(stranger, hidden.get("id")), 404, "NOT_FOUND");
        assertProblem(deleteComment(author, hidden.get("id")), 404, "NOT_FOUND");
        deleteComment(owner, hidden.get("id")).expectStatus().isNoContent();
    }

    @Test
    void shouldCountAPlayOncePerListenerPerWindow() {
        User owner = api.signUp();
        User listener = api.signUp();
        UUID projectId = fixtures.project(owner, "public");
        for (int i = 0; i < 5; i++) {
            api.http().post().uri("/api/projects/{id}/plays", projectId).header(HttpHeaders.AUTHORIZATION, listener.bearer())
                    .exchange().expectStatus().isNoContent();
        }
        assertThat(fixtures.counters(projectId)).containsEntry("plays", 1L);
        api.http().post().uri("/api/projects/{id}/plays", projectId).header(HttpHeaders.AUTHORIZATION, owner.bearer())
                .exchange().expectStatus().isNoContent();
        for (int i = 0; i < 3; i++) {
            api.http().post().uri("/api/projects/{id}/plays", projectId).exchange().expectStatus().isNoContent();
        }
        assertThat(fixtures.counters(projectId)).containsEntry("plays", 3L);
        UUID privateProject = fixtures.project(owner, "private");
        assertProblem(api.http().post().uri("/api/projects/{id}/plays", privateProject).header(HttpHeaders.AUTHORIZATION, listener.bearer())
                .exchange(), 404, "NOT_FOUND");
        assertThat(fixtures.counters(privateProject)).containsEntry("plays", 0L);
    }

    /** Runs the tasks at once on separate threads (each a real HTTP client) and waits for all of them. */
    static void all(List<Runnable> tasks) {
        CompletableFuture.allOf(tasks.stream().map(task -> CompletableFuture.runAsync(task, CLIENTS)).toArray(CompletableFuture[]::new))
                .orTimeout(120, java.util.concurrent.TimeUnit.SECONDS)
                .join();
    }
}
