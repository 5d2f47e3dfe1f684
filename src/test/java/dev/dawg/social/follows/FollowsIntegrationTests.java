package dev.dawg.social.follows;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;

import dev.dawg.support.Api;
import dev.dawg.support.Api.User;
import dev.dawg.support.IntegrationTest;

import static dev.dawg.support.Api.MAP;
import static dev.dawg.support.Api.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/** Follows: idempotent follow and unfollow, exact counts under concurrency, the public lists, and the refusals. */
@IntegrationTest
class FollowsIntegrationTests {

    @Autowired
    Api api;
    @Autowired
    DatabaseClient db;

    WebTestClient.ResponseSpec follow(User caller, Object target) {
        return send(HttpMethod.PUT, caller, target);
    }

    WebTestClient.ResponseSpec unfollow(User caller, Object target) {
        return send(HttpMethod.DELETE, caller, target);
    }

    WebTestClient.ResponseSpec send(HttpMethod method, User caller, Object target) {
        WebTestClient.RequestBodySpec spec = api.http().method(method).uri("/api/users/{id}/follow", target);
        if (caller != null) {
            spec = spec.header(HttpHeaders.AUTHORIZATION, caller.bearer());
        }
        return spec.exchange();
    }

    Map<String, Object> get(String uri) {
        return api.http().get().uri(uri).exchange().expectStatus().isOk().expectBody(MAP).returnResult().getResponseBody();
    }

    @Test
    void shouldFollowAndUnfollowIdempotentlyWithTheFollowedUsersCounts() {
        User ada = api.signUp();
        User bob = api.signUp();

        follow(ada, bob.id()).expectStatus().isOk().expectHeader().exists("RateLimit-Remaining")
                .expectBody().json("{\"following\": true, \"followerCount\": 1, \"followingCount\": 0}");
        follow(ada, bob.id()).expectStatus().isOk().expectBody().json("{\"following\": true, \"followerCount\": 1, \"followingCount\": 0}");
        // By username too: the same user.
        follow(bob, ada.username()).expectStatus().isOk().expectBody().json("{\"following\": true, \"followerCount\": 1, \"followingCount\": 1}");
        assertThat(counts(ada.id())).isEqualTo(List.of(1L, 1L));

        unfollow(ada, bob.id()).expectStatus().isOk().expectBody().json("{\"following\": false, \"followerCount\": 0, \"followingCount\": 1}");
        unfollow(ada, bob.id()).expectStatus().isOk().expectBody().json("{\"following\": false, \"followerCount\": 0, \"followingCount\": 1}");
        assertThat(counts(ada.id())).isEqualTo(List.of(1L, 0L));
        assertThat(rows("SELECT count(*) FROM follows WHERE follower_id = :id", ada.id())).isZero();
    }

    @Test
    void shouldRefuseFollowingYourselfUnknownUsersAndAnonymousCallers() {
        User ada = api.signUp();
        assertProblem(follow(ada, ada.id()), 409, "CONFLICT");
        assertProblem(follow(ada, ada.username()), 409, "CONFLICT");
        assertProblem(unfollow(ada, ada.id()), 409, "CONFLICT");
        assertProblem(follow(ada, UUID.randomUUID()), 404, "NOT_FOUND");
        assertProblem(unfollow(ada, UUID.randomUUID()), 404, "NOT_FOUND");
        assertProblem(follow(ada, "no_such_user_anywhere"), 404, "NOT_FOUND");
        assertProblem(follow(ada, "x' OR '1'='1"), 404, "NOT_FOUND");
        assertProblem(follow(null, ada.id()), 401, "UNAUTHORIZED");
        assertProblem(unfollow(null, ada.id()), 401, "UNAUTHORIZED");
        assertProblem(api.http().get().uri("/api/users/{id}/followers", UUID.randomUUID()).exchange(), 404, "NOT_FOUND");
        assertProblem(api.http().get().uri("/api/users/{id}/following", "nobody_here_at_all").exchange(), 404, "NOT_FOUND");
        // Nothing half-written: no row, no counter moved.
        assertThat(rows("SELECT count(*) FROM follows WHERE follower_id = :id OR followee_id = :id", ada.id())).isZero();
        assertThat(counts(ada.id())).isEqualTo(List.of(0L, 0L));
    }

    @Test
    void shouldLetAnApiKeyFollowOnlyWithTheSocialWriteScope() {
        User ada = api.signUp();
        User bob = api.signUp();
        String reader = api.createApiKey(ada, List.of("projects:read"));
        String writer = api.createApiKey(ada, List.of("social:write"));
        assertProblem(api.http().put().uri("/api/users/{id}/follow", bob.id()).header("X-API-Key", reader).exchange(), 403, "INSUFFICIENT_SCOPE");
        api.http().put().uri("/api/users/{id}/follow", bob.id()).header("X-API-Key", writer).exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.following").isEqualTo(true);
        // The lists are public: any key, or none.
        api.http().get().uri("/api/users/{id}/followers", bob.id()).header("X-API-Key", reader).exchange().expectStatus().isOk();
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldListFollowersAndFollowingNewestFirstInKeysetPagesWhileFollowsArrive() {
        User star = api.signUp();
        List<User> fans = IntStream.range(0, 5).mapToObj(i -> api.signUp()).toList();
        fans.forEach(fan -> follow(fan, star.id()).expectStatus().isOk());

        List<Object> seen = new ArrayList<>();
        Map<String, Object> page = get("/api/users/" + star.id() + "/followers?limit=2");
        ((List<Map<String, Object>>) page.get("items")).forEach(item -> seen.add(item.get("id")));
        // A new follower arrives before the cursor: the pages after it neither repeat nor skip anyone.
        User late = api.signUp();
        follow(late, star.id()).expectStatus().isOk();
        while (page.get("nextCursor") != null) {
            page = get("/api/users/" + star.id() + "/followers?limit=2&cursor=" + page.get("nextCursor"));
            ((List<Map<String, Object>>) page.get("items")).forEach(item -> seen.add(item.get("id")));
        }
        List<Object> expected = new ArrayList<>(fans.stream().map(fan -> (Object) fan.id().toString()).toList());
        java.util.Collections.reverse(expected);
        assertThat(seen).containsExactlyElementsOf(expected);

        Map<String, Object> first = ((List<Map<String, Object>>) get("/api/users/" + star.username() + "/followers?limit=1").get("items")).get(0);
        assertThat(first).containsEntry("id", late.id().toString()).containsEntry("username", late.username())
                .containsKeys("displayName", "avatarUrl", "followedAt").doesNotContainKey("email");

        Map<String, Object> following = get("/api/users/" + fans.get(0).id() + "/following");
        assertThat((List<Map<String, Object>>) following.get("items")).extracting(item -> item.get("id")).containsExactly(star.id().toString());
        assertThat(following).containsEntry("nextCursor", null);

        assertProblem(api.http().get().uri("/api/users/{id}/followers?cursor=garbage", star.id()).exchange(), 400, "VALIDATION_FAILED");
        assertProblem(api.http().get().uri("/api/users/{id}/followers?cursor={c}", star.id(),
                dev.dawg.platform.web.Pages.encodeCursor("yesterday", "nope")).exchange(), 400, "VALIDATION_FAILED");
        assertProblem(api.http().get().uri("/api/users/{id}/followers?limit=0", star.id()).exchange(), 400, "VALIDATION_FAILED");
    }

    /**
     * Two rounds of 200 concurrent calls over real HTTP: repeated follows of one star, repeated unfollows, and pairs
     * of users following each other at the same moment (which would deadlock were the two rows locked in call
     * order). Every counter ends equal to its rows and to what the calls, in any order, must leave.
     */
    @Test
    void shouldKeepCountsExactUnderTwoHundredConcurrentFollowsAndUnfollows() {
        User star = api.signUp();
        List<User> fans = IntStream.range(0, 50).mapToObj(i -> api.signUp()).toList();
        WebClient client = WebClient.create("http://localhost:" + api.port());

        List<Mono<Integer>> round1 = new ArrayList<>();
        for (int i = 0; i < fans.size(); i++) {
            User fan = fans.get(i);
            round1.add(call(client, HttpMethod.PUT, fan, star.id()));
            round1.add(call(client, HttpMethod.PUT, fan, star.id()));
            round1.add(call(client, HttpMethod.PUT, fan, fans.get((i + 1) % fans.size()).id()));
            round1.add(call(client, HttpMethod.PUT, fan, fans.get((i + fans.size() - 1) % fans.size()).id()));
        }
        assertThat(runAtOnce(round1)).hasSize(200).containsOnly(200);
        assertThat(counts(star.id())).isEqualTo(List.of(50L, 0L));
        fans.forEach(fan -> assertThat(counts(fan.id())).as(fan.username()).isEqualTo(List.of(2L, 3L)));

        List<Mono<Integer>> round2 = new ArrayList<>();
        for (int i = 0; i < fans.size(); i++) {
            User fan = fans.get(i);
            UUID next = fans.get((i + 1) % fans.size()).id();
            if (i % 2 == 0) {
                round2.add(call(client, HttpMethod.DELETE, fan, star.id()));
                round2.add(call(client, HttpMethod.DELETE, fan, star.id()));
            }
            else {
                round2.add(call(client, HttpMethod.PUT, fan, star.id()));
                round2.add(call(client, HttpMethod.PUT, fan, star.id()));
            }
            round2.add(call(client, HttpMethod.DELETE, fan, next));
            round2.add(call(client, HttpMethod.DELETE, fan, next));
        }
        assertThat(runAtOnce(round2)).hasSize(200).containsOnly(200);

        assertThat(counts(star.id())).isEqualTo(List.of(25L, 0L));
        assertThat(rows("SELECT count(*) FROM follows WHERE followee_id = :id", star.id())).isEqualTo(25L);
        for (int i = 0; i < fans.size(); i++) {
            User fan = fans.get(i);
            // Still followed by the next fan (who follows their previous one), still following the previous one, and the star when odd.
            assertThat(counts(fan.id())).as(fan.username()).isEqualTo(List.of(1L, i % 2 == 0 ? 1L : 2L));
            assertThat(rows("SELECT count(*) FROM follows WHERE follower_id = :id", fan.id())).isEqualTo(i % 2 == 0 ? 1L : 2L);
            assertThat(rows("SELECT count(*) FROM follows WHERE followee_id = :id", fan.id())).isEqualTo(1L);
        }
        Map<String, Object> profile = get("/api/users/" + star.username());
        assertThat(profile).containsEntry("followerCount", 25).containsEntry("followingCount", 0);
    }

    private static Mono<Integer> call(WebClient client, HttpMethod method, User caller, UUID target) {
        return client.method(method).uri("/api/users/{id}/follow", target).header(HttpHeaders.AUTHORIZATION, caller.bearer())
                .exchangeToMono(response -> response.releaseBody().thenReturn(response.statusCode().value()));
    }

    private static List<Integer> runAtOnce(List<Mono<Integer>> calls) {
        return Flux.fromIterable(calls).flatMap(call -> call, calls.size()).collectList().block(Duration.ofSeconds(120));
    }

    /** [followers, following] as stored on the user's row. */
    private List<Long> counts(UUID userId) {
        return db.sql("SELECT follower_count, following_count FROM users WHERE id = :id").bind("id", userId)
                .map(row -> List.of(row.get(0, Long.class), row.get(1, Long.class))).one().block(Duration.ofSeconds(10));
    }

    private long rows(String sql, UUID id) {
        return db.sql(sql).bind("id", id).map(row -> row.get(0, Long.class)).one().block(Duration.ofSeconds(10));
    }
}
