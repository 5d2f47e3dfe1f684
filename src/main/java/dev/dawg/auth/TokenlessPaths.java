package dev.dawg.auth;

/**
 * Paths where the security filters do not read a bearer token: routes that open a session (sign-up, sign-in,
 * refresh) for a web client that sends along, on every call, the access token it still holds, expired or not (the
 * DAWG web client does). Reading it there would refuse the very call that gets a new one. A bean of this type from
 * any package adds its paths; the native API declares none.
 */
@FunctionalInterface
public interface TokenlessPaths {

    boolean covers(String path);
}
