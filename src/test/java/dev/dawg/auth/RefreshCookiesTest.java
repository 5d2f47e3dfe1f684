package dev.dawg.auth;

import java.net.URI;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.ResponseCookie;
import org.springframework.mock.web.reactive.function.server.MockServerRequest;
import org.springframework.web.reactive.function.server.ServerRequest;

import static org.assertj.core.api.Assertions.assertThat;

/** When a web client's refresh cookie must be {@code SameSite=None; Secure}: cross-site, over https. */
class RefreshCookiesTest {

    private static ServerRequest request(String uri, String origin, String fetchSite) {
        MockServerRequest.Builder builder = MockServerRequest.builder().method(HttpMethod.POST).uri(URI.create(uri));
        if (origin != null) {
            builder.header(HttpHeaders.ORIGIN, origin);
        }
        if (fetchSite != null) {
            builder.header("Sec-Fetch-Site", fetchSite);
        }
        return builder.build();
    }

    private static ResponseCookie cookie(ServerRequest request) {
        return RefreshCookies.forWebClient(request, "/dawg-client/api/auth", "rt_x", Duration.ofDays(7));
    }

    @Test
    void shouldBeCrossSiteWhenTheBrowserSaysSoOverHttps() {
        ResponseCookie cookie = cookie(request("https://api.example.net/dawg-client/api/auth/refresh", "https://daw.example.com", "cross-site"));
        assertThat(cookie.getSameSite()).isEqualTo("None");
        assertThat(cookie.isSecure()).isTrue();
        assertThat(cookie.isHttpOnly()).isTrue();
        assertThat(cookie.getPath()).isEqualTo("/dawg-client/api/auth");
    }

    @Test
    void shouldCountAnHttpsOriginAsHttpsBehindAProxyThatDoesNotForwardTheScheme() {
        assertThat(RefreshCookies.isCrossSiteOverHttps(request("http://10.0.0.5:8080/x", "https://daw.example.com", "cross-site"))).isTrue();
    }

    @Test
    void shouldTakeAnotherOriginAsCrossSiteWithoutFetchMetadata() {
        assertThat(RefreshCookies.isCrossSiteOverHttps(request("https://api.example.net/x", "https://daw.example.com", null))).isTrue();
        assertThat(RefreshCookies.isCrossSiteOverHttps(request("https://api.example.net/x", "https://api.example.net", null))).isFalse();
        assertThat(RefreshCookies.isCrossSiteOverHttps(request("https://api.example.net:443/x", "https://api.example.net", null))).isFalse();
    }

    @Test
    void shouldKeepStrictForSameSiteSameOriginAndPlainHttp() {
        assertThat(cookie(request("http://localhost:8080/x", "http://localhost:5173", "same-site")).getSameSite()).isEqualTo("Strict");
        assertThat(cookie(request("https://host/x", null, "same-origin")).getSameSite()).isEqualTo("Strict");
        assertThat(cookie(request("https://host/x", null, null)).getSameSite()).isEqualTo("Strict");
        // Browsers refuse SameSite=None without Secure, and a cookie cannot be Secure over plain http.
        assertThat(cookie(request("http://api.test/x", "http://daw.test", "cross-site")).getSameSite()).isEqualTo("Strict");
        assertThat(cookie(request("https://host/x", "null", "cross-site")).getSameSite()).isEqualTo("None");
    }
}
