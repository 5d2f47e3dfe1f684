package dev.dawg.auth;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

import org.springframework.http.HttpCookie;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseCookie;
import org.springframework.web.reactive.function.server.ServerRequest;

/**
 * The httpOnly cookie that carries a refresh token, scoped to the auth path of the API that set it. An empty one
 * that lives zero seconds clears it.
 */
public final class RefreshCookies {

    public static final String NAME = "dawg_refresh";
    private static final String CROSS_SITE = "cross-site";

    private RefreshCookies() {
    }

    /** The refresh token the request's cookie carries, if any. */
    public static Optional<String> of(ServerRequest request) {
        HttpCookie cookie = request.cookies().getFirst(NAME);
        return cookie == null || cookie.getValue().isBlank() ? Optional.empty() : Optional.of(cookie.getValue());
    }

    /** For callers on the API's own site only ({@code SameSite=Strict}); {@code Secure} when the request came over https. */
    public static ResponseCookie sameSite(ServerRequest request, String path, String token, Duration ttl) {
        return ResponseCookie.from(NAME, token).httpOnly(true).secure(https(request.uri()))
                .sameSite("Strict").path(path).maxAge(ttl).build();
    }

    /**
     * For a web client that may live on another site (its origin let in by DAWG_CORS_ORIGINS, which the CORS filter
     * checked before this runs): {@code SameSite=None; Secure} when the request is cross-site over https, since a
     * browser sends no Strict or Lax cookie on a cross-site fetch and accepts None only with Secure; {@code Strict}
     * otherwise (same origin, or another port or subdomain of the same site, as in local development), so a
     * same-site set-up keeps the stricter cookie.
     */
    public static ResponseCookie forWebClient(ServerRequest request, String path, String token, Duration ttl) {
        return isCrossSiteOverHttps(request)
                ? ResponseCookie.from(NAME, token).httpOnly(true).secure(true).sameSite("None").path(path).maxAge(ttl).build()
                : sameSite(request, path, token, ttl);
    }

    /**
     * Cross-site: what the browser says in {@code Sec-Fetch-Site} (it alone knows the registrable domains), or, from
     * a client that does not send it, an {@code Origin} other than the request's own. Over https: the request's
     * scheme as the server sees it (DAWG_FORWARD_HEADERS), or an https origin, which a browser lets call an API only
     * over https (mixed content is blocked), so a TLS-terminating proxy without forwarded headers still counts.
     */
    static boolean isCrossSiteOverHttps(ServerRequest request) {
        String origin = request.headers().firstHeader(HttpHeaders.ORIGIN);
        URI originUri = parsed(origin);
        String fetchSite = request.headers().firstHeader("Sec-Fetch-Site");
        boolean crossSite = fetchSite != null ? CROSS_SITE.equalsIgnoreCase(fetchSite.trim())
                : originUri != null && !sameOrigin(originUri, request.uri());
        return crossSite && (https(request.uri()) || https(originUri));
    }

    private static boolean sameOrigin(URI origin, URI request) {
        return origin.getScheme().equalsIgnoreCase(request.getScheme()) && origin.getHost().equalsIgnoreCase(request.getHost())
                && port(origin) == port(request);
    }

    private static int port(URI uri) {
        return uri.getPort() != -1 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    private static boolean https(URI uri) {
        return uri != null && "https".equalsIgnoreCase(uri.getScheme());
    }

    private static URI parsed(String origin) {
        if (origin == null || origin.isBlank() || "null".equals(origin)) {
            return null;
        }
        try {
            URI uri = URI.create(origin.trim());
            return uri.getScheme() != null && uri.getHost() != null ? uri : null;
        }
        catch (IllegalArgumentException ex) {
            return null;
        }
    }
}
