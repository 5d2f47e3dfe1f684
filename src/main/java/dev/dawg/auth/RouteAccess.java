package dev.dawg.auth;

import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import reactor.core.publisher.Mono;

import org.springframework.web.reactive.function.server.HandlerFunction;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

import dev.dawg.platform.web.ApiProblem;

/**
 * What an API key must hold to call a route, and whether it needs a signed-in caller. Every route states it next to
 * its path in its feature's router: {@code .GET("/{id}/shares", RouteAccess.signedIn(PROJECTS_READ, PROJECTS_WRITE,
 * shares::list))}; the handler is then handed the caller, resolved once here. The check runs
 * once the route has matched and before its handler, so the rule that applies is always the route's own, and a
 * key that lacks it gets 403 {@code INSUFFICIENT_SCOPE} whatever the path names (a dummy id included).
 * Signed-in users (access tokens) hold every scope; an anonymous caller gets 401 on a {@code signedIn} or
 * {@code account} route and reaches an {@code anyone} route's handler (a public read). {@link RouteScopes} reads these declarations from the routers: the start-up refuses a route without one,
 * and the tests walk every route with every scope.
 */
public record RouteAccess(Kind kind, Set<Scope> scopes) {

    public enum Kind {
        /** An API key needs every one of {@link #scopes()}. */
        SCOPES,
        /** No scope: public routes and the caller's own session (register, login, who am I). */
        ANY_CALLER,
        /** The account itself (profile, API keys): only a signed-in user, never an API key. */
        NO_API_KEY
    }

    public RouteAccess {
        scopes = scopes.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(scopes));
        if ((kind == Kind.SCOPES) == scopes.isEmpty()) {
            throw new IllegalArgumentException("Scopes are named by, and only by, a SCOPES rule");
        }
    }

    /** Anyone, signed in or not, may call; an API key needs {@code scope}. The handler is handed the caller, if any. */
    public static HandlerFunction<ServerResponse> anyone(Scope scope, CallerHandler handler) {
        return new Guarded(new RouteAccess(Kind.SCOPES, Set.of(scope)), handler);
    }

    /** Only a signed-in caller (401 otherwise); an API key needs {@code scope}. The handler is handed the caller. */
    public static HandlerFunction<ServerResponse> signedIn(Scope scope, SignedInHandler handler) {
        return new Guarded(new RouteAccess(Kind.SCOPES, Set.of(scope)), signedInOnly(handler));
    }

    public static HandlerFunction<ServerResponse> signedIn(Scope scope, Scope alsoScope, SignedInHandler handler) {
        return new Guarded(new RouteAccess(Kind.SCOPES, Set.of(scope, alsoScope)), signedInOnly(handler));
    }

    /** Any signed-in caller (401 otherwise), an API key of any scope included: who am I. */
    public static HandlerFunction<ServerResponse> signedInAnyScope(SignedInHandler handler) {
        return new Guarded(new RouteAccess(Kind.ANY_CALLER, Set.of()), signedInOnly(handler));
    }

    /** The account itself (profile, API keys): only a signed-in user, 403 for an API key, 401 when anonymous. */
    public static HandlerFunction<ServerResponse> account(SignedInHandler handler) {
        return new Guarded(new RouteAccess(Kind.NO_API_KEY, Set.of()), signedInOnly(handler));
    }

    /** The 401 of a route that needs a signed-in caller. */
    public static ApiProblem signInRequired() {
        return ApiProblem.unauthorized("Sign in, or send an API key, to do this");
    }

    private static CallerHandler signedInOnly(SignedInHandler handler) {
        return (request, caller) -> caller.isPresent() ? handler.handle(request, caller.get())
                : Mono.error(signInRequired());
    }

    /** Whether a caller holding {@code held} (an API key's scopes) may call the route. */
    public boolean allowsApiKeyWith(Set<Scope> held) {
        return switch (kind) {
            case ANY_CALLER -> true;
            case NO_API_KEY -> false;
            case SCOPES -> held.containsAll(scopes);
        };
    }

    /** The scopes as written in the API ({@code projects:read}), sorted. */
    public List<String> scopeValues() {
        return scopes.stream().map(Scope::value).sorted().toList();
    }

    /** Throws 403 {@code INSUFFICIENT_SCOPE} when an API key may not call the route. */
    void check(Optional<CurrentUser> caller) {
        if (caller.isEmpty() || !caller.get().viaApiKey() || allowsApiKeyWith(caller.get().scopes())) {
            return;
        }
        if (kind == Kind.NO_API_KEY) {
            throw ApiProblem.insufficientScope(CurrentUser.NO_API_KEY);
        }
        Set<Scope> missing = EnumSet.copyOf(scopes);
        missing.removeAll(caller.get().scopes());
        String named = missing.stream().map(scope -> "'" + scope.value() + "'").sorted().collect(Collectors.joining(" and "));
        throw ApiProblem.insufficientScope("This API key lacks the " + named + (missing.size() == 1 ? " scope" : " scopes"))
                .with("requiredScopes", scopeValues());
    }

    /**
     * A route's handler behind its declared access: the caller is resolved once, checked against the rule, and handed
     * to the handler. {@link RouteScopes} recognises it when it lists the routes.
     */
    public record Guarded(RouteAccess access, CallerHandler handler) implements HandlerFunction<ServerResponse> {

        @Override
        public Mono<ServerResponse> handle(ServerRequest request) {
            return request.principal()
                    .map(principal -> Optional.ofNullable(CallerAuthentication.currentUser(principal)))
                    .defaultIfEmpty(Optional.empty())
                    .flatMap(caller -> {
                        access.check(caller);
                        return handler.handle(request, caller);
                    });
        }

        /**
         * Fixed: Spring's dispatcher names the handler in a checkpoint on every request, and a record's own
         * {@code toString} formatted the rule and its scope set each time (issue 20).
         */
        @Override
        public String toString() {
            return "RouteAccess.Guarded";
        }
    }
}
