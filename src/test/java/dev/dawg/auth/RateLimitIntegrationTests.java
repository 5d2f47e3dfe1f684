package dev.dawg.auth;

import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.dawg.support.Api;
import dev.dawg.support.IntegrationTest;

import static dev.dawg.support.Api.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/** Sign-in limits, with small values of their own; counted in Redis before any password is hashed. */
@IntegrationTest
@TestPropertySource(properties = { "dawg.rate-limit.login=3", "dawg.rate-limit.register=1000000" })
public class RateLimitIntegrationTests {

    @Autowired
    Api api;

    WebTestClient.ResponseSpec login(String login) {
        return api.http().post().uri("/api/auth/login").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("login", login, "password", "wrong password!")).exchange();
    }

    @Test
    void shouldLimitLoginAttemptsPerAccountWithRetryAfterAndRateLimitHeaders() {
        Api.User user = api.signUp();
        for (int attempt = 1; attempt <= 3; attempt++) {
            login(user.username()).expectStatus().isUnauthorized();
        }
        WebTestClient.ResponseSpec limited = login(user.username());
        limited.expectHeader().value("Retry-After", value -> assertThat(Integer.parseInt(value)).isBetween(1, 60))
                .expectHeader().valueEquals("RateLimit-Limit", "3")
                .expectHeader().valueEquals("RateLimit-Remaining", "0")
                .expectHeader().exists("RateLimit-Reset");
        assertProblem(limited, 429, "RATE_LIMITED");

        // Even the right password waits: the counter is checked before the password is.
        assertProblem(api.http().post().uri("/api/auth/login").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("login", user.username(), "password", Api.PASSWORD)).exchange(), 429, "RATE_LIMITED");
    }

    @Test
    void shouldReportRemainingAttemptsOnSuccess() {
        Api.User user = api.signUp();
        api.http().post().uri("/api/auth/login").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("login", user.email(), "password", Api.PASSWORD)).exchange()
                .expectStatus().isOk()
                .expectHeader().valueEquals("RateLimit-Limit", "3")
                .expectHeader().exists("RateLimit-Remaining");
    }
}
