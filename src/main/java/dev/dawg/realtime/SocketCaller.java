package dev.dawg.realtime;

import java.time.Instant;
import java.util.Optional;

import dev.dawg.auth.CurrentUser;

/**
 * Who opened a WebSocket: a signed-in user until their access token expires, or anonymous (public projects only).
 *
 * @param expiresAt when the access token stops being valid; null for anonymous connections
 * @param tokenId the access token's {@code jti} (its revocation closes the connection); null for anonymous ones
 */
record SocketCaller(Optional<CurrentUser> user, Instant expiresAt, String tokenId) {

    static final SocketCaller ANONYMOUS = new SocketCaller(Optional.empty(), null, null);

    boolean anonymous() {
        return user.isEmpty();
    }
}
