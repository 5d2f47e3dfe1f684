package dev.dawg.dawgclient.session;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.dawg.dawgclient.session.DawgClientReplay.Musician;
import dev.dawg.support.Api;
import dev.dawg.support.IntegrationTest;

import static dev.dawg.dawgclient.session.DawgClientReplay.BASE;
import static dev.dawg.dawgclient.session.DawgClientReplay.PASSWORD;
import static dev.dawg.dawgclient.session.DawgClientReplay.assertClientError;
import static dev.dawg.dawgclient.session.DawgClientReplay.musician;
import static dev.dawg.dawgclient.session.DawgClientReplay.refreshCookieHeaders;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Replays the DAWG client's session calls (AuthScreen, authService.checkAuth at start-up, logout) against the dialect,
 * same-origin, and checks what the client then reads.
 */
@IntegrationTest
class ClientSessionIntegrationTests {

    @Autowired
    Api api;
    @Autowired
    DatabaseClient db;

    DawgClientReplay client;

    @BeforeEach
    void setUp() {
        client = new DawgClientReplay(api);
    }

    @Test
    void shouldRegisterAsAuthScreenDoesAndAnswerTheUserAndAccessToken() {
        String username = Api.uniqueName("reg");
        WebTestClient.ResponseSpec answer = client.register(username + "@example.test", username, PASSWORD, "Night Owl")
                .expectStatus().isCreated()
                .expectHeader().valueEquals(HttpHeaders.CACHE_CONTROL, "no-store");
        answer.expectBody()
                .jsonPath("$.user.id").isNotEmpty()
                .jsonPath("$.user.username").isEqualTo(username)
                .jsonPath("$.user.displayName").isEqualTo("Night Owl")
                .jsonPath("$.user.email").isEqualTo(username + "@example.test")
                .jsonPath("$.accessToken").isNotEmpty()
                .jsonPath("$.refreshToken").doesNotExist()
                .jsonPath("$.user.passwordHash").doesNotExist();
        List<String> cookies = refreshCookieHeaders(answer);
        assertThat(cookies).singleElement().satisfies(cookie -> assertThat(cookie)
                .contains("Path=" + BASE + "/auth", "SameSite=Strict").containsIgnoringCase("HttpOnly").doesNotContain("SameSite=None"));
    }

    @Test
    void shouldLogInWithEmailAndPasswordAndKeepTheUserAcrossAReload() {
        Musician registered = client.signUp();
        WebTestClient.ResponseSpec answer = client.login(registered.email(), PASSWORD).expectStatus().isOk();
        Musician signedIn = musician(answer);
        assertThat(signedIn.id()).isEqualTo(registered.id());
        assertThat(signedIn.accessToken()).isNotBlank();

        // checkAuth at start-up: getCurrentUser() and setUser(response.user, accessToken).
        client.me(signedIn.bearer()).expectStatus().isOk().expectBody()
                .jsonPath("$.user.id").isEqualTo(registered.id().toString())
                .jsonPath("$.user.username").isEqualTo(registered.username())
                .jsonPath("$.user.displayName").isEqualTo(registered.username());
    }

    /**
     * The client refreshes only when a page loads (authService.checkAuth): its access tokens live
     * DAWG_CLIENT_ACCESS_TOKEN_TTL (24 h), or every save of a session longer than the native 15 minutes would fail.
     */
    @Test
    void shouldIssueAccessTokensThatOutlastASessionOfWorkWhileTheNativeApiKeepsItsOwn() {
        Musician musician = client.signUp();
        Map<String, Object> login = client.login(musician.email(), PASSWORD).expectStatus().isOk().expectBody(Api.MAP).returnResult()
                .getResponseBody();
        assertThat(login).containsEntry("expiresIn", 86_400);
        assertThat(lifetimeOf((String) login.get("accessToken"))).isEqualTo(java.time.Duration.ofHours(24));
        client.refresh(musician.refreshCookie(), null).expectStatus().isOk().expectBody().jsonPath("$.expiresIn").isEqualTo(86_400);

        Map<String, Object> nativeLogin = api.http().post().uri("/api/auth/login").contentType(org.springframework.http.MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("login", musician.username(), "password", PASSWORD)).exchange().expectStatus().isOk()
                .expectBody(Api.MAP).returnResult().getResponseBody();
        assertThat(lifetimeOf((String) nativeLogin.get("accessToken"))).isEqualTo(java.time.Duration.ofMinutes(15));
    }

    /** exp − iat of a JWT, read from its payload (the signature is the server's business). */
    private static java.time.Duration lifetimeOf(String jwt) {
        String payload = new String(java.util.Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), java.nio.charset.StandardCharsets.UTF_8);
        java.util.regex.Matcher exp = java.util.regex.Pattern.compile("\"exp\":(\\d+)").matcher(payload);
        java.util.regex.Matcher iat = java.util.regex.Pattern.compile("\"iat\":(\\d+)").matcher(payload);
        assertThat(exp.find() && iat.find()).as(payload).isTrue();
        return java.time.Duration.ofSeconds(Long.parseLong(exp.group(1)) - Long.parseLong(iat.group(1)));
    }

    @Test
    void shouldRefreshFromTheCookieAloneAndRotateIt() {
        Musician musician = client.signUp();
        WebTestClient.ResponseSpec answer = client.refresh(musician.refreshCookie(), musician.bearer()).expectStatus().isOk();
        Musician refreshed = musician(answer);
        assertThat(refreshed.id()).isEqualTo(musician.id());
        assertThat(refreshed.refreshCookie()).isNotEqualTo(musician.refreshCookie());
        client.me(refreshed.bearer()).expectStatus().isOk().expectBody().jsonPath("$.user.id").isEqualTo(musician.id().toString());

        // The spent cookie works no more; the rotated one does.
        assertClientError(client.refresh(musician.refreshCookie(), null), 401, "UNAUTHORIZED");
        client.refresh(refreshed.refreshCookie(), null).expectStatus().isOk();
    }

    @Test
    void shouldRefreshAndSignInWhateverStaleAccessTokenTheClientSendsAlong() {
        Musician musician = client.signUp();
        // checkAuth: getCurrentUser() failed with the expired token, and refreshToken() sends it again with the cookie.
        String stale = "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4IiwiZXhwIjoxfQ.c2lnbmF0dXJl";
        assertClientError(client.me(stale), 401, "UNAUTHORIZED");
        musician(client.refresh(musician.refreshCookie(), stale).expectStatus().isOk());
        api.http().post().uri(BASE + "/auth/login").header(HttpHeaders.AUTHORIZATION, stale)
                .contentType(org.springframework.http.MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("email", musician.email(), "password", PASSWORD)).exchange()
                .expectStatus().isOk();
    }

    @Test
    void shouldAnswerARefreshWithoutOrWithAnExpiredCookieWith401InTheClientsShape() {
        assertThat(assertClientError(client.refresh(null, null), 401, "UNAUTHORIZED")).contains("sign in");

        Musician musician = client.signUp();
        db.sql("UPDATE refresh_tokens SET expires_at = now() - interval '1 minute' WHERE token_hash = sha256(convert_to(:token, 'UTF8'))")
                .bind("token", musician.refreshCookie()).fetch().rowsUpdated().block();
        assertThat(assertClientError(client.refresh(musician.refreshCookie(), null), 401, "UNAUTHORIZED")).contains("expired");
        assertClientError(client.refresh("rt_no-such-token", null), 401, "UNAUTHORIZED");
    }

    @Test
    void shouldRefuseAWrongPasswordWith401AndAMessageTheClientShows() {
        Musician musician = client.signUp();
        String message = assertClientError(client.login(musician.email(), "Wrong horse 42"), 401, "UNAUTHORIZED");
        assertThat(message).isEqualTo("Wrong login or password");
        assertThat(assertClientError(client.login("nobody-" + musician.email(), "Wrong horse 42"), 401, "UNAUTHORIZED"))
                .isEqualTo(message);
    }

    @Test
    void shouldKeepOurPasswordRuleAndNameTheFieldInTheMessage() {
        String username = Api.uniqueName("short");
        // 9 characters with upper, lower and a digit: the client lets it through, our 10-character minimum does not.
        String message = assertClientError(client.register(username + "@example.test", username, "Abcdefg12", username), 400,
                "VALIDATION_FAILED");
        assertThat(message).startsWith("password: ").contains("10");
        assertClientError(client.login(username + "@example.test", PASSWORD), 401, "UNAUTHORIZED");
    }

    @Test
    void shouldRefuseTheNativeLoginBodyInTheDialect() {
        Musician musician = client.signUp();
        String message = assertClientError(api.http().post().uri(BASE + "/auth/login")
                .contentType(org.springframework.http.MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("login", musician.username(), "password", PASSWORD)).exchange(), 400, "VALIDATION_FAILED");
        assertThat(message).contains("email");
    }

    @Test
    void shouldLogOutEndingTheAccessTokenAndTheCookie() {
        Musician musician = client.signUp();
        WebTestClient.ResponseSpec answer = api.http().post().uri(BASE + "/auth/logout")
                .header(HttpHeaders.AUTHORIZATION, musician.bearer())
                .cookie(DawgClientReplay.COOKIE, musician.refreshCookie())
                .exchange()
                .expectStatus().isOk();
        assertThat(refreshCookieHeaders(answer)).singleElement()
                .satisfies(cookie -> assertThat(cookie).contains("Max-Age=0", "Path=" + BASE + "/auth"));
        assertClientError(client.me(musician.bearer()), 401, "UNAUTHORIZED");
        assertClientError(client.refresh(musician.refreshCookie(), null), 401, "UNAUTHORIZED");
    }

    @Test
    void shouldLogOutWithAnExpiredAccessTokenStillEndingTheRefreshFamily() {
        Musician musician = client.signUp();
        api.http().post().uri(BASE + "/auth/logout")
                .header(HttpHeaders.AUTHORIZATION, "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4IiwiZXhwIjoxfQ.c2lnbmF0dXJl")
                .cookie(DawgClientReplay.COOKIE, musician.refreshCookie())
                .exchange()
                .expectStatus().isOk();
        assertClientError(client.refresh(musician.refreshCookie(), null), 401, "UNAUTHORIZED");
        // The access token it did not name is untouched.
        client.me(musician.bearer()).expectStatus().isOk();
    }

    @Test
    void shouldAnswerMeWithoutATokenWith401InTheClientsShape() {
        assertClientError(api.http().get().uri(BASE + "/auth/me").exchange(), 401, "UNAUTHORIZED");
    }

    @Test
    void shouldAnswerTheLogoutMessageTheClientToasts() {
        Musician musician = client.signUp();
        api.http().post().uri(BASE + "/auth/logout").header(HttpHeaders.AUTHORIZATION, musician.bearer())
                .cookie(DawgClientReplay.COOKIE, musician.refreshCookie()).exchange()
                .expectStatus().isOk().expectBody().jsonPath("$.message").isEqualTo("Signed out");
    }
}
