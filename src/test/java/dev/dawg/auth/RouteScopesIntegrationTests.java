package dev.dawg.auth;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.dawg.support.Api;
import dev.dawg.support.Api.User;
import dev.dawg.support.IntegrationTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Calls every registered route (the same {@link RouteScopes} table the start-up checks and the API documentation
 * test reads, so a new route cannot be left out) with an API key of each single scope, a key of every scope and a
 * signed-in session: where the route's declaration allows the caller, anything but 403 {@code INSUFFICIENT_SCOPE}
 * (a dummy id answers 404, an empty body 400...); everywhere else exactly that refusal, as problem+json (under the
 * DAWG client's dialect, in its own error shape).
 */
@IntegrationTest
class RouteScopesIntegrationTests {

    @Autowired
    Api api;
    @Autowired
    RouteScopes routeScopes;
    @Autowired
    dev.dawg.dawgclient.DawgClientProperties dialect;

    /** A caller of the walk: an API key with these scopes, or (null scopes) a signed-in session. */
    record Caller(String name, Set<Scope> scopes, String header, String credential) {
    }

    @Test
    void shouldAllowEachRouteExactlyToTheKeysItsDeclaredScopeCovers() {
        User owner = api.signUp();
        List<Caller> callers = new ArrayList<>();
        for (Scope scope : Scope.values()) {
            callers.add(new Caller("key with " + scope.value(), EnumSet.of(scope), "X-API-Key",
                    api.createApiKey(owner, List.of(scope.value()))));
        }
        callers.add(new Caller("key with every scope", EnumSet.allOf(Scope.class), "X-API-Key",
                api.createApiKey(owner, java.util.Arrays.stream(Scope.values()).map(Scope::value).toList())));
        callers.add(new Caller("signed-in session", null, HttpHeaders.AUTHORIZATION, owner.bearer()));

        // Logouts last: they may end the session the walk signs in with.
        List<RouteScopes.Route> routes = routeScopes.routes().stream()
                .sorted(Comparator.comparing((RouteScopes.Route route) -> route.path().endsWith("/auth/logout")))
                .toList();
        assertThat(routes).extracting(RouteScopes.Route::toString)
                .contains("GET /api/projects/{id}/shares", "POST /api/projects/{id}/shares", "GET /api/projects/{id}/comments", "GET /ws")
                .hasSizeGreaterThan(40);

        List<String> wrong = new ArrayList<>();
        Map<String, Integer> refusals = new LinkedHashMap<>();
        for (RouteScopes.Route route : routes) {
            for (Caller caller : callers) {
                boolean allowed = caller.scopes() == null || route.access().allowsApiKeyWith(caller.scopes());
                EntityExchangeResult<byte[]> result = call(route, caller);
                int status = result.getStatus().value();
                String body = result.getResponseBody() == null ? "" : new String(result.getResponseBody(), StandardCharsets.UTF_8);
                String shown = body.length() > 300 ? body.substring(0, 300) + "..." : body;
                boolean refusedForScope = status == 403 && body.contains("\"code\":\"INSUFFICIENT_SCOPE\"");
                boolean dialectRoute = dialect.covers(route.path());
                boolean sessionRoute = route.path().startsWith("/api/auth/") || route.path().startsWith(dialect.path() + "/auth/");
                // The dialect's co-producer routes are declared out of scope: a 501 in its error shape, never another 5xx.
                boolean declaredNotOffered = dialectRoute && route.path().contains("/co-producer/") && status == 501
                        && body.contains("\"code\":\"NOT_IMPLEMENTED\"");
                if (allowed && (refusedForScope || status == 401 && !sessionRoute || status >= 500 && !declaredNotOffered)) {
                    wrong.add(route + " as " + caller.name() + ": allowed by " + route.access() + " but answered " + status + " " + shown);
                }
                if (!allowed) {
                    MediaType type = result.getResponseHeaders().getContentType();
                    MediaType shape = dialectRoute ? MediaType.APPLICATION_JSON : MediaType.APPLICATION_PROBLEM_JSON;
                    if (!refusedForScope || type == null || !type.isCompatibleWith(shape)) {
                        wrong.add(route + " as " + caller.name() + ": not allowed by " + route.access() + " but answered " + status + " " + shown);
                    }
                    else {
                        refusals.merge(caller.name(), 1, Integer::sum);
                    }
                }
            }
        }
        assertThat(wrong).as("routes answering otherwise than their declared scope says").isEmpty();
        // Every single-scope key was refused somewhere, and the session nowhere.
        assertThat(refusals).containsKeys(java.util.Arrays.stream(Scope.values()).map(scope -> "key with " + scope.value()).toArray(String[]::new))
                .doesNotContainKey("signed-in session");
    }

    private EntityExchangeResult<byte[]> call(RouteScopes.Route route, Caller caller) {
        String path = route.path()
                .replace("{id}", UUID.randomUUID().toString())
                .replace("{uploadId}", UUID.randomUUID().toString())
                .replace("{version}", "1")
                .replace("{token}", "no-such-share-token")
                .replace("{username}", "no_such_user");
        assertThat(path).as("every path variable of " + route + " is filled").doesNotContain("{");
        HttpMethod method = HttpMethod.valueOf(route.method());
        WebTestClient.RequestBodySpec request = api.http().method(method).uri(path).header(caller.header(), caller.credential());
        WebTestClient.RequestHeadersSpec<?> ready = method == HttpMethod.POST || method == HttpMethod.PUT || method == HttpMethod.PATCH
                ? request.contentType(MediaType.APPLICATION_JSON).bodyValue("{}")
                : request;
        return ready.exchange().expectBody(byte[].class).returnResult();
    }
}
