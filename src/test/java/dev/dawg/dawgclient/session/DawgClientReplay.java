package dev.dawg.dawgclient.session;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseCookie;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.dawg.support.Api;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The DAWG web client's calls as its API layer makes them ({@code client/src/services/api.js}): the dialect's base
 * path, {@code Content-Type: application/json} only when there is a body, {@code Authorization: Bearer} when it holds
 * a token, and the refresh cookie sent back as a browser does.
 */
public final class DawgClientReplay {

    public static final String BASE = "/dawg-client/api";
    public static final String COOKIE = "dawg_refresh";
    /** Passes our rules (10 characters at least) and the client's own (upper, lower and a digit, 8 at least). */
    public static final String PASSWORD = "Correct horse 42";

    private final WebTestClient http;

    public DawgClientReplay(Api api) {
        this.http = api.http();
    }

    /** A signed-in musician of the client: the user it stores, its access token and the refresh cookie it was set. */
    public record Musician(UUID id, String username, String email, String accessToken, String refreshCookie) {

        public String bearer() {
            return "Bearer " + accessToken;
        }
    }

    /** {@code authService.register} from AuthScreen: {email, username, password, displayName}. */
    public WebTestClient.ResponseSpec register(String email, String username, String password, String displayName) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("email", email);
        body.put("username", username);
        body.put("password", password);
        body.put("displayName", displayName);
        return http.post().uri(BASE + "/auth/register").contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }

    public Musician signUp() {
        String username = Api.uniqueName("musician");
        return musician(register(username + "@example.test", username, PASSWORD, username).expectStatus().isCreated());
    }

    /** {@code apiClient.login(email, password)} with {@code credentials: 'include'}. */
    public WebTestClient.ResponseSpec login(String email, String password) {
        return http.post().uri(BASE + "/auth/login").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("email", email, "password", password)).exchange();
    }

    /** {@code apiClient.refreshToken()}: no body, no Content-Type, the cookie (if any) and the bearer it still holds. */
    public WebTestClient.ResponseSpec refresh(String cookie, String bearer) {
        WebTestClient.RequestBodySpec request = http.post().uri(BASE + "/auth/refresh");
        if (cookie != null) {
            request = request.cookie(COOKIE, cookie);
        }
        if (bearer != null) {
            request = request.header(HttpHeaders.AUTHORIZATION, bearer);
        }
        return request.exchange();
    }

    /** {@code apiClient.getCurrentUser()}. */
    public WebTestClient.ResponseSpec me(String bearer) {
        return http.get().uri(BASE + "/auth/me").header(HttpHeaders.AUTHORIZATION, bearer).exchange();
    }

    /** The musician of a register or login answer, with the refresh cookie it set. */
    @SuppressWarnings("unchecked")
    public static Musician musician(WebTestClient.ResponseSpec answer) {
        var result = answer.expectBody(Api.MAP).returnResult();
        Map<String, Object> body = result.getResponseBody();
        Map<String, Object> user = (Map<String, Object>) body.get("user");
        ResponseCookie cookie = result.getResponseCookies().getFirst(COOKIE);
        assertThat(cookie).as("the refresh cookie").isNotNull();
        return new Musician(UUID.fromString((String) user.get("id")), (String) user.get("username"), (String) user.get("email"),
                (String) body.get("accessToken"), cookie.getValue());
    }

    /** Asserts the dialect's error shape and returns {@code error.message}, what the client shows. */
    @SuppressWarnings("unchecked")
    public static String assertClientError(WebTestClient.ResponseSpec answer, int status, String code) {
        Map<String, Object> body = answer.expectStatus().isEqualTo(status)
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
                .expectBody(Api.MAP).returnResult().getResponseBody();
        assertThat(body).containsOnlyKeys("error");
        Map<String, Object> error = (Map<String, Object>) body.get("error");
        assertThat(error).containsEntry("code", code);
        assertThat((String) error.get("message")).isNotBlank();
        assertThat(body.toString()).doesNotContain("Exception", "at dev.dawg", "SELECT ");
        return (String) error.get("message");
    }

    /** The Set-Cookie lines of an answer for the refresh cookie. */
    public static List<String> refreshCookieHeaders(WebTestClient.ResponseSpec answer) {
        return answer.returnResult(byte[].class).getResponseHeaders().getOrEmpty(HttpHeaders.SET_COOKIE).stream()
                .filter(line -> line.startsWith(COOKIE + "=")).toList();
    }
}
