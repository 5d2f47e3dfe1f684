package dev.dawg.platform.web;

import java.util.Map;

/**
 * The hardening headers of every answer: the security filter chain writes them, and so does the one path that answers
 * without it (cached project reads, straight from Netty). HSTS stays with the chain: it depends on the scheme.
 */
public final class ResponseHeaders {

    /** API responses are data, never documents to render: nothing may load from them or frame them. */
    public static final Map<String, String> API = hardened("default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
    /** Swagger UI is the only HTML the server serves; it needs its own scripts and styles. */
    public static final Map<String, String> DOCS = hardened("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
            + "script-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'");

    private ResponseHeaders() {
    }

    private static Map<String, String> hardened(String contentSecurityPolicy) {
        return Map.of("X-Content-Type-Options", "nosniff", "X-Frame-Options", "DENY", "X-XSS-Protection", "0",
                "Referrer-Policy", "no-referrer", "Content-Security-Policy", contentSecurityPolicy);
    }

    /** The headers for an answer to {@code path}. */
    public static Map<String, String> forPath(String path) {
        return path.startsWith("/swagger-ui") || path.startsWith("/webjars/") ? DOCS : API;
    }
}
