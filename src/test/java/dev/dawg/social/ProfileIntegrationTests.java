package dev.dawg.social;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;

import dev.dawg.support.Api;
import dev.dawg.support.Api.User;
import dev.dawg.support.IntegrationTest;

import static dev.dawg.support.Api.MAP;
import static dev.dawg.support.Api.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/** Public profiles with follows: found by username or id, with exact counts and whether the caller follows. */
@IntegrationTest
class ProfileIntegrationTests {

    @Autowired
    Api api;

    @Test
    void shouldShowProfileCountsAndWhetherTheCallerFollows() {
        User star = api.signUp();
        User fan = api.signUp();
        api.createProject(star, Map.of("visibility", "public"));
        api.createProject(star, Map.of("visibility", "private"));
        api.createProject(star, Map.of("visibility", "unlisted"));
        api.http().put().uri("/api/users/{id}/follow", star.id()).header(HttpHeaders.AUTHORIZATION, fan.bearer()).exchange().expectStatus().isOk();
        api.http().put().uri("/api/users/{id}/follow", fan.id()).header(HttpHeaders.AUTHORIZATION, star.bearer()).exchange().expectStatus().isOk();

        for (Object who : List.of(star.username(), star.id())) {
            Map<String, Object> asFan = api.http().get().uri("/api/users/{u}", who).header(HttpHeaders.AUTHORIZATION, fan.bearer()).exchange()
                    .expectStatus().isOk().expectBody(MAP).returnResult().getResponseBody();
            assertThat(asFan).containsEntry("id", star.id().toString()).containsEntry("username", star.username())
                    .containsEntry("publicProjectCount", 1).containsEntry("followerCount", 1).containsEntry("followingCount", 1)
                    .containsEntry("followedByMe", true).containsKeys("displayName", "bio", "avatarUrl", "createdAt").doesNotContainKey("email");
        }
        Map<String, Object> anonymous = api.http().get().uri("/api/users/{u}", star.username()).exchange()
                .expectStatus().isOk().expectBody(MAP).returnResult().getResponseBody();
        assertThat(anonymous).containsEntry("followedByMe", false).containsEntry("followerCount", 1);
        // An API key of any scope still reads a profile, as before follows existed.
        String assetKey = api.createApiKey(fan, List.of("assets:read"));
        api.http().get().uri("/api/users/{u}", star.username()).header("X-API-Key", assetKey).exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.followedByMe").isEqualTo(true);
        assertProblem(api.http().get().uri("/api/users/{u}", UUID.randomUUID()).exchange(), 404, "NOT_FOUND");
    }
}
