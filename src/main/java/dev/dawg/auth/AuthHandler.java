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
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.core.codec.Hints;
import org.springframework.http.HttpCookie;
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
import dev.dawg.users.UserAccount;
import dev.dawg.users.UserAccounts;
import dev.dawg.users.Role;

/** Sign-up, sign-in, token refresh and sign-out, the caller's own profile, and API keys. */
@Component
class AuthHandler {

    static final String REFRESH_COOKIE = "dawg_refresh";
    static final Pattern EMAIL = Pattern.compile("[^@\\s]{1,64}@[^@\\s]+\\.[^@\\s]+");
    static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9_-]{3,30}");
    private static final int MAX_SETTINGS_BYTES = 64 * 1024;

    private final SignIn signIn;
    private final UserAccounts accounts;
    private final AccessTokens accessTokens;
    private final RefreshTokens refreshTokens;
    private final ApiKeys apiKeys;
    private final JsonBodies bodies;
    private final JsonMapper json;
    private final AccessTokenRevocations revocations;

    AuthHandler(SignIn signIn, UserAccounts accounts, AccessTokens accessTokens, RefreshTokens refreshTokens, ApiKeys apiKeys,
            JsonBodies bodies, JsonMapper json, AccessTokenRevocations revocations) {
        this.signIn = signIn;
        this.accounts = accounts;
        this.accessTokens = accessTokens;
        this.refreshTokens = refreshTokens;
        this.apiKeys = apiKeys;
        this.bodies = bodies;
        this.json = json;
        this.revocations = revocations;
    }

    Mono<ServerResponse> register(ServerRequest request) {
        return signIn.register(ClientAddress.of(request), bodies.object(request).map(AuthHandler::registration))
                .flatMap(session -> opened(request, session, HttpStatus.CREATED));
    }

    private static SignIn.Registration registration(ObjectNode body) {
        JsonFields fields = JsonFields.of(body).allowOnly(Set.of("email", "username", "password", "displayName"));
        String email = fields.matching("email", fields.requiredString("email", 3, 254), EMAIL, "must be an email address");
        String username = fields.matching("username", fields.requiredString("username", 3, 30), USERNAME,
                "must be 3 to 30 letters, digits, '_' or '-'");
        String password = fields.requiredString("password", PasswordHasher.MIN_LENGTH, PasswordHasher.MAX_LENGTH);
        if (password != null && password.isBlank()) {
            fields.reject("password", "must not be only spaces");
        }
        String displayName = fields.optionalString("displayName", 1, 100).orElse(username);
        fields.validate();
        return new SignIn.Registration(email, username, displayName, password);
    }

    Mono<ServerResponse> login(ServerRequest request) {
        return bodies.object(request).flatMap(body -> {
            JsonFields fields = JsonFields.of(body).allowOnly(Set.of("login", "password"));
            String login = fields.requiredString("login", 1, 254);
            String password = fields.requiredString("password", 1, PasswordHasher.MAX_LENGTH);
            fields.validate();
            return signIn.login(login, password, ClientAddress.of(request));
        }).flatMap(session -> opened(request, session, HttpStatus.OK));
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
        return accessTokenOf(request)
                .flatMap(token -> accessTokens.decoder().decode(token))
                .flatMap(revocations::revoke)
                .then(refreshTokenOf(request).flatMap(refreshTokens::revokeFamilyOf))
                .then(ServerResponse.noContent().cookie(refreshCookie(request, "", Duration.ZERO)).build());
    }

    /** The bearer token of the request; the security filters already refused one that is not valid. */
    private static Mono<String> accessTokenOf(ServerRequest request) {
        String authorization = request.headers().firstHeader(HttpHeaders.AUTHORIZATION);
        return authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                ? Mono.just(authorization.substring(7).trim()) : Mono.empty();
    }

    Mono<ServerResponse> me(ServerRequest request, CurrentUser user) {
        return accounts.findById(user.id())
                .switchIfEmpty(Mono.error(() -> ApiProblem.unauthorized("The account no longer exists")))
                .flatMap(account -> ServerResponse.ok().bodyValue(meView(account)));
    }

    Mono<ServerResponse> updateMe(ServerRequest request, CurrentUser user) {
        return bodies.object(request)
                .flatMap(body -> accounts.updateProfile(user.id(), profileChanges(body)))
                .flatMap(account -> ServerResponse.ok().bodyValue(meView(account)));
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
        body.put("user", meView(session.account()));
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
                .cookie(refreshCookie(request, session.refreshToken(), refreshTokens.ttl()))
                // The codecs would log this body (whole at TRACE): it holds the tokens.
                .hint(Hints.SUPPRESS_LOGGING_HINT, true)
                .bodyValue(body);
    }

    private Mono<String> refreshTokenOf(ServerRequest request) {
        HttpCookie cookie = request.cookies().getFirst(REFRESH_COOKIE);
        Mono<String> fromBody = request.headers().contentType().isPresent() && request.headers().contentLength().orElse(1) != 0
                ? bodies.object(request).flatMap(body -> {
                    JsonFields fields = JsonFields.of(body).allowOnly(Set.of("refreshToken"));
                    String token = fields.optionalString("refreshToken", 1, 200).orElse(null);
                    fields.validate();
                    return Mono.justOrEmpty(token);
                })
                : Mono.empty();
        return fromBody.switchIfEmpty(Mono.justOrEmpty(cookie == null || cookie.getValue().isBlank() ? null : cookie.getValue()));
    }

    /** The refresh token's cookie; an empty one that lives zero seconds clears it. */
    private static ResponseCookie refreshCookie(ServerRequest request, String token, Duration ttl) {
        return ResponseCookie.from(REFRESH_COOKIE, token).httpOnly(true).secure("https".equalsIgnoreCase(request.uri().getScheme()))
                .sameSite("Strict").path("/api/auth").maxAge(ttl).build();
    }

    Map<String, Object> meView(UserAccount account) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", account.id());
        view.put("email", account.email());
        view.put("username", account.username());
        view.put("displayName", account.displayName());
        view.put("bio", account.bio());
        view.put("avatarUrl", account.avatarUrl());
        JsonNode settings = json.readTree(account.settingsJson());
        view.put("settings", settings instanceof ObjectNode ? settings : json.createObjectNode());
        view.put("roles", account.roles().stream().map(Role::name).sorted().toList());
        view.put("createdAt", account.createdAt());
        view.put("updatedAt", account.updatedAt());
        return view;
    }
}
