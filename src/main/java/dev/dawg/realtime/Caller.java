package dev.dawg.realtime;

import java.time.Instant;
import java.util.Optional;

import dev.dawg.auth.CurrentUser;

/**
 * Who opened a WebSocket: a signed-in user until their access token expires, or anonymous (public projects only).
 *
 * @param expiresAt when the access token stops being valid; null for anonymous connections
 */
record Caller(Optional<CurrentUser> user, Instant expiresAt) {

    static final Caller ANONYMOUS = new Caller(Optional.empty(), null);

    boolean anonymous() {
        return user.isEmpty();
    }
}
