package dev.dawg.platform.docs;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.web.reactive.function.server.RequestPredicate;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

import dev.dawg.auth.RouteAccess;
import dev.dawg.auth.RouteScopes;
import dev.dawg.dawgclient.DawgClientProperties;
import dev.dawg.support.IntegrationTest;
import dev.dawg.platform.web.OpenRoute;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Keeps the OpenAPI document true: every registered route (and WebSocket endpoint) must be in it, and nothing
 * else, each with the API key scopes its router declares ({@link RouteScopes}, the table the server enforces).
 */
@IntegrationTest
class ApiDocumentationTests {

    /** Routes that are infrastructure rather than API. */
    private static final Set<String> UNDOCUMENTED = Set.of("GET /v3/api-docs");
    private static final Set<String> METHODS = Set.of("get", "post", "put", "patch", "delete");

    @Autowired
    RouteScopes routeScopes;
    @Autowired
    DawgClientProperties clientApi;

    @Test
    void shouldDocumentEveryRegisteredRouteAndNoOther() {
        Set<String> registered = new TreeSet<>();
        // The DAWG client's dialect is that client's contract, not ours: described in the README, not in our document.
        routeScopes.routes().stream().filter(route -> !clientApi.covers(route.path())).forEach(route -> registered.add(route.toString()));
        registered.removeAll(UNDOCUMENTED);

        assertThat(documentedOperations().keySet()).as("documented in openapi/dawg-api.yaml").containsExactlyInAnyOrderElementsOf(registered);
    }

    /**
     * An operation an API key may call lists {@code apiKey} in its {@code security} with exactly the scopes the route
     * declares (OpenAPI 3.1 lets a non-OAuth scheme name the roles it needs); one no key may call does not list it.
     */
    @Test
    void shouldDocumentTheApiKeyScopesEachRouteDeclares() {
        Map<String, Map<String, Object>> operations = documentedOperations();
        List<String> wrong = new ArrayList<>();
        for (RouteScopes.Route route : routeScopes.routes()) {
            Map<String, Object> operation = operations.get(route.toString());
            if (operation == null) {
                continue;
            }
            List<String> documented = apiKeyScopes(operation);
            RouteAccess access = route.access();
            boolean right = switch (access.kind()) {
                case SCOPES -> access.scopeValues().equals(documented);
                case NO_API_KEY -> documented == null;
                case ANY_CALLER -> documented == null || documented.isEmpty();
            };
            if (!right) {
                wrong.add(route + ": the router declares " + access.kind() + " " + access.scopeValues()
                        + " but the document's apiKey lists " + documented);
            }
        }
        assertThat(wrong).as("operations whose documented API key scopes differ from their route's").isEmpty();
    }

    @Test
    void shouldFailOnARouteWithoutAMethodInsteadOfSkippingIt() {
        RouterFunction<ServerResponse> anyMethod = RouterFunctions.route(RequestPredicates.path("/api/anything"),
                OpenRoute.anyCaller(request -> ServerResponse.ok().build()));
        assertThatThrownBy(() -> RouteScopes.of(anyMethod))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("/api/anything").hasMessageContaining("names no HTTP method");
    }

    @Test
    void shouldFailOnARouteThatDoesNotDeclareWhatAnApiKeyNeeds() {
        RouterFunction<ServerResponse> undeclared = RouterFunctions.route().GET("/api/forgotten", request -> ServerResponse.ok().build()).build();
        assertThatThrownBy(() -> RouteScopes.of(undeclared))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("/api/forgotten").hasMessageContaining("RouteAccess.signedIn");
    }

    @Test
    void shouldFailOnRoutersAndPredicatesItCannotRead() {
        RouterFunction<ServerResponse> opaqueRouter = request -> Mono.empty();
        assertThatThrownBy(() -> RouteScopes.of(opaqueRouter))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("router of a kind RouteTable cannot read");

        RequestPredicate opaquePredicate = request -> true;
        RouterFunction<ServerResponse> opaqueRoute = RouterFunctions.route(opaquePredicate,
                OpenRoute.anyCaller(request -> ServerResponse.ok().build()));
        assertThatThrownBy(() -> RouteScopes.of(opaqueRoute))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("route predicate of a kind RouteTable cannot read");

        RouterFunction<ServerResponse> eitherPath = RouterFunctions.route(
                RequestPredicates.GET("/api/a").or(RequestPredicates.GET("/api/b")), OpenRoute.anyCaller(request -> ServerResponse.ok().build()));
        assertThatThrownBy(() -> RouteScopes.of(eitherPath))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("or(...)");
    }

    /** "METHOD /path" → the operation, for every operation of the document. */
    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> documentedOperations() {
        Map<String, Map<String, Object>> operations = new TreeMap<>();
        Map<String, Map<String, Object>> paths = (Map<String, Map<String, Object>>) ApiDocumentation.load().get("paths");
        paths.forEach((path, items) -> items.forEach((method, operation) -> {
            if (METHODS.contains(method)) {
                operations.put(method.toUpperCase() + " " + path, (Map<String, Object>) operation);
            }
        }));
        return operations;
    }

    /** The scopes the operation's {@code apiKey} requirement lists, sorted; null when it lists no {@code apiKey}. */
    @SuppressWarnings("unchecked")
    private static List<String> apiKeyScopes(Map<String, Object> operation) {
        List<Map<String, List<String>>> security = (List<Map<String, List<String>>>) operation.get("security");
        if (security == null) {
            return null;
        }
        return security.stream().filter(requirement -> requirement.containsKey("apiKey"))
                .map(requirement -> requirement.get("apiKey").stream().sorted().toList())
                .findFirst().orElse(null);
    }
}
