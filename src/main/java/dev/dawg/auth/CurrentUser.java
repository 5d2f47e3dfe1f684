package dev.dawg.auth;

import java.util.EnumSet;
import java.util.Set;
import java.util.UUID;

import dev.dawg.platform.web.ApiProblem;
import dev.dawg.users.Role;

/**
 * The authenticated caller of a request: from an access token (every scope) or an API key (its scopes only).
 */
public record CurrentUser(UUID id, String username, Set<Role> roles, Set<Scope> scopes, boolean viaApiKey) {

    static final String NO_API_KEY = "API keys cannot manage the account or its API keys; sign in";

    public static CurrentUser fromAccessToken(UUID id, String username, Set<Role> roles) {
        return new CurrentUser(id, username, Set.copyOf(roles), EnumSet.allOf(Scope.class), false);
    }

    public boolean isAdmin() {
        return roles.contains(Role.ADMIN);
    }

    public boolean has(Scope scope) {
        return scopes.contains(scope);
    }

    /** Fails with 403 {@code INSUFFICIENT_SCOPE}, naming what is missing, when an API key lacks a scope the operation needs. */
    public CurrentUser require(Scope... needed) {
        new RouteAccess(RouteAccess.Kind.SCOPES, Set.of(needed)).check(java.util.Optional.of(this));
        return this;
    }

    public CurrentUser requireAdmin() {
        if (!isAdmin()) {
            throw ApiProblem.forbidden("Only administrators may do this");
        }
        return this;
    }
}
