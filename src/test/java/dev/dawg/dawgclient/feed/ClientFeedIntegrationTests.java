package dev.dawg.dawgclient.feed;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.dawg.sharing.SocialFixtures;
import dev.dawg.support.Api;
import dev.dawg.support.Api.User;
import dev.dawg.support.IntegrationTest;

import static dev.dawg.dawgclient.session.DawgClientReplay.assertClientError;
import static org.assertj.core.api.Assertions.assertThat;

/** The DAWG client's feed view, following filter and trending section (apiClient.getFeed, getTrending). */
@IntegrationTest
class ClientFeedIntegrationTests {

    private static final String BASE = "/dawg-client/api";

    @Autowired
    Api api;

    @Autowired
    DatabaseClient db;

    SocialFixtures fixtures;

    @BeforeEach
    void fixtures() {
        fixtures = new SocialFixtures(api, db);
    }

    private Map<String, Object> get(User caller, String uri) {
        WebTestClient.RequestHeadersSpec<?> request = api.http().get().uri(BASE + uri);
        if (caller != null) {
            request = request.header(HttpHeaders.AUTHORIZATION, caller.bearer());
        }
        return request.exchange().expectStatus().isOk().expectBody(Api.MAP).returnResult().getResponseBody();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> projects(Map<String, Object> body) {
        return (List<Map<String, Object>>) body.get("projects");
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldPageTheFollowingFeedByNumberWithTheItemsTheClientReads() {
        User author = api.signUp();
        User fan = api.signUp();
        UUID first = fixtures.project(author, "public");
        UUID second = fixtures.project(author, "public");
        UUID third = fixtures.project(author, "public");
        fixtures.project(author, "private");
        fixtures.project(author, "unlisted");
        api.http().put().uri("/api/users/{id}/follow", author.id()).header(HttpHeaders.AUTHORIZATION, fan.bearer()).exchange()
                .expectStatus().isOk();
        api.http().post().uri("/api/projects/{id}/like", second).header(HttpHeaders.AUTHORIZATION, fan.bearer()).exchange()
                .expectStatus().isOk();

        Map<String, Object> page1 = get(fan, "/feed?page=1&limit=2&sort=recent&filter=following");
        assertThat(projects(page1)).extracting(project -> project.get("id")).containsExactly(third.toString(), second.toString());
        assertThat((Map<String, Object>) page1.get("pagination")).containsEntry("page", 1).containsEntry("limit", 2).containsEntry("hasMore", true);
        Map<String, Object> liked = projects(page1).get(1);
        assertThat(liked).containsEntry("isLiked", true).containsEntry("isPublic", true).containsEntry("isUnlisted", false)
                .containsEntry("previewAudioUrl", null).containsKeys("title", "bpm", "createdAt", "updatedAt");
        assertThat((Map<String, Object>) liked.get("author")).containsEntry("id", author.id().toString())
                .containsEntry("username", author.username());
        assertThat((Map<String, Object>) liked.get("stats")).containsEntry("likes", 1).containsEntry("comments", 0)
                .containsEntry("remixes", 0).containsEntry("views", 0);

        Map<String, Object> page2 = get(fan, "/feed?page=2&limit=2&sort=recent&filter=following");
        assertThat(projects(page2)).extracting(project -> project.get("id")).containsExactly(first.toString());
        assertThat((Map<String, Object>) page2.get("pagination")).containsEntry("hasMore", false);

        assertThat(projects(get(fan, "/feed?limit=100&sort=popular&filter=following")).get(0)).containsEntry("id", second.toString());
        assertClientError(api.http().get().uri(BASE + "/feed?filter=following").exchange(), 401, "UNAUTHORIZED");
        assertClientError(api.http().get().uri(BASE + "/feed?sort=oldest").exchange(), 400, "VALIDATION_FAILED");
        assertClientError(api.http().get().uri(BASE + "/feed?page=0").exchange(), 400, "VALIDATION_FAILED");
    }

    @Test
    void shouldServeTrendingForThePeriodItAsksAndTheDayForWhatIsNoPeriod() {
        User author = api.signUp();
        User fan = api.signUp();
        UUID hot = fixtures.project(author, "public");
        UUID secret = fixtures.project(author, "private");
        api.http().post().uri("/api/projects/{id}/like", hot).header(HttpHeaders.AUTHORIZATION, fan.bearer()).exchange().expectStatus().isOk();
        api.http().post().uri("/api/projects/{id}/like", secret).header(HttpHeaders.AUTHORIZATION, author.bearer()).exchange()
                .expectStatus().isOk();

        for (String period : List.of("24h", "7d", "30d")) {
            Map<String, Object> body = get(null, "/feed/trending?period=" + period + "&limit=50");
            assertThat(body).containsEntry("period", period);
            assertThat(projects(body)).isNotEmpty().extracting(project -> project.get("id")).doesNotContain(secret.toString());
            assertThat(projects(body)).allSatisfy(project -> assertThat(project).containsKeys("trendingScore", "stats", "author", "isLiked"));
        }
        // The client's trending section sends its options object as the period: the day's ranking, as 24h gives it.
        // (Whether the hot project is among the top 20 depends on what other tests of this run liked today.)
        Map<String, Object> body = get(fan, "/feed/trending?period=%5Bobject%20Object%5D&limit=20");
        assertThat(body).containsEntry("period", "24h");
        assertThat(projects(body)).extracting(project -> project.get("id"))
                .isEqualTo(projects(get(fan, "/feed/trending?period=24h&limit=20")).stream().map(project -> project.get("id")).toList());
        assertClientError(api.http().get().uri(BASE + "/feed/trending?limit=51").exchange(), 400, "VALIDATION_FAILED");
    }
}
