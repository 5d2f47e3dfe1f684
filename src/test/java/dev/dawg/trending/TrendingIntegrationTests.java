package dev.dawg.trending;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import reactor.core.publisher.Flux;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;

import dev.dawg.events.ProjectActivity;
import dev.dawg.support.Api;
import dev.dawg.support.IntegrationTest;

import static dev.dawg.support.Api.MAP;
import static dev.dawg.support.Api.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@IntegrationTest
class TrendingIntegrationTests {

    @Autowired
    Api api;

    @Autowired
    DatabaseClient db;

    @Autowired
    TrendingRanking ranking;

    private String publicProject(Api.User owner, String title) {
        return (String) api.createProject(owner, Map.of("title", title, "visibility", "public")).get("id");
    }

    private void like(Api.User user, String project) {
        api.http().post().uri("/api/projects/" + project + "/like").header(HttpHeaders.AUTHORIZATION, user.bearer()).exchange()
                .expectStatus().is2xxSuccessful();
    }

    private void comment(Api.User user, String project) {
        api.http().post().uri("/api/projects/" + project + "/comments").header(HttpHeaders.AUTHORIZATION, user.bearer())
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("text", "nice")).exchange().expectStatus().isCreated();
    }

    /** Every item of a period's ranking, page by page, as the API answers them. */
    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> ranking(String period, Api.User caller) {
        List<Map<String, Object>> items = new ArrayList<>();
        String cursor = null;
        do {
            var request = api.http().get().uri("/api/feed/trending?period=" + period + "&limit=100" + (cursor == null ? "" : "&cursor=" + cursor));
            if (caller != null) {
                request = request.header(HttpHeaders.AUTHORIZATION, caller.bearer());
            }
            Map<String, Object> page = request.exchange().expectStatus().isOk().expectBody(MAP).returnResult().getResponseBody();
            assertThat(page).containsEntry("period", period);
            items.addAll((List<Map<String, Object>>) page.get("items"));
            cursor = (String) page.get("nextCursor");
        }
        while (cursor != null);
        return items;
    }

    @SuppressWarnings("unchecked")
    private static List<String> idsAmong(List<Map<String, Object>> items, List<String> ours) {
        return items.stream().map(item -> (String) ((Map<String, Object>) item.get("project")).get("id")).filter(ours::contains).toList();
    }

    @Test
    void shouldRankPublicProjectsByWeightedActivityWithAuthorAndTheCallersLike() {
        Api.User owner = api.signUp();
        Api.User fan = api.signUp();
        Api.User other = api.signUp();
        String twoLikes = publicProject(owner, "Two likes");
        String commentAndPlay = publicProject(owner, "Comment and play");
        String onePlay = publicProject(owner, "One play");
        String secret = (String) api.createProject(owner, Map.of("title", "Secret")).get("id");
        String deleted = publicProject(owner, "Deleted");
        like(fan, twoLikes);
        like(other, twoLikes);
        comment(fan, commentAndPlay);
        api.http().post().uri("/api/projects/" + commentAndPlay + "/plays").exchange().expectStatus().isNoContent();
        api.http().post().uri("/api/projects/" + onePlay + "/plays").exchange().expectStatus().isNoContent();
        like(owner, secret);
        comment(owner, secret);
        for (Api.User user : List.of(fan, other)) {
            like(user, deleted);
            comment(user, deleted);
        }
        api.http().delete().uri("/api/projects/" + deleted).header(HttpHeaders.AUTHORIZATION, owner.bearer()).exchange()
                .expectStatus().isNoContent();
        List<String> ours = List.of(twoLikes, commentAndPlay, onePlay, secret, deleted);

        // Written by the node's periodic flush (every 2 s): no test hook between the likes and the ranking.
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(idsAmong(ranking("day", fan), ours)).containsExactly(twoLikes, commentAndPlay, onePlay));
        assertThat(idsAmong(ranking("week", null), ours)).containsExactly(twoLikes, commentAndPlay, onePlay);
        assertThat(idsAmong(ranking("month", null), ours)).containsExactly(twoLikes, commentAndPlay, onePlay);

        Map<String, Object> top = ranking("day", fan).stream()
                .filter(item -> twoLikes.equals(((Map<?, ?>) item.get("project")).get("id"))).findFirst().orElseThrow();
        assertThat(top).containsEntry("likedByMe", true);
        assertThat((Map<String, Object>) top.get("author")).containsEntry("id", owner.id().toString())
                .containsEntry("username", owner.username());
        assertThat(((Number) top.get("score")).doubleValue()).isBetween(5.9, 6.0);
        Map<String, Object> asOwner = ranking("day", owner).stream()
                .filter(item -> twoLikes.equals(((Map<?, ?>) item.get("project")).get("id"))).findFirst().orElseThrow();
        assertThat(asOwner).containsEntry("likedByMe", false);
    }

    @Test
    void shouldWeighEveryOneOfManyConcurrentLikesExactly() {
        Api.User owner = api.signUp();
        String project = publicProject(owner, "Burst");
        List<Api.User> fans = Flux.range(0, 100).map(i -> api.signUp()).collectList().block();
        Flux.fromIterable(fans).flatMap(fan -> api.http().post().uri("/api/projects/" + project + "/like")
                .header(HttpHeaders.AUTHORIZATION, fan.bearer()).exchange().returnResult(Void.class).getResponseBody().then(), 32)
                .blockLast();

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            Map<String, Object> item = ranking("day", null).stream()
                    .filter(candidate -> project.equals(((Map<?, ?>) candidate.get("project")).get("id"))).findFirst().orElseThrow();
            // 100 likes of weight 3, decayed by the seconds since they were written (6 h half-life).
            assertThat(((Number) item.get("score")).doubleValue()).isBetween(299.5, 300.0);
        });
    }

    @Test
    void shouldLetOldActivityWeighLessTheShorterThePeriod() {
        Api.User owner = api.signUp();
        UUID yesterdays = UUID.fromString(publicProject(owner, "Yesterday's hit"));
        UUID todays = UUID.fromString(publicProject(owner, "Today's"));
        Instant now = Instant.now();
        // Ten likes a day ago, one like and one play now.
        TrendingScores dayAgo = new TrendingScores(db, Duration.ofHours(1), Clock.fixed(now.minus(Duration.ofDays(1)).plusSeconds(60), ZoneOffset.UTC));
        for (int i = 0; i < 10; i++) {
            dayAgo.happened(yesterdays, ProjectActivity.Kind.LIKE);
        }
        dayAgo.flush().block();
        TrendingScores current = new TrendingScores(db, Duration.ofHours(1), Clock.fixed(now, ZoneOffset.UTC));
        current.happened(todays, ProjectActivity.Kind.LIKE);
        current.happened(todays, ProjectActivity.Kind.PLAY);
        assertThat(current.flush().block()).isEqualTo(1);
        List<String> ours = List.of(yesterdays.toString(), todays.toString());

        // A day is four half-lives of the day's ranking: 30 → 1.9 < 4. In the week's (2 days) 30 → 21 > 4.
        assertThat(idsOf(TrendingPeriod.DAY, now, ours)).containsExactly(todays.toString(), yesterdays.toString());
        assertThat(idsOf(TrendingPeriod.WEEK, now, ours)).containsExactly(yesterdays.toString(), todays.toString());
        assertThat(idsOf(TrendingPeriod.MONTH, now, ours)).containsExactly(yesterdays.toString(), todays.toString());
        // Past the day's window, yesterday's activity is out of the day's ranking altogether.
        assertThat(idsOf(TrendingPeriod.DAY, now.plus(Duration.ofMinutes(2)), ours)).containsExactly(todays.toString());
    }

    @SuppressWarnings("unchecked")
    private List<String> idsOf(TrendingPeriod period, Instant now, List<String> ours) {
        List<String> ids = new ArrayList<>();
        TrendingRanking.After after = null;
        while (true) {
            List<TrendingRanking.Item> page = ranking.page(period, Optional.empty(), after, 100, now).block();
            page.forEach(item -> ids.add(((Map<String, Object>) item.view().get("project")).get("id").toString()));
            if (page.size() < 100) {
                return ids.stream().filter(ours::contains).toList();
            }
            after = page.get(page.size() - 1).position();
        }
    }

    @Test
    void shouldRefuseAnUnknownPeriodAndATamperedCursor() {
        assertProblem(api.http().get().uri("/api/feed/trending?period=year").exchange(), 400, "VALIDATION_FAILED");
        assertProblem(api.http().get().uri("/api/feed/trending?cursor=" + java.util.Base64.getUrlEncoder().encodeToString("NaN\u001fx".getBytes()))
                .exchange(), 400, "VALIDATION_FAILED");
        assertProblem(api.http().get().uri("/api/feed/trending?cursor=%%%").exchange(), 400, "VALIDATION_FAILED");
        api.http().get().uri("/api/feed/trending").exchange().expectStatus().isOk().expectBody(MAP)
                .value(page -> assertThat(page).containsEntry("period", "week"));
    }
}
