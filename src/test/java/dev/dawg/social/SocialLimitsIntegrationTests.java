package dev.dawg.social;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.dawg.sharing.SocialFixtures;
import dev.dawg.support.Api;
import dev.dawg.support.Api.User;
import dev.dawg.support.IntegrationTest;

import static dev.dawg.support.Api.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The per-user budget of social writes, the play window and the play budget, with small values. */
@IntegrationTest
@TestPropertySource(properties = { "dawg.rate-limit.writes=4", "dawg.social.play-dedupe-window=1s",
        "dawg.social.play-rate-limit=" + SocialLimitsIntegrationTests.PLAYS_PER_MINUTE })
public class SocialLimitsIntegrationTests {

    static final int PLAYS_PER_MINUTE = 100;

    @Autowired
    Api api;
    @Autowired
    DatabaseClient db;

    SocialFixtures fixtures;

    @BeforeEach
    void setUp() {
        fixtures = new SocialFixtures(api, db);
    }

    @Test
    void shouldShareOneWriteBudgetBetweenLikesCommentsAndShareLinks() {
        User owner = api.signUp();
        User fan = api.signUp();
        UUID projectId = fixtures.project(owner, "public");
        api.http().post().uri("/api/projects/{id}/like", projectId).header(HttpHeaders.AUTHORIZATION, fan.bearer()).exchange()
                .expectStatus().isOk().expectHeader().valueEquals("RateLimit-Limit", "4").expectHeader().valueEquals("RateLimit-Remaining", "3");
        api.http().delete().uri("/api/projects/{id}/like", projectId).header(HttpHeaders.AUTHORIZATION, fan.bearer()).exchange()
                .expectStatus().isOk();
        comment(fan, projectId).expectStatus().isCreated();
        comment(fan, projectId).expectStatus().isCreated().expectHeader().valueEquals("RateLimit-Remaining", "0");
        WebTestClient.ResponseSpec limited = comment(fan, projectId);
        limited.expectHeader().exists(HttpHeaders.RETRY_AFTER).expectHeader().valueEquals("RateLimit-Remaining", "0");
        assertProblem(limited, 429, "RATE_LIMITED");
        assertProblem(api.http().post().uri("/api/projects/{id}/like", projectId).header(HttpHeaders.AUTHORIZATION, fan.bearer()).exchange(),
                429, "RATE_LIMITED");
        // Nothing is written past the limit.
        assertThat(fixtures.counters(projectId)).containsEntry("comments", 2L).containsEntry("likes", 0L);

        // The budget is per user: the owner still has theirs, and share links spend it too.
        for (int i = 0; i < 4; i++) {
            fixtures.share(owner, projectId, "view");
        }
        assertProblem(api.http().post().uri("/api/projects/{id}/shares", projectId).header(HttpHeaders.AUTHORIZATION, owner.bearer())
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("accessLevel", "view")).exchange(), 429, "RATE_LIMITED");
        assertThat(fixtures.count("SELECT count(*) FROM share_links WHERE project_id = :id", projectId)).isEqualTo(4);
    }

    @Test
    void shouldSpendTheWriteBudgetOnReportedSharesAndCountNoneBeyondIt() {
        User owner = api.signUp();
        User fan = api.signUp();
        UUID projectId = fixtures.project(owner, "public");
        for (int i = 0; i < 4; i++) {
            reportShare(fan, projectId).expectStatus().isOk().expectHeader().valueEquals("RateLimit-Remaining", String.valueOf(3 - i));
        }
        WebTestClient.ResponseSpec limited = reportShare(fan, projectId);
        limited.expectHeader().exists(HttpHeaders.RETRY_AFTER);
        assertProblem(limited, 429, "RATE_LIMITED");
        assertThat(fixtures.count("SELECT coalesce(sum(share_count), 0)::bigint FROM project_share_counts WHERE project_id = :id", projectId))
                .isEqualTo(4);
    }

    private WebTestClient.ResponseSpec reportShare(User user, UUID projectId) {
        return api.http().post().uri("/api/projects/{id}/share-events", projectId).header(HttpHeaders.AUTHORIZATION, user.bearer())
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("platform", "copy_link")).exchange();
    }

    @Test
    void shouldCountTheSameListenerAgainOnceTheWindowHasPassed() {
        User owner = api.signUp();
        UUID projectId = fixtures.project(owner, "public");
        play(projectId);
        play(projectId);
        assertThat(fixtures.counters(projectId)).containsEntry("plays", 1L);
        // Each poll is one more play: only a play after the 1 s window may count.
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).until(() -> {
            play(projectId);
            return fixtures.counters(projectId).get("plays") == 2L;
        });
    }

    @Test
    void shouldRefuseAnonymousPlaysFromOneAddressPastItsBudget() {
        User owner = api.signUp();
        UUID projectId = fixtures.project(owner, "public");
        UUID other = fixtures.project(owner, "public");
        Api listener = api.fromAnotherAddress();
        // Each request spends the budget, counted or not (the window dedupes the count, not the work).
        for (int i = 0; i < PLAYS_PER_MINUTE; i++) {
            listener.http().post().uri("/api/projects/{id}/plays", projectId).exchange().expectStatus().isNoContent();
        }

        WebTestClient.ResponseSpec refused = listener.http().post().uri("/api/projects/{id}/plays", other).exchange();
        refused.expectHeader().exists(HttpHeaders.RETRY_AFTER).expectHeader().valueEquals("RateLimit-Remaining", "0");
        assertProblem(refused, 429, "RATE_LIMITED");
        assertThat(fixtures.counters(other)).as("nothing counted past the budget").containsEntry("plays", 0L);

        // The budget is the address's: another address plays as before.
        api.fromAnotherAddress().http().post().uri("/api/projects/{id}/plays", other).exchange().expectStatus().isNoContent()
                .expectHeader().valueEquals("RateLimit-Limit", Integer.toString(PLAYS_PER_MINUTE));
        assertThat(fixtures.counters(other)).containsEntry("plays", 1L);
    }

    void play(UUID projectId) {
        api.http().post().uri("/api/projects/{id}/plays", projectId).exchange().expectStatus().isNoContent();
    }

    WebTestClient.ResponseSpec comment(User user, UUID projectId) {
        return api.http().post().uri("/api/projects/{id}/comments", projectId).header(HttpHeaders.AUTHORIZATION, user.bearer())
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("text", "nice")).exchange();
    }
}
