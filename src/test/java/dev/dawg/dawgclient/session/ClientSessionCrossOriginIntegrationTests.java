package dev.dawg.dawgclient.session;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
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
 * The client served from another site (its origin in DAWG_CORS_ORIGINS, the same set-up as the CORS tests so the
 * server is shared): credentialed preflights pass, and the refresh cookie is {@code SameSite=None; Secure} when the
 * browser says the request is cross-site, so it comes back on the next {@code credentials: 'include'} call.
 */
@IntegrationTest
@TestPropertySource(properties = "DAWG_CORS_ORIGINS=https://daw.example.test, https://other.example.test")
class ClientSessionCrossOriginIntegrationTests {

    private static final String CLIENT_ORIGIN = "https://daw.example.test";

    @Autowired
    Api api;

    DawgClientReplay client;

    @BeforeEach
    void setUp() {
        client = new DawgClientReplay(api);
    }

    private WebTestClient.ResponseSpec preflight(String path, String requestHeaders) {
        WebTestClient.RequestHeadersSpec<?> request = api.http().options().uri(BASE + path)
                .header(HttpHeaders.ORIGIN, CLIENT_ORIGIN)
                .header(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD, HttpMethod.POST.name());
        if (requestHeaders != null) {
            request = request.header(HttpHeaders.ACCESS_CONTROL_REQUEST_HEADERS, requestHeaders);
        }
        return request.exchange();
    }

    @Test
    void shouldPassTheCredentialedPreflightsOfLoginAndRefresh() {
        preflight("/auth/login", "content-type").expectStatus().isOk()
                .expectHeader().valueEquals(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, CLIENT_ORIGIN)
                .expectHeader().valueEquals(HttpHeaders.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
        // The refresh sends no body, so no Content-Type; the bearer it still holds goes along.
        preflight("/auth/refresh", "authorization").expectStatus().isOk()
                .expectHeader().valueEquals(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, CLIENT_ORIGIN)
                .expectHeader().valueEquals(HttpHeaders.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
    }

    @Test
    void shouldSetACrossSiteCookieOnLoginAndRefreshFromIt() {
        Musician registered = client.signUp();
        WebTestClient.ResponseSpec login = api.http().post().uri(BASE + "/auth/login")
                .header(HttpHeaders.ORIGIN, CLIENT_ORIGIN).header("Sec-Fetch-Site", "cross-site")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(java.util.Map.of("email", registered.email(), "password", PASSWORD))
                .exchange()
                .expectStatus().isOk()
                .expectHeader().valueEquals(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, CLIENT_ORIGIN)
                .expectHeader().valueEquals(HttpHeaders.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
        assertThat(refreshCookieHeaders(login)).singleElement().satisfies(cookie -> assertThat(cookie)
                .contains("SameSite=None", "Secure", "Path=" + BASE + "/auth").containsIgnoringCase("HttpOnly"));
        Musician signedIn = musician(login);

        WebTestClient.ResponseSpec refresh = api.http().post().uri(BASE + "/auth/refresh")
                .header(HttpHeaders.ORIGIN, CLIENT_ORIGIN).header("Sec-Fetch-Site", "cross-site")
                .header(HttpHeaders.AUTHORIZATION, signedIn.bearer())
                .cookie(DawgClientReplay.COOKIE, signedIn.refreshCookie())
                .exchange()
                .expectStatus().isOk()
                .expectHeader().valueEquals(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, CLIENT_ORIGIN)
                .expectHeader().valueEquals(HttpHeaders.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
        assertThat(refreshCookieHeaders(refresh)).singleElement()
                .satisfies(cookie -> assertThat(cookie).contains("SameSite=None", "Secure"));
        Musician refreshed = musician(refresh);
        assertThat(refreshed.id()).isEqualTo(registered.id());
        assertThat(refreshed.accessToken()).isNotBlank();
    }

    @Test
    void shouldTreatAnOtherOriginWithoutFetchMetadataAsCrossSite() {
        Musician musician = client.signUp();
        WebTestClient.ResponseSpec refresh = api.http().post().uri(BASE + "/auth/refresh")
                .header(HttpHeaders.ORIGIN, CLIENT_ORIGIN)
                .cookie(DawgClientReplay.COOKIE, musician.refreshCookie())
                .exchange()
                .expectStatus().isOk();
        assertThat(refreshCookieHeaders(refresh)).singleElement().satisfies(cookie -> assertThat(cookie).contains("SameSite=None", "Secure"));
    }

    @Test
    void shouldKeepTheStrictCookieForASameSiteClient() {
        Musician musician = client.signUp();
        // Another subdomain or port of the same site (local development: localhost:5173 calling localhost:8080).
        WebTestClient.ResponseSpec refresh = api.http().post().uri(BASE + "/auth/refresh")
                .header(HttpHeaders.ORIGIN, CLIENT_ORIGIN).header("Sec-Fetch-Site", "same-site")
                .cookie(DawgClientReplay.COOKIE, musician.refreshCookie())
                .exchange()
                .expectStatus().isOk();
        assertThat(refreshCookieHeaders(refresh)).singleElement()
                .satisfies(cookie -> assertThat(cookie).contains("SameSite=Strict").doesNotContain("SameSite=None"));
    }

    @Test
    void shouldRefuseAnUnlistedOriginInTheClientsShape() {
        WebTestClient.ResponseSpec refused = api.http().options().uri(BASE + "/auth/refresh")
                .header(HttpHeaders.ORIGIN, "https://evil.example.test")
                .header(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD, "POST")
                .exchange()
                .expectHeader().doesNotExist(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN);
        assertThat(assertClientError(refused, 403, "FORBIDDEN")).contains("DAWG_CORS_ORIGINS");
    }
}
