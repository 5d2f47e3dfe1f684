package dev.dawg.social.feed;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.dawg.platform.web.Pages;
import dev.dawg.support.Api;
import dev.dawg.support.Api.User;
import dev.dawg.support.IntegrationTest;

import static dev.dawg.support.Api.MAP;
import static dev.dawg.support.Api.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The feed and a user's public projects: public projects only, newest or most liked first, by genre, from people
 * the caller follows; each item with its author, counts and likedByMe; keyset pages that stay right while
 * projects arrive; refusals as problems.
 */
@IntegrationTest
class FeedIntegrationTests {

    @Autowired
    Api api;

    /** A genre (tag) no other test uses, so that a feed filtered by it holds only this test's projects. */
    static String uniqueGenre() {
        return "g" + Long.toString(System.nanoTime(), 36);
    }

    String project(User owner, String visibility, String genre) {
        return (String) api.createProject(owner, Map.of("visibility", visibility, "tags", List.of(genre, "other"))).get("id");
    }

    WebTestClient.ResponseSpec feed(User caller, String query) {
        WebTestClient.RequestHeadersSpec<?> spec = api.http().get().uri("/api/feed?" + query);
        if (caller != null) {
            spec = spec.header(HttpHeaders.AUTHORIZATION, caller.bearer());
        }
        return spec.exchange();
    }

    Map<String, Object> page(User caller, String query) {
        return feed(caller, query).expectStatus().isOk().expectBody(MAP).returnResult().getResponseBody();
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> items(Map<String, Object> page) {
        return (List<Map<String, Object>>) page.get("items");
    }

    static List<Object> ids(Map<String, Object> page) {
        return items(page).stream().map(item -> item.get("id")).toList();
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldShowOnlyPublicProjectsNewestFirstWithAuthorCountsAndLikedByMe() {
        User author = api.signUp();
        User fan = api.signUp();
        String genre = uniqueGenre();
        String older = project(author, "public", genre);
        project(author, "private", genre);
        project(author, "unlisted", genre);
        String newer = project(author, "public", genre);
        String deleted = project(author, "public", genre);
        api.http().delete().uri("/api/projects/{id}", deleted).header(HttpHeaders.AUTHORIZATION, author.bearer()).exchange().expectStatus().isNoContent();
        api.http().post().uri("/api/projects/{id}/like", newer).header(HttpHeaders.AUTHORIZATION, fan.bearer()).exchange().expectStatus().isOk();
        api.http().post().uri("/api/projects/{id}/comments", older).header(HttpHeaders.AUTHORIZATION, fan.bearer())
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("text", "nice")).exchange().expectStatus().isCreated();

        Map<String, Object> asFan = page(fan, "genre=" + genre);
        assertThat(ids(asFan)).containsExactly(newer, older);
        assertThat(asFan).containsEntry("nextCursor", null);
        Map<String, Object> first = items(asFan).get(0);
        assertThat(first).containsEntry("likedByMe", true).containsEntry("likeCount", 1).containsEntry("visibility", "public")
                .containsEntry("ownerId", author.id().toString()).containsKeys("title", "tags", "commentCount", "playCount", "remixCount", "createdAt")
                .doesNotContainKey("projectData");
        assertThat((Map<String, Object>) first.get("author")).containsEntry("id", author.id().toString())
                .containsEntry("username", author.username()).containsKeys("displayName", "avatarUrl").doesNotContainKey("email");
        assertThat(items(asFan).get(1)).containsEntry("likedByMe", false).containsEntry("commentCount", 1);

        // Anonymous: the same list, liking nothing; the genre matches whatever its case.
        Map<String, Object> anonymous = page(null, "genre=" + genre.toUpperCase());
        assertThat(ids(anonymous)).containsExactly(newer, older);
        assertThat(items(anonymous)).allSatisfy(item -> assertThat(item).containsEntry("likedByMe", false));

        // Without a genre the newest public project is this test's newest.
        assertThat(ids(page(null, "limit=1"))).containsExactly(newer);
    }

    @Test
    void shouldOrderByLikesWhenPopularAndPageWithoutRepeatsOrGaps() {
        User author = api.signUp();
        String genre = uniqueGenre();
        List<String> projects = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            projects.add(project(author, "public", genre));
        }
        // Likes: project 3 twice, project 1 once, the rest none (ties are ordered by id, descending).
        for (int i = 0; i < 2; i++) {
            User fan = api.signUp();
            api.http().post().uri("/api/projects/{id}/like", projects.get(3)).header(HttpHeaders.AUTHORIZATION, fan.bearer()).exchange().expectStatus().isOk();
            if (i == 0) {
                api.http().post().uri("/api/projects/{id}/like", projects.get(1)).header(HttpHeaders.AUTHORIZATION, fan.bearer()).exchange().expectStatus().isOk();
            }
        }
        List<Object> unliked = new ArrayList<>(List.of(projects.get(0), projects.get(2), projects.get(4)));
        // PostgreSQL orders uuids by their bytes, unsigned, as their hex text sorts (Java's UUID.compareTo is signed).
        unliked.sort((a, b) -> ((String) b).compareTo((String) a));
        List<Object> expected = new ArrayList<>(List.of(projects.get(3), projects.get(1)));
        expected.addAll(unliked);
        assertThat(collect(null, "sort=popular&genre=" + genre + "&limit=2", null)).containsExactlyElementsOf(expected);

        // Newest first, pages of 2, while a new project arrives after the first page: no repeats, no gaps.
        List<Object> recent = new ArrayList<>(projects);
        java.util.Collections.reverse(recent);
        assertThat(collect(null, "genre=" + genre + "&limit=2", () -> project(author, "public", genre))).containsExactlyElementsOf(recent);
    }

    /** Every id over all pages; {@code afterFirstPage} runs once the first page is read. */
    private List<Object> collect(User caller, String query, Runnable afterFirstPage) {
        Map<String, Object> page = page(caller, query);
        List<Object> seen = new ArrayList<>(ids(page));
        if (afterFirstPage != null) {
            afterFirstPage.run();
        }
        while (page.get("nextCursor") != null) {
            page = page(caller, query + "&cursor=" + page.get("nextCursor"));
            seen.addAll(ids(page));
        }
        return seen;
    }

    @Test
    void shouldShowOnlyProjectsOfPeopleTheCallerFollows() {
        User followed = api.signUp();
        User stranger = api.signUp();
        User fan = api.signUp();
        String genre = uniqueGenre();
        String theirs = project(followed, "public", genre);
        project(followed, "private", genre);
        project(stranger, "public", genre);
        api.http().put().uri("/api/users/{id}/follow", followed.id()).header(HttpHeaders.AUTHORIZATION, fan.bearer()).exchange().expectStatus().isOk();

        assertThat(ids(page(fan, "following=true&genre=" + genre))).containsExactly(theirs);
        assertThat(ids(page(fan, "following=true&sort=popular&genre=" + genre))).containsExactly(theirs);
        assertThat(ids(page(fan, "following=false&genre=" + genre))).hasSize(2);
        assertThat(ids(page(stranger, "following=true&genre=" + genre))).isEmpty();
        assertProblem(feed(null, "following=true"), 401, "UNAUTHORIZED");
    }

    @Test
    void shouldRefuseBadParametersAsProblems() {
        User user = api.signUp();
        assertProblem(feed(user, "sort=oldest"), 400, "VALIDATION_FAILED");
        assertProblem(feed(user, "following=maybe"), 400, "VALIDATION_FAILED");
        assertProblem(feed(user, "genre=" + "x".repeat(41)), 400, "VALIDATION_FAILED");
        assertProblem(feed(user, "limit=0"), 400, "VALIDATION_FAILED");
        assertProblem(feed(user, "cursor=garbage"), 400, "VALIDATION_FAILED");
        String recentCursor = Pages.encodeCursor("recent", "2026-01-01T00:00:00Z", UUID.randomUUID().toString());
        assertProblem(feed(user, "sort=popular&cursor=" + recentCursor), 400, "VALIDATION_FAILED");
        assertProblem(feed(user, "cursor=" + Pages.encodeCursor("recent", "yesterday", UUID.randomUUID().toString())), 400, "VALIDATION_FAILED");
        assertProblem(feed(user, "sort=popular&cursor=" + Pages.encodeCursor("popular", "many", UUID.randomUUID().toString())), 400, "VALIDATION_FAILED");
        // A genre is a value, never SQL.
        assertThat(ids(page(user, "genre=' OR 1=1 --"))).isEmpty();
        String readKey = api.createApiKey(user, List.of("projects:read"));
        String assetKey = api.createApiKey(user, List.of("assets:read"));
        api.http().get().uri("/api/feed").header("X-API-Key", readKey).exchange().expectStatus().isOk();
        assertProblem(api.http().get().uri("/api/feed").header("X-API-Key", assetKey).exchange(), 403, "INSUFFICIENT_SCOPE");
    }

    @Test
    void shouldListAUsersPublicProjectsOnlyByIdOrUsername() {
        User author = api.signUp();
        User visitor = api.signUp();
        String first = project(author, "public", "a");
        project(author, "private", "a");
        project(author, "unlisted", "a");
        String second = project(author, "public", "b");

        for (User caller : new User[] { null, visitor, author }) {
            for (Object who : List.of(author.id(), author.username())) {
                WebTestClient.RequestHeadersSpec<?> spec = api.http().get().uri("/api/users/{id}/projects", who);
                if (caller != null) {
                    spec = spec.header(HttpHeaders.AUTHORIZATION, caller.bearer());
                }
                Map<String, Object> page = spec.exchange().expectStatus().isOk().expectBody(MAP).returnResult().getResponseBody();
                // Even the owner sees only the public ones here: this is the profile's list, not "my projects".
                assertThat(ids(page)).containsExactly(second, first);
            }
        }
        Map<String, Object> byGenre = api.http().get().uri("/api/users/{id}/projects?genre=a", author.id()).exchange()
                .expectStatus().isOk().expectBody(MAP).returnResult().getResponseBody();
        assertThat(ids(byGenre)).containsExactly(first);
        assertProblem(api.http().get().uri("/api/users/{id}/projects", UUID.randomUUID()).exchange(), 404, "NOT_FOUND");
        assertProblem(api.http().get().uri("/api/users/{id}/projects?sort=nope", author.id()).exchange(), 400, "VALIDATION_FAILED");
    }
}
