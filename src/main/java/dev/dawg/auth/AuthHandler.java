package dev.dawg.auth;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.core.codec.Hints;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseCookie;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

import dev.dawg.platform.web.ApiProblem;
import dev.dawg.platform.web.ClientAddress;
import dev.dawg.platform.web.Ids;
import dev.dawg.platform.web.JsonBodies;
import dev.dawg.platform.web.JsonFields;
import dev.dawg.users.UserAccounts;

/** Sign-up, sign-in, token refresh and sign-out, the caller's own profile, and API keys. */
@Component
class AuthHandler {

    static final String REFRESH_COOKIE = RefreshCookies.NAME;
    static final Pattern EMAIL = Pattern.compile("[^@\\s]{1,64}@[^@\\s]+\\.[^@\\s]+");
    static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9_-]{3,30}");
    private static final int MAX_SETTINGS_BYTES = 64 * 1024;

    private final SignIn signIn;
    private final UserAccounts accounts;
    private final AccountView accountView;
    private final ApiKeys apiKeys;
    private final JsonBodies bodies;
    private final JsonMapper json;

    AuthHandler(SignIn signIn, UserAccounts accounts, AccountView accountView, ApiKeys apiKeys, JsonBodies bodies, JsonMapper json) {
        this.signIn = signIn;
        this.accounts = accounts;
        this.accountView = accountView;
        this.apiKeys = apiKeys;
        this.bodies = bodies;
        this.json = json;
    }

    Mono<ServerResponse> register(ServerRequest request) {
        return signIn.register(ClientAddress.of(request), bodies.object(request).map(SignIn.Registration::read))
                .flatMap(session -> opened(request, session, HttpStatus.CREATED));
    }

    Mono<ServerResponse> login(ServerRequest request) {
        return bodies.object(request)
                .flatMap(body -> signIn.login(SignIn.Credentials.read(body, "login"), ClientAddress.of(request)))
                .flatMap(session -> opened(request, session, HttpStatus.OK));
    }

    Mono<ServerResponse> refresh(ServerRequest request) {
        Mono<String> presented = refreshTokenOf(request)
                .switchIfEmpty(Mono.error(() -> ApiProblem.unauthorized("Send the refresh token in the cookie or as {\"refreshToken\": ...}")));
        return signIn.refresh(ClientAddress.of(request), presented)
                .flatMap(session -> opened(request, session, HttpStatus.OK));
    }

    /**
     * Ends the session: the refresh token's family, and the access token the request is signed with (refused from
     * now on by every node, and the sockets it opened are closed).
     */
    Mono<ServerResponse> logout(ServerRequest request) {
        return refreshTokenOf(request).map(Optional::of).defaultIfEmpty(Optional.empty())
                .flatMap(refreshToken -> signIn.signOut(SignIn.bearerTokenOf(request), refreshToken.orElse(null)))
                .then(ServerResponse.noContent().cookie(refreshCookie(request, "", Duration.ZERO)).build());
    }

    Mono<ServerResponse> me(ServerRequest request, CurrentUser user) {
        return accountView.current(user).flatMap(view -> ServerResponse.ok().bodyValue(view));
    }

    Mono<ServerResponse> updateMe(ServerRequest request, CurrentUser user) {
        return bodies.object(request)
                .flatMap(body -> accounts.updateProfile(user.id(), profileChanges(body)))
                .flatMap(account -> ServerResponse.ok().bodyValue(accountView.of(account)));
    }

    /** The profile's columns a PATCH changes, validated. */
    private Map<String, Object> profileChanges(ObjectNode body) {
        JsonFields fields = JsonFields.of(body).allowOnly(Set.of("displayName", "bio", "avatarUrl", "settings"),
                Set.of("id", "email", "username", "roles", "role", "password", "passwordHash", "createdAt", "updatedAt"));
        Map<String, Object> changes = new LinkedHashMap<>();
        fields.optionalString("displayName", 1, 100).ifPresent(name -> changes.put("display_name", name.trim()));
        fields.optionalString("bio", 0, 2000).ifPresent(bio -> changes.put("bio", bio));
        if (fields.has("avatarUrl")) {
            changes.put("avatar_url", fields.optionalUrl("avatarUrl", 2000).filter(url -> !url.isEmpty()).orElse(null));
        }
        fields.optionalObject("settings").ifPresent(settings -> {
            byte[] encoded = json.writeValueAsBytes(settings);
            if (encoded.length > MAX_SETTINGS_BYTES) {
                fields.reject("settings", "must be at most " + MAX_SETTINGS_BYTES + " bytes of JSON");
            }
            changes.put("settings", new String(encoded, StandardCharsets.UTF_8));
        });
        fields.validate();
        return changes;
    }

    Mono<ServerResponse> createApiKey(ServerRequest request, CurrentUser user) {
        return bodies.object(request).flatMap(body -> {
            JsonFields fields = JsonFields.of(body).allowOnly(Set.of("name", "scopes"));
            String name = fields.requiredString("name", 1, 100);
            Set<Scope> scopes = scopes(fields);
            fields.validate();
            return apiKeys.create(user.id(), name.trim(), scopes);
        }).flatMap(created -> ServerResponse.created(URI.create("/api/auth/api-keys/" + created.id()))
                // Shown this once, and not to the codecs' logging either.
                .hint(Hints.SUPPRESS_LOGGING_HINT, true)
                .bodyValue(created));
    }

    private static Set<Scope> scopes(JsonFields fields) {
        List<String> scopeNames = fields.optionalStringList("scopes", 10, 40).orElse(null);
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        if (scopeNames == null || scopeNames.isEmpty()) {
            fields.reject("scopes", "must list at least one of projects:read, projects:write, assets:read, assets:write, social:write");
            return scopes;
        }
        for (String scopeName : scopeNames) {
            Scope.parse(scopeName).ifPresentOrElse(scopes::add, () -> fields.reject("scopes", "'" + scopeName + "' is not a scope"));
        }
        return scopes;
    }

    Mono<ServerResponse> listApiKeys(ServerRequest request, CurrentUser user) {
        return apiKeys.list(user.id()).collectList()
                .flatMap(keys -> ServerResponse.ok().bodyValue(Map.of("items", keys, "nextCursor", Optional.empty())));
    }

    Mono<ServerResponse> revokeApiKey(ServerRequest request, CurrentUser user) {
        return Ids.parse(request.pathVariable("id"), "API key")
                .flatMap(keyId -> apiKeys.revoke(user.id(), keyId))
                .flatMap(revoked -> revoked ? ServerResponse.noContent().build()
                        : Mono.error(ApiProblem.notFound("API key not found")));
    }

    /** The answer that opens a session: both tokens in the body, the refresh token also in its cookie. */
    private Mono<ServerResponse> opened(ServerRequest request, SignIn.Session session, HttpStatus status) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("user", accountView.of(session.account()));
        body.put("accessToken", session.access().token());
        body.put("refreshToken", session.refreshToken());
        body.put("expiresIn", session.access().expiresInSeconds());
        body.put("tokenType", "Bearer");
        ServerResponse.BodyBuilder response = status == HttpStatus.CREATED
                ? ServerResponse.created(URI.create("/api/users/" + session.account().username()))
                : ServerResponse.status(status);
        return response
                .headers(session.decision()::writeTo)
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .cookie(refreshCookie(request, session.refreshToken(), signIn.refreshTokenTtl()))
                // The codecs would log this body (whole at TRACE): it holds the tokens.
                .hint(Hints.SUPPRESS_LOGGING_HINT, true)
                .bodyValue(body);
    }

    private Mono<String> refreshTokenOf(ServerRequest request) {
        Mono<String> fromBody = request.headers().contentType().isPresent() && request.headers().contentLength().orElse(1) != 0
                ? bodies.object(request).flatMap(body -> {
                    JsonFields fields = JsonFields.of(body).allowOnly(Set.of("refreshToken"));
                    String token = fields.optionalString("refreshToken", 1, 200).orElse(null);
                    fields.validate();
                    return Mono.justOrEmpty(token);
                })
                : Mono.empty();
        return fromBody.switchIfEmpty(Mono.justOrEmpty(RefreshCookies.of(request)));
    }

    /** The refresh token's cookie; an empty one that lives zero seconds clears it. */
    private static ResponseCookie refreshCookie(ServerRequest request, String token, Duration ttl) {
        return RefreshCookies.sameSite(request, "/api/auth", token, ttl);
    }
}
