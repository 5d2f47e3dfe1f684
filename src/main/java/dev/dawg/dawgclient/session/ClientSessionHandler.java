package dev.dawg.dawgclient.session;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import reactor.core.publisher.Mono;

import org.springframework.core.codec.Hints;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseCookie;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

import dev.dawg.auth.AccessTokens;
import dev.dawg.auth.AccountView;
import dev.dawg.auth.CurrentUser;
import dev.dawg.auth.RefreshCookies;
import dev.dawg.auth.SignIn;
import dev.dawg.dawgclient.DawgClientProperties;
import dev.dawg.platform.web.ApiProblem;
import dev.dawg.platform.web.ClientAddress;
import dev.dawg.platform.web.JsonBodies;

/**
 * The DAWG client's sessions on our sign-in: it signs in with {@code {email, password}}, keeps the access token and
 * reads {@code {user, accessToken}}; the refresh token stays in an httpOnly cookie on the dialect's auth path, which
 * it sends with {@code credentials: 'include'} and no body. Limits, rotation and revocation are {@link SignIn}'s.
 */
@Component
class ClientSessionHandler {

    private final SignIn signIn;
    private final AccountView accountView;
    private final JsonBodies bodies;
    private final String cookiePath;
    private final Duration accessTokenTtl;

    ClientSessionHandler(SignIn signIn, AccountView accountView, JsonBodies bodies, DawgClientProperties properties, AccessTokens tokens) {
        if (properties.accessTokenTtl().compareTo(tokens.maxTtl()) > 0 || properties.accessTokenTtl().isNegative()
                || properties.accessTokenTtl().isZero()) {
            throw new IllegalStateException("DAWG_CLIENT_ACCESS_TOKEN_TTL must be more than 0 and at most DAWG_MAX_ACCESS_TOKEN_TTL ("
                    + tokens.maxTtl() + ")");
        }
        this.signIn = signIn;
        this.accountView = accountView;
        this.bodies = bodies;
        this.cookiePath = properties.path() + "/auth";
        this.accessTokenTtl = properties.accessTokenTtl();
    }

    Mono<ServerResponse> register(ServerRequest request) {
        return signIn.register(ClientAddress.of(request), bodies.object(request).map(SignIn.Registration::read))
                .flatMap(session -> opened(request, session, HttpStatus.CREATED));
    }

    Mono<ServerResponse> login(ServerRequest request) {
        return bodies.object(request)
                .flatMap(body -> signIn.login(SignIn.Credentials.read(body, "email"), ClientAddress.of(request)))
                .flatMap(session -> opened(request, session, HttpStatus.OK));
    }

    /** The cookie alone carries the refresh token (whatever body comes is not read). */
    Mono<ServerResponse> refresh(ServerRequest request) {
        Mono<String> presented = Mono.justOrEmpty(RefreshCookies.of(request))
                .switchIfEmpty(Mono.error(() -> ApiProblem.unauthorized("You are not signed in (no session cookie); sign in again")));
        return signIn.refresh(ClientAddress.of(request), presented)
                .flatMap(session -> opened(request, session, HttpStatus.OK));
    }

    Mono<ServerResponse> logout(ServerRequest request) {
        return signIn.signOut(SignIn.bearerTokenOf(request), RefreshCookies.of(request).orElse(null))
                .then(ServerResponse.ok().cookie(cookie(request, "", Duration.ZERO))
                        .bodyValue(Map.of("message", "Signed out")));
    }

    Mono<ServerResponse> me(ServerRequest request, CurrentUser user) {
        return accountView.current(user).flatMap(view -> ServerResponse.ok().bodyValue(Map.of("user", view)));
    }

    /** {@code {user, accessToken, expiresIn}}; the refresh token only in its cookie, out of the page's reach. */
    private Mono<ServerResponse> opened(ServerRequest request, SignIn.Session signedIn, HttpStatus status) {
        SignIn.Session session = signIn.withAccessTokenLiving(signedIn, accessTokenTtl);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("user", accountView.of(session.account()));
        body.put("accessToken", session.access().token());
        body.put("expiresIn", session.access().expiresInSeconds());
        return ServerResponse.status(status)
                .headers(session.decision()::writeTo)
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .cookie(cookie(request, session.refreshToken(), signIn.refreshTokenTtl()))
                // The codecs would log this body (whole at TRACE): it holds the access token.
                .hint(Hints.SUPPRESS_LOGGING_HINT, true)
                .bodyValue(body);
    }

    private ResponseCookie cookie(ServerRequest request, String token, Duration ttl) {
        return RefreshCookies.forWebClient(request, cookiePath, token, ttl);
    }
}
