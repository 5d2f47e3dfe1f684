package dev.dawg.auth;

import java.util.Map;

import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.dawg.support.Api;
import dev.dawg.support.IntegrationTest;

import static dev.dawg.support.Api.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sign-up, sign-in and refresh limits, with small values of their own; counted in Redis before any password is
 * hashed or token spent (a sign-in's failures are counted: a successful one gives its attempt back). Each test calls from its own loopback address, so per-address budgets do not mix.
 */
@IntegrationTest
@TestPropertySource(properties = { "dawg.rate-limit.login=3", "dawg.rate-limit.login-per-ip=6",
        "dawg.rate-limit.login-per-account=10", "dawg.rate-limit.register=3",
        "dawg.rate-limit.register-per-account=2", "dawg.rate-limit.refresh=3", "dawg.rate-limit.refresh-per-account=2" })
public class RateLimitIntegrationTests {

    @Autowired
    Api api;

    @Autowired
    DatabaseClient db;

    static WebTestClient.ResponseSpec login(Api caller, String login, String password) {
        return caller.http().post().uri("/api/auth/login").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("login", login, "password", password)).exchange();
    }

    static WebTestClient.ResponseSpec register(Api caller, String email, String username) {
        return caller.http().post().uri("/api/auth/register").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("email", email, "username", username, "password", Api.PASSWORD)).exchange();
    }

    static WebTestClient.ResponseSpec refresh(Api caller, String refreshToken) {
        return caller.http().post().uri("/api/auth/refresh").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("refreshToken", refreshToken)).exchange();
    }

    /** A 429 problem with {@code Retry-After} within the window and the {@code RateLimit-*} headers of the limit hit. */
    static void assertLimited(WebTestClient.ResponseSpec response, int limit, int windowSeconds) {
        response.expectHeader().value("Retry-After", value -> assertThat(Integer.parseInt(value)).isBetween(1, windowSeconds))
                .expectHeader().valueEquals("RateLimit-Limit", Integer.toString(limit))
                .expectHeader().valueEquals("RateLimit-Remaining", "0")
                .expectHeader().value("RateLimit-Reset", value -> assertThat(Integer.parseInt(value)).isBetween(1, windowSeconds));
        assertProblem(response, 429, "RATE_LIMITED");
    }

    @Test
    void shouldLimitLoginAttemptsPerAccountWhetherNamedByEmailOrUsername() {
        Api caller = api.fromAnotherAddress();
        Api.User user = caller.signUp();
        for (int attempt = 1; attempt <= 3; attempt++) {
            login(caller, user.username(), "wrong password!").expectStatus().isUnauthorized();
        }
        // The email is the same account as the username: its budget is spent too.
        assertLimited(login(caller, user.email().toUpperCase(), "wrong password!"), 3, 60);

        // Even the right password waits: the counter is checked before the password is.
        assertProblem(login(caller, user.username(), Api.PASSWORD), 429, "RATE_LIMITED");
    }

    @Test
    void shouldLetTheOwnerSignInFromTheirUsualAddressWhileOthersGuessTheirPassword() {
        Api owner = api.fromAnotherAddress();
        Api.User user = owner.signUp();
        owner.login(user.username(), Api.PASSWORD);

        // 15 wrong guesses from 5 addresses, each within its own per-address budgets.
        for (int address = 1; address <= 5; address++) {
            Api attacker = api.fromAnotherAddress();
            for (int guess = 1; guess <= 3; guess++) {
                login(attacker, user.username(), "wrong password!")
                        .expectStatus().value(status -> assertThat(status).isIn(401, 429));
            }
        }

        // The owner, from the address they signed in from before, with the right password.
        login(owner, user.email(), Api.PASSWORD).expectStatus().isOk();
    }

    @Test
    void shouldBoundWrongGuessesAtOneAccountFromManyAddresses() {
        Api.User user = api.fromAnotherAddress().signUp();
        int checked = 0;
        // 4 addresses × 3 guesses: each address stays within its own budget; the account's is 10 an hour.
        for (int address = 1; address <= 4; address++) {
            Api attacker = api.fromAnotherAddress();
            for (int guess = 1; guess <= 3; guess++) {
                WebTestClient.ResponseSpec answer = login(attacker, user.username(), "wrong password!");
                if (checked < 10) {
                    answer.expectStatus().isUnauthorized();
                    checked++;
                }
                else {
                    assertLimited(answer, 10, 3600);
                }
            }
        }
        // The budget also holds for the right password from an address that never signed in to the account
        // (refused before the password is looked at): the price of bounding guesses from everywhere.
        assertLimited(login(api.fromAnotherAddress(), user.username(), Api.PASSWORD), 10, 3600);
    }

    @Test
    void shouldCountFailedSignInsNotSuccessfulOnes() {
        Api owner = api.fromAnotherAddress();
        Api.User user = owner.signUp();
        // More sign-ins than the per-account budget of 3 (the per-address budget is 6).
        for (int signIn = 1; signIn <= 5; signIn++) {
            login(owner, user.username(), Api.PASSWORD).expectStatus().isOk();
        }
    }

    @Test
    void shouldLimitLoginAttemptsPerAddressAcrossAccounts() {
        Api caller = api.fromAnotherAddress();
        for (int attempt = 1; attempt <= 6; attempt++) {
            login(caller, "nobody_" + attempt + "_" + Api.uniqueName("x"), "wrong password!").expectStatus().isUnauthorized();
        }
        assertLimited(login(caller, Api.uniqueName("nobody"), "wrong password!"), 6, 60);
        // Another address is not affected.
        login(api.fromAnotherAddress(), Api.uniqueName("nobody"), "wrong password!").expectStatus().isUnauthorized();
    }

    @Test
    void shouldReportRemainingAttemptsOnSuccess() {
        Api caller = api.fromAnotherAddress();
        Api.User user = caller.signUp();
        login(caller, user.email(), Api.PASSWORD)
                .expectStatus().isOk()
                .expectHeader().valueEquals("RateLimit-Limit", "3")
                .expectHeader().valueEquals("RateLimit-Remaining", "2");
    }

    @Test
    void shouldLimitRegistrationsPerAddressAndCreateNothingWhenLimited() {
        Api caller = api.fromAnotherAddress();
        for (int registration = 1; registration <= 3; registration++) {
            caller.signUp();
        }
        String refused = Api.uniqueName("refused");
        assertLimited(register(caller, refused + "@example.test", refused), 3, 3600);
        assertProblem(api.http().get().uri("/api/users/{username}", refused).exchange(), 404, "NOT_FOUND");
    }

    @Test
    void shouldLimitRegistrationsPerEmailAndPerUsernameFromAnyAddress() {
        Api.User taken = api.fromAnotherAddress().signUp();
        // Counted case-insensitively, as the accounts are unique.
        assertProblem(register(api.fromAnotherAddress(), taken.email().toUpperCase(), Api.uniqueName("other")), 409, "CONFLICT");
        assertLimited(register(api.fromAnotherAddress(), taken.email(), Api.uniqueName("other")), 2, 3600);

        assertProblem(register(api.fromAnotherAddress(), Api.uniqueName("x") + "@example.test", taken.username().toUpperCase()),
                409, "CONFLICT");
        assertLimited(register(api.fromAnotherAddress(), Api.uniqueName("y") + "@example.test", taken.username()), 2, 3600);
    }

    @Test
    void shouldLimitRefreshesPerAddress() {
        Api caller = api.fromAnotherAddress();
        for (int attempt = 1; attempt <= 3; attempt++) {
            assertProblem(refresh(caller, "rt_not-a-token-" + attempt), 401, "UNAUTHORIZED");
        }
        assertLimited(refresh(caller, "rt_not-a-token"), 3, 60);
    }

    @Test
    void shouldLimitRefreshesPerUserFromAnyAddressWithoutSpendingTheToken() {
        Api.User user = api.fromAnotherAddress().signUp();
        String second = (String) refresh(api.fromAnotherAddress(), user.refreshToken()).expectStatus().isOk()
                .expectBody(Api.MAP).returnResult().getResponseBody().get("refreshToken");
        String third = (String) refresh(api.fromAnotherAddress(), second).expectStatus().isOk()
                .expectBody(Api.MAP).returnResult().getResponseBody().get("refreshToken");

        assertLimited(refresh(api.fromAnotherAddress(), third), 2, 60);
        // Refused before it was spent: the token still works once the minute is over.
        db.sql("SELECT used_at IS NULL AS unused FROM refresh_tokens WHERE token_hash = :hash")
                .bind("hash", SecretTokens.sha256(third))
                .map(row -> row.get("unused", Boolean.class))
                .one()
                .as(StepVerifier::create)
                .expectNext(true)
                .verifyComplete();
    }
}
