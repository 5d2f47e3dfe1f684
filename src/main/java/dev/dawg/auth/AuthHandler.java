package dev.dawg.auth;

import java.net.URI;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
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
import org.springframework.http.ResponseCookie;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

import dev.dawg.platform.config.DawgProperties;
import dev.dawg.platform.ratelimit.RateLimit;
import dev.dawg.platform.ratelimit.RateLimitDecision;
import dev.dawg.platform.ratelimit.RateLimiter;
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
    private static final Duration MINUTE = Duration.ofMinutes(1);
    private static final Duration HOUR = Duration.ofHours(1);

    private final UserAccounts accounts;
    private final PasswordHasher passwords;
    private final AccessTokens accessTokens;
    private final RefreshTokens refreshTokens;
    private final ApiKeys apiKeys;
    private final Callers callers;
    private final JsonBodies bodies;
    private final JsonMapper json;
    private final RateLimiter rateLimiter;
    private final DawgProperties.RateLimits limits;
    private final SignInAddresses signInAddresses;
    private final AccessTokenRevocations revocations;

    AuthHandler(UserAccounts accounts, PasswordHasher passwords, AccessTokens accessTokens, RefreshTokens refreshTokens,
            ApiKeys apiKeys, Callers callers, JsonBodies bodies, JsonMapper json, RateLimiter rateLimiter,
            DawgProperties properties, SignInAddresses signInAddresses, AccessTokenRevocations revocations) {
        this.accounts = accounts;
        this.passwords = passwords;
        this.accessTokens = accessTokens;
        this.refreshTokens = refreshTokens;
        this.apiKeys = apiKeys;
        this.callers = callers;
        this.bodies = bodies;
        this.json = json;
        this.rateLimiter = rateLimiter;
        this.limits = properties.rateLimit();
        this.signInAddresses = signInAddresses;
        this.revocations = revocations;
    }

    Mono<ServerResponse> register(ServerRequest request) {
        String ip = ClientAddress.of(request);
        return rateLimiter.consume(List.of(new RateLimit("register:ip:" + ip, limits.register(), HOUR)))
                .flatMap(ipDecision -> bodies.object(request).flatMap(body -> {
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
                    // Accounts are unique case-insensitively, so are their budgets.
                    return rateLimiter.consume(List.of(
                                    new RateLimit("register:email:" + normalised(email), limits.registerPerAccount(), HOUR),
                                    new RateLimit("register:username:" + normalised(username), limits.registerPerAccount(), HOUR)))
                            .map(accountDecision -> RateLimitDecision.mostRestrictive(ipDecision, accountDecision))
                            .flatMap(decision -> passwords.hash(password)
                                    .flatMap(hash -> accounts.create(email.trim(), username, displayName.trim(), hash, EnumSet.of(Role.USER)))
                                    .flatMap(account -> signedIn(request, account, 201, decision)));
                }));
    }

    Mono<ServerResponse> login(ServerRequest request) {
        String ip = ClientAddress.of(request);
        return bodies.object(request).flatMap(body -> {
            JsonFields fields = JsonFields.of(body).allowOnly(Set.of("login", "password"));
            String login = fields.requiredString("login", 1, 254);
            String password = fields.requiredString("password", 1, PasswordHasher.MAX_LENGTH);
            fields.validate();
            return rateLimiter.consume(List.of(new RateLimit("login:ip:" + ip, limits.loginPerIp(), MINUTE)))
                    .flatMap(ipDecision -> accounts.findByLogin(login.trim())
                            .map(Optional::of).defaultIfEmpty(Optional.empty())
                            .flatMap(found -> spendFailureBudgets(found, login, ip, ipDecision)
                                    .flatMap(decision -> passwords.matches(password, found.map(UserAccount::passwordHash).orElse(null))
                                            .flatMap(ok -> {
                                                if (!ok) {
                                                    return Mono.error(ApiProblem.unauthorized("Wrong login or password"));
                                                }
                                                // Only failures spend these budgets: a success gives its attempt back. The
                                                // answer need not wait (the one Redis connection keeps the order of commands).
                                                rateLimiter.giveBack(failureBudgets(found, login, ip)).subscribe();
                                                return signedIn(request, found.get(), 200, decision);
                                            }))));
        });
    }

    Mono<ServerResponse> refresh(ServerRequest request) {
        String ip = ClientAddress.of(request);
        return rateLimiter.consume(List.of(new RateLimit("refresh:ip:" + ip, limits.refresh(), MINUTE)))
                .flatMap(ipDecision -> refreshTokenOf(request)
                        .switchIfEmpty(Mono.error(() -> ApiProblem.unauthorized("Send the refresh token in the cookie or as {\"refreshToken\": ...}")))
                        .flatMap(token -> withUserBudget(token, ipDecision)
                                .flatMap(decision -> refreshTokens.rotate(token)
                                        .flatMap(rotation -> accounts.findById(rotation.userId())
                                                .switchIfEmpty(Mono.error(() -> ApiProblem.unauthorized("The account no longer exists")))
                                                .flatMap(account -> session(request, account, rotation.nextToken(), 200, decision))))));
    }

    /**
     * The budgets a failed sign-in spends, counted once per account whether it is named by email or by username:
     * one per account and address (a minute), and, from an address that never signed in to the account, one the
     * account shares with every such address (an hour). Guesses from anywhere are bounded, and none of them can
     * spend the budget of an address the owner signs in from.
     */
    private List<RateLimit> failureBudgets(Optional<UserAccount> found, String login, String ip) {
        String account = found.map(known -> "user:" + known.id()).orElseGet(() -> "unknown:" + normalised(login));
        return List.of(new RateLimit("login:failures:" + account + ":ip:" + ip, limits.login(), MINUTE),
                new RateLimit("login:failures:" + account + ":new-addresses", limits.loginPerAccount(), HOUR));
    }

    /**
     * Counts the attempt on both failure budgets before the password is checked (parallel attempts cannot all pass
     * one check), and refuses it (429) when a budget that applies to it is spent: the per-address one always, the
     * per-account one only from an address that never signed in to the account. Every failure counts on the
     * per-account budget (it bounds guesses at the account in all); none of them can refuse a known address.
     * The Redis calls run side by side, so a Redis that does not answer delays a login by one timeout, not three.
     */
    private Mono<RateLimitDecision> spendFailureBudgets(Optional<UserAccount> found, String login, String ip,
            RateLimitDecision ipDecision) {
        List<RateLimit> budgets = failureBudgets(found, login, ip);
        Mono<Boolean> knownAddress = found.map(known -> signInAddresses.known(known.id(), ip)).orElseGet(() -> Mono.just(false));
        return Mono.zip(knownAddress, rateLimiter.consume(budgets.get(0)), rateLimiter.consume(budgets.get(1)))
                .flatMap(counted -> {
                    RateLimitDecision decision = RateLimitDecision.mostRestrictive(ipDecision, counted.getT2());
                    if (!counted.getT1()) {
                        decision = RateLimitDecision.mostRestrictive(decision, counted.getT3());
                    }
                    return decision.allowed() ? Mono.just(decision) : Mono.error(decision.toProblem());
                });
    }

    /**
     * Counts a refresh against the user the token was issued to, before the token is spent: a refused refresh
     * leaves it usable. An unknown token counts only against the address.
     */
    private Mono<RateLimitDecision> withUserBudget(String refreshToken, RateLimitDecision ipDecision) {
        return refreshTokens.ownerOf(refreshToken)
                .flatMap(userId -> rateLimiter.consume(List.of(new RateLimit("refresh:user:" + userId, limits.refreshPerAccount(), MINUTE))))
                .map(userDecision -> RateLimitDecision.mostRestrictive(ipDecision, userDecision))
                .defaultIfEmpty(ipDecision);
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
                .then(ServerResponse.noContent().cookie(clearedCookie(request)).build());
    }

    /** The bearer token of the request; the security filters already refused one that is not valid. */
    private static Mono<String> accessTokenOf(ServerRequest request) {
        String authorization = request.headers().firstHeader(HttpHeaders.AUTHORIZATION);
        return authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                ? Mono.just(authorization.substring(7).trim()) : Mono.empty();
    }

    Mono<ServerResponse> me(ServerRequest request) {
        return callers.required(request)
                .flatMap(user -> accounts.findById(user.id()))
                .switchIfEmpty(Mono.error(() -> ApiProblem.unauthorized("The account no longer exists")))
                .flatMap(account -> ServerResponse.ok().bodyValue(meView(account)));
    }

    Mono<ServerResponse> updateMe(ServerRequest request) {
        return callers.required(request).map(CurrentUser::requireSignedIn).flatMap(user -> bodies.object(request).flatMap(body -> {
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
                changes.put("settings", new String(encoded, java.nio.charset.StandardCharsets.UTF_8));
            });
            fields.validate();
            return accounts.updateProfile(user.id(), changes).flatMap(account -> ServerResponse.ok().bodyValue(meView(account)));
        }));
    }

    Mono<ServerResponse> createApiKey(ServerRequest request) {
        return callers.required(request).map(CurrentUser::requireSignedIn).flatMap(user -> bodies.object(request).flatMap(body -> {
            JsonFields fields = JsonFields.of(body).allowOnly(Set.of("name", "scopes"));
            String name = fields.requiredString("name", 1, 100);
            List<String> scopeNames = fields.optionalStringList("scopes", 10, 40).orElse(null);
            Set<Scope> scopes = EnumSet.noneOf(Scope.class);
            if (scopeNames == null || scopeNames.isEmpty()) {
                fields.reject("scopes", "must list at least one of projects:read, projects:write, assets:read, assets:write, social:write");
            }
            else {
                for (String scopeName : scopeNames) {
                    Scope.parse(scopeName).ifPresentOrElse(scopes::add,
                            () -> fields.reject("scopes", "'" + scopeName + "' is not a scope"));
                }
            }
            fields.validate();
            return apiKeys.create(user.id(), name.trim(), scopes)
                    .flatMap(created -> ServerResponse.created(URI.create("/api/auth/api-keys/" + created.id()))
                            // Shown this once, and not to the codecs' logging either.
                            .hint(Hints.SUPPRESS_LOGGING_HINT, true)
                            .bodyValue(created));
        }));
    }

    Mono<ServerResponse> listApiKeys(ServerRequest request) {
        return callers.required(request)
                .map(CurrentUser::requireSignedIn)
                .flatMap(user -> apiKeys.list(user.id()).collectList())
                .flatMap(keys -> ServerResponse.ok().bodyValue(Map.of("items", keys, "nextCursor", java.util.Optional.empty())));
    }

    Mono<ServerResponse> revokeApiKey(ServerRequest request) {
        return callers.required(request).map(CurrentUser::requireSignedIn).flatMap(user -> Ids.parse(request.pathVariable("id"), "API key")
                .flatMap(keyId -> apiKeys.revoke(user.id(), keyId))
                .flatMap(revoked -> revoked ? ServerResponse.noContent().build()
                        : Mono.error(ApiProblem.notFound("API key not found"))));
    }

    private Mono<ServerResponse> signedIn(ServerRequest request, UserAccount account, int status, RateLimitDecision decision) {
        return refreshTokens.startFamily(account.id())
                .flatMap(refreshToken -> session(request, account, refreshToken, status, decision));
    }

    private Mono<ServerResponse> session(ServerRequest request, UserAccount account, String refreshToken, int status,
            RateLimitDecision decision) {
        AccessTokens.IssuedToken access = accessTokens.issue(account.id(), account.username(), account.roles());
        // Bookkeeping the answer need not wait for (it has its own timeout).
        signInAddresses.remember(account.id(), ClientAddress.of(request)).subscribe();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("user", meView(account));
        body.put("accessToken", access.token());
        body.put("refreshToken", refreshToken);
        body.put("expiresIn", access.expiresInSeconds());
        body.put("tokenType", "Bearer");
        ServerResponse.BodyBuilder response = status == 201
                ? ServerResponse.created(URI.create("/api/users/" + account.username()))
                : ServerResponse.ok();
        return response
                .headers(decision::writeTo)
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .cookie(refreshCookie(request, refreshToken, refreshTokens.ttl()))
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

    private static ResponseCookie refreshCookie(ServerRequest request, String token, Duration ttl) {
        return ResponseCookie.from(REFRESH_COOKIE, token)
                .httpOnly(true)
                .secure(isSecure(request))
                .sameSite("Strict")
                .path("/api/auth")
                .maxAge(ttl)
                .build();
    }

    private static ResponseCookie clearedCookie(ServerRequest request) {
        return ResponseCookie.from(REFRESH_COOKIE, "").httpOnly(true).secure(isSecure(request)).sameSite("Strict")
                .path("/api/auth").maxAge(0).build();
    }

    private static boolean isSecure(ServerRequest request) {
        return "https".equalsIgnoreCase(request.uri().getScheme());
    }

    private static String normalised(String accountName) {
        return accountName.trim().toLowerCase(Locale.ROOT);
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
