package dev.dawg.social.feed;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.dawg.platform.web.Pages;
import dev.dawg.support.Api;
import dev.dawg.support.Api.User;
import dev.dawg.support.IntegrationTest;

import static dev.dawg.support.Api.MAP;
import static dev.dawg.support.Api.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Trending: interactions raise a project's score as they happen (likes, comments, remixes), older activity weighs
 * less the shorter the period, only public projects with activity inside the period rank, and pages are keyset.
 */
@IntegrationTest
class TrendingIntegrationTests {

    @Autowired
    Api api;
    @Autowired
    DatabaseClient db;

    String project(User owner, String visibility, String genre) {
        return (String) api.createProject(owner, Map.of("visibility", visibility, "tags", List.of(genre))).get("id");
    }

    Map<String, Object> trending(User caller, String query) {
        WebTestClient.RequestHeadersSpec<?> spec = api.http().get().uri("/api/feed/trending?" + query);
        if (caller != null) {
            spec = spec.header(HttpHeaders.AUTHORIZATION, caller.bearer());
        }
        return spec.exchange().expectStatus().isOk().expectBody(MAP).returnResult().getResponseBody();
    }

    void like(User user, String projectId) {
        api.http().post().uri("/api/projects/{id}/like", projectId).header(HttpHeaders.AUTHORIZATION, user.bearer()).exchange().expectStatus().isOk();
    }

    @Test
    void shouldRankPublicProjectsByTheirActivityAsItHappens() {
        User author = api.signUp();
        User fan = api.signUp();
        User other = api.signUp();
        String genre = FeedIntegrationTests.uniqueGenre();
        String liked = project(author, "public", genre);
        String commented = project(author, "public", genre);
        String remixed = project(author, "public", genre);
        project(author, "public", genre);
        String hidden = project(author, "private", genre);
        String unlisted = project(author, "unlisted", genre);

        like(fan, liked);
        like(other, liked);
        like(fan, liked);
        api.http().post().uri("/api/projects/{id}/comments", commented).header(HttpHeaders.AUTHORIZATION, fan.bearer())
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("text", "great")).exchange().expectStatus().isCreated();
        api.http().post().uri("/api/projects/{id}/remix", remixed).header(HttpHeaders.AUTHORIZATION, fan.bearer()).exchange().expectStatus().isCreated();
        like(author, hidden);
        for (User user : List.of(fan, other, author)) {
            like(user, unlisted);
        }

        // Two likes (3 each) above a remix (5) above a comment (4); the quiet project and the non-public ones never rank.
        for (String period : List.of("day", "week", "month")) {
            Map<String, Object> page = trending(fan, "period=" + period + "&genre=" + genre);
            assertThat(FeedIntegrationTests.ids(page)).as(period).containsExactly(liked, remixed, commented);
            assertThat(FeedIntegrationTests.items(page).get(0)).containsEntry("likedByMe", true).containsEntry("likeCount", 2)
                    .doesNotContainKey("trendingScore");
        }
        assertThat(FeedIntegrationTests.ids(trending(null, "genre=" + genre))).containsExactly(liked, remixed, commented);

        // Keyset pages of one: the same order, nothing repeated.
        Map<String, Object> page = trending(null, "period=day&limit=1&genre=" + genre);
        List<Object> seen = new java.util.ArrayList<>(FeedIntegrationTests.ids(page));
        while (page.get("nextCursor") != null) {
            page = trending(null, "period=day&limit=1&genre=" + genre + "&cursor=" + page.get("nextCursor"));
            seen.addAll(FeedIntegrationTests.ids(page));
        }
        assertThat(seen).containsExactly(liked, remixed, commented);

        // Only from people the caller follows.
        assertThat(FeedIntegrationTests.ids(trending(fan, "following=true&genre=" + genre))).isEmpty();
        api.http().put().uri("/api/users/{id}/follow", author.id()).header(HttpHeaders.AUTHORIZATION, fan.bearer()).exchange().expectStatus().isOk();
        assertThat(FeedIntegrationTests.ids(trending(fan, "following=true&genre=" + genre))).containsExactly(liked, remixed, commented);
    }

    @Test
    void shouldDecayOlderActivityFasterInShorterPeriods() {
        User author = api.signUp();
        String genre = FeedIntegrationTests.uniqueGenre();
        String oldBurst = project(author, "public", genre);
        String freshLike = project(author, "public", genre);
        // Two likes' worth two days ago, against one like now.
        activity(oldBurst, 6, "2 days");
        activity(freshLike, 3, "0 seconds");
        activity(project(author, "public", genre), 30, "40 days");

        // A day: the burst is outside the period. A week (36 h decay): two days cost it more than half. A month
        // (7 d decay): it still outweighs the single like. Forty days ago is outside every period.
        assertThat(FeedIntegrationTests.ids(trending(null, "period=day&genre=" + genre))).containsExactly(freshLike);
        assertThat(FeedIntegrationTests.ids(trending(null, "period=week&genre=" + genre))).containsExactly(freshLike, oldBurst);
        assertThat(FeedIntegrationTests.ids(trending(null, "period=month&genre=" + genre))).containsExactly(oldBurst, freshLike);
    }

    /** Activity of the given weight some time ago, as the interaction triggers record it. */
    private void activity(String projectId, double weight, String ago) {
        db.sql("SELECT dawg_trend(:id, :weight, now() - CAST(:ago AS interval))").bind("id", UUID.fromString(projectId))
                .bind("weight", weight).bind("ago", ago).fetch().rowsUpdated().block(Duration.ofSeconds(10));
    }

    @Test
    void shouldRefuseBadParametersAsProblems() {
        assertProblem(api.http().get().uri("/api/feed/trending?period=year").exchange(), 400, "VALIDATION_FAILED");
        assertProblem(api.http().get().uri("/api/feed/trending?following=true").exchange(), 401, "UNAUTHORIZED");
        String weekCursor = Pages.encodeCursor("trending:week", "1.5", UUID.randomUUID().toString());
        assertProblem(api.http().get().uri("/api/feed/trending?period=day&cursor=" + weekCursor).exchange(), 400, "VALIDATION_FAILED");
        assertProblem(api.http().get().uri("/api/feed/trending?cursor=" + Pages.encodeCursor("trending:week", "NaN", UUID.randomUUID().toString()))
                .exchange(), 400, "VALIDATION_FAILED");
        assertProblem(api.http().get().uri("/api/feed?cursor=" + weekCursor).exchange(), 400, "VALIDATION_FAILED");
        api.http().get().uri("/api/feed/trending?cursor=" + weekCursor).exchange().expectStatus().isOk();
    }
}
