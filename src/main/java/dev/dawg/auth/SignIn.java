package dev.dawg.auth;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import reactor.core.publisher.Mono;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.http.HttpHeaders;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;

import dev.dawg.platform.config.DawgProperties;
import dev.dawg.platform.ratelimit.RateLimit;
import dev.dawg.platform.ratelimit.RateLimitDecision;
import dev.dawg.platform.ratelimit.RateLimiter;
import dev.dawg.platform.web.ApiProblem;
import dev.dawg.platform.web.JsonFields;
import dev.dawg.users.Role;
import dev.dawg.users.UserAccount;
import dev.dawg.users.UserAccounts;

/**
 * The ways into a session: sign-up, sign-in with a password, and a refresh token's rotation. Each is counted against
 * its rate limits before it spends anything, and each ends in a new {@link Session}. The request's parts come in as
 * lazy {@link Mono}s where a limit must be counted before the request is read (a refused caller's body is never parsed).
 * Sign-out ends what a session holds. Every API that opens sessions (the native one, the DAWG client's dialect) comes
 * here, so the limits and the token rules are the same whichever wire format asked.
 */
@Component
public class SignIn {

    private static final Duration MINUTE = Duration.ofMinutes(1);
    private static final Duration HOUR = Duration.ofHours(1);

    private final UserAccounts accounts;
    private final PasswordHasher passwords;
    private final AccessTokens accessTokens;
    private final RefreshTokens refreshTokens;
    private final RateLimiter rateLimiter;
    private final DawgProperties.RateLimits limits;
    private final SignInAddresses signInAddresses;
    private final AccessTokenRevocations revocations;

    SignIn(UserAccounts accounts, PasswordHasher passwords, AccessTokens accessTokens, RefreshTokens refreshTokens,
            RateLimiter rateLimiter, DawgProperties properties, SignInAddresses signInAddresses, AccessTokenRevocations revocations) {
        this.accounts = accounts;
        this.passwords = passwords;
        this.accessTokens = accessTokens;
        this.refreshTokens = refreshTokens;
        this.rateLimiter = rateLimiter;
        this.limits = properties.rateLimit();
        this.signInAddresses = signInAddresses;
        this.revocations = revocations;
    }

    /** A session just opened: the account, its two tokens, and the rate-limit decision the answer reports. */
    public record Session(UserAccount account, AccessTokens.IssuedToken access, String refreshToken, RateLimitDecision decision) {
    }

    /** A validated sign-up form. */
    public record Registration(String email, String username, String displayName, String password) {

        /** The form of a sign-up body {@code {email, username, password, displayName?}}, validated (400 naming each field). */
        public static Registration read(ObjectNode body) {
            JsonFields fields = JsonFields.of(body).allowOnly(Set.of("email", "username", "password", "displayName"));
            String email = fields.matching("email", fields.requiredString("email", 3, 254), AuthHandler.EMAIL, "must be an email address");
            String username = fields.matching("username", fields.requiredString("username", 3, 30), AuthHandler.USERNAME,
                    "must be 3 to 30 letters, digits, '_' or '-'");
            String password = fields.requiredString("password", PasswordHasher.MIN_LENGTH, PasswordHasher.MAX_LENGTH);
            if (password != null && password.isBlank()) {
                fields.reject("password", "must not be only spaces");
            }
            String displayName = fields.optionalString("displayName", 1, 100).orElse(username);
            fields.validate();
            return new Registration(email, username, displayName, password);
        }
    }

    /** A sign-in form: the account's email or username, and the password. */
    public record Credentials(String login, String password) {

        /** The form of a sign-in body whose account is named by {@code loginMember} ({@code login}, or {@code email}). */
        public static Credentials read(ObjectNode body, String loginMember) {
            JsonFields fields = JsonFields.of(body).allowOnly(Set.of(loginMember, "password"));
            String login = fields.requiredString(loginMember, 1, 254);
            String password = fields.requiredString("password", 1, PasswordHasher.MAX_LENGTH);
            fields.validate();
            return new Credentials(login, password);
        }
    }

    /**
     * The same session with an access token living {@code ttl} instead (at most {@code DAWG_MAX_ACCESS_TOKEN_TTL}),
     * for a client that cannot refresh while it runs (the DAWG web client refreshes only when a page loads).
     */
    public Session withAccessTokenLiving(Session session, Duration ttl) {
        UserAccount account = session.account();
        return new Session(account, accessTokens.issue(account.id(), account.username(), account.roles(), ttl), session.refreshToken(),
                session.decision());
    }

    /** How long a refresh token (and so its cookie) lives. */
    public Duration refreshTokenTtl() {
        return refreshTokens.ttl();
    }

    /**
     * Ends a session: the refresh token's family, and the access token (refused from now on by every node, and the
     * sockets it opened are closed). Either may be null; an access token that is not valid (expired, say) needs no
     * ending and is passed over.
     */
    public Mono<Void> signOut(String accessToken, String refreshToken) {
        Mono<Void> access = accessToken == null ? Mono.empty() : accessTokens.decoder().decode(accessToken)
                .onErrorResume(JwtException.class, invalid -> Mono.empty())
                .flatMap(revocations::revoke);
        return access.then(refreshToken == null ? Mono.empty() : refreshTokens.revokeFamilyOf(refreshToken));
    }

    /** The bearer token of a request ({@link BearerTokenConverter}), or null; the security filters already refused one that is not valid. */
    public static String bearerTokenOf(ServerRequest request) {
        String authorization = request.headers().firstHeader(HttpHeaders.AUTHORIZATION);
        return authorization == null ? null : BearerTokenConverter.token(authorization);
    }

    /** A new account, counted per address before the form is read and per account name after. */
    public Mono<Session> register(String ip, Mono<Registration> form) {
        return rateLimiter.consume(List.of(new RateLimit("register:ip:" + ip, limits.register(), HOUR)))
                .flatMap(ipDecision -> form.flatMap(registration -> withAccountBudgets(registration, ipDecision)
                        .flatMap(decision -> created(registration, ip, decision))));
    }

    /** Accounts are unique case-insensitively, so are their budgets. */
    private Mono<RateLimitDecision> withAccountBudgets(Registration registration, RateLimitDecision ipDecision) {
        return rateLimiter.consume(List.of(
                        new RateLimit("register:email:" + normalised(registration.email()), limits.registerPerAccount(), HOUR),
                        new RateLimit("register:username:" + normalised(registration.username()), limits.registerPerAccount(), HOUR)))
                .map(accountDecision -> RateLimitDecision.mostRestrictive(ipDecision, accountDecision));
    }

    private Mono<Session> created(Registration registration, String ip, RateLimitDecision decision) {
        return passwords.hash(registration.password())
                .flatMap(hash -> accounts.create(registration.email().trim(), registration.username(),
                        registration.displayName().trim(), hash, EnumSet.of(Role.USER)))
                .flatMap(account -> started(account, ip, decision));
    }

    /** Sign-in with a password (401 when the login or the password is wrong, 429 when a budget is spent). */
    public Mono<Session> login(Credentials credentials, String ip) {
        return login(credentials.login(), credentials.password(), ip);
    }

    private Mono<Session> login(String login, String password, String ip) {
        return rateLimiter.consume(List.of(new RateLimit("login:ip:" + ip, limits.loginPerIp(), MINUTE)))
                .flatMap(ipDecision -> accounts.findByLogin(login.trim()).map(Optional::of).defaultIfEmpty(Optional.empty())
                        .map(found -> new Attempt(login, ip, found))
                        .flatMap(attempt -> spendFailureBudgets(attempt, ipDecision)
                                .flatMap(decision -> passwordChecked(attempt, password, decision))));
    }

    /** One sign-in attempt: what it named, where from, and the account it named if there is one. */
    private record Attempt(String login, String ip, Optional<UserAccount> found) {
    }

    /**
     * The budgets a failed sign-in spends, counted once per account whether it is named by email or by username:
     * one per account and address (a minute), and, from an address that never signed in to the account, one the
     * account shares with every such address (an hour). Guesses from anywhere are bounded, and none of them can
     * spend the budget of an address the owner signs in from.
     */
    private List<RateLimit> failureBudgets(Attempt attempt) {
        String account = attempt.found().map(known -> "user:" + known.id()).orElseGet(() -> "unknown:" + normalised(attempt.login()));
        return List.of(new RateLimit("login:failures:" + account + ":ip:" + attempt.ip(), limits.login(), MINUTE),
                new RateLimit("login:failures:" + account + ":new-addresses", limits.loginPerAccount(), HOUR));
    }

    /**
     * Counts the attempt on both failure budgets before the password is checked (parallel attempts cannot all pass
     * one check), and refuses it (429) when a budget that applies to it is spent: the per-address one always, the
     * per-account one only from an address that never signed in to the account. Every failure counts on the
     * per-account budget (it bounds guesses at the account in all); none of them can refuse a known address.
     * The Redis calls run side by side, so a Redis that does not answer delays a login by one timeout, not three.
     */
    private Mono<RateLimitDecision> spendFailureBudgets(Attempt attempt, RateLimitDecision ipDecision) {
        List<RateLimit> budgets = failureBudgets(attempt);
        Mono<Boolean> knownAddress = attempt.found().map(known -> signInAddresses.known(known.id(), attempt.ip()))
                .orElseGet(() -> Mono.just(false));
        return Mono.zip(knownAddress, rateLimiter.consume(budgets.get(0)), rateLimiter.consume(budgets.get(1)))
                .flatMap(counted -> {
                    RateLimitDecision decision = RateLimitDecision.mostRestrictive(ipDecision, counted.getT2());
                    if (!counted.getT1()) {
                        decision = RateLimitDecision.mostRestrictive(decision, counted.getT3());
                    }
                    return decision.allowed() ? Mono.just(decision) : Mono.error(decision.toProblem());
                });
    }

    private Mono<Session> passwordChecked(Attempt attempt, String password, RateLimitDecision decision) {
        return passwords.matches(password, attempt.found().map(UserAccount::passwordHash).orElse(null)).flatMap(ok -> {
            if (!ok) {
                return Mono.error(ApiProblem.unauthorized("Wrong login or password"));
            }
            // Only failures spend these budgets: a success gives its attempt back. The answer need not wait (the one
            // Redis connection keeps the order of commands).
            rateLimiter.giveBack(failureBudgets(attempt)).subscribe();
            return started(attempt.found().get(), attempt.ip(), decision);
        });
    }

    /** The refresh token (read only once the address's limit allows) spent for a new pair of tokens. */
    public Mono<Session> refresh(String ip, Mono<String> presentedToken) {
        return rateLimiter.consume(List.of(new RateLimit("refresh:ip:" + ip, limits.refresh(), MINUTE)))
                .flatMap(ipDecision -> presentedToken.flatMap(token -> withUserBudget(token, ipDecision)
                        .flatMap(decision -> rotated(token, ip, decision))));
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

    private Mono<Session> rotated(String refreshToken, String ip, RateLimitDecision decision) {
        return refreshTokens.rotate(refreshToken)
                .flatMap(rotation -> accounts.findById(rotation.userId())
                        .switchIfEmpty(Mono.error(() -> ApiProblem.unauthorized("The account no longer exists")))
                        .map(account -> session(account, rotation.nextToken(), ip, decision)));
    }

    /** A session with a new refresh-token family. */
    private Mono<Session> started(UserAccount account, String ip, RateLimitDecision decision) {
        return refreshTokens.startFamily(account.id()).map(refreshToken -> session(account, refreshToken, ip, decision));
    }

    private Session session(UserAccount account, String refreshToken, String ip, RateLimitDecision decision) {
        AccessTokens.IssuedToken access = accessTokens.issue(account.id(), account.username(), account.roles());
        // Bookkeeping the answer need not wait for (it has its own timeout).
        signInAddresses.remember(account.id(), ip).subscribe();
        return new Session(account, access, refreshToken, decision);
    }

    private static String normalised(String accountName) {
        return accountName.trim().toLowerCase(Locale.ROOT);
    }
}
