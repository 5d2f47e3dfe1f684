package dev.dawg.dawgclient;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where the DAWG web client's API is mounted ({@code DAWG_CLIENT_API_PATH}): the client is built with
 * {@code VITE_API_URL} set to this path on our host. {@code accessTokenTtl} ({@code DAWG_CLIENT_ACCESS_TOKEN_TTL}):
 * how long the access tokens of its sessions live; the client refreshes only when a page loads, so a shorter one
 * signs a musician out in the middle of a session (its saves then fail) until they reload.
 */
@ConfigurationProperties("dawg.client-api")
public record DawgClientProperties(@DefaultValue("/dawg-client/api") String path, @DefaultValue("24h") Duration accessTokenTtl) {

    public DawgClientProperties {
        path = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        if (!path.startsWith("/") || path.length() < 2 || path.equals("/api") || path.startsWith("/api/")) {
            throw new IllegalArgumentException("DAWG_CLIENT_API_PATH must be a path of its own beside /api, such as /dawg-client/api");
        }
    }

    /** Whether {@code requestPath} is one of the dialect's. */
    public boolean covers(String requestPath) {
        return requestPath.equals(path) || requestPath.startsWith(path + "/");
    }
}
