package dev.dawg.platform.docs;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.core.io.Resource;
import org.springframework.http.HttpMethod;
import org.springframework.web.reactive.function.server.HandlerFunction;
import org.springframework.web.reactive.function.server.RequestPredicate;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.reactive.handler.SimpleUrlHandlerMapping;
import org.springframework.web.reactive.socket.WebSocketHandler;

import dev.dawg.support.IntegrationTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Keeps the OpenAPI document true: every registered route (and WebSocket endpoint) must be in it, and nothing else. */
@IntegrationTest
class ApiDocumentationTests {

    /** Routes that are infrastructure rather than API. */
    private static final Set<String> UNDOCUMENTED = Set.of("GET /v3/api-docs");

    @Autowired
    ApplicationContext context;

    @Test
    void shouldDocumentEveryRegisteredRouteAndNoOther() {
        Set<String> registered = new TreeSet<>();
        context.getBeansOfType(RouterFunction.class).values()
                .forEach(router -> router.accept(new RouteCollector(registered)));
        // WebSocket endpoints are URL-mapped handlers, opened with a GET (the upgrade request).
        context.getBeansOfType(SimpleUrlHandlerMapping.class).values()
                .forEach(mapping -> mapping.getHandlerMap().forEach((path, handler) -> {
                    if (handler instanceof WebSocketHandler) {
                        registered.add("GET " + path);
                    }
                }));
        registered.removeAll(UNDOCUMENTED);

        Set<String> documented = new TreeSet<>();
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> paths = (Map<String, Map<String, Object>>) ApiDocumentation.load().get("paths");
        paths.forEach((path, operations) -> operations.keySet().stream()
                .filter(key -> Set.of("get", "post", "put", "patch", "delete").contains(key))
                .forEach(method -> documented.add(method.toUpperCase() + " " + path)));

        assertThat(documented).as("documented in openapi/dawg-api.yaml").containsExactlyInAnyOrderElementsOf(registered);
    }

    @Test
    void shouldFailOnARouteWithoutAMethodInsteadOfSkippingIt() {
        RouterFunction<ServerResponse> anyMethod = RouterFunctions.route(RequestPredicates.path("/api/anything"),
                request -> ServerResponse.ok().build());
        assertThatThrownBy(() -> anyMethod.accept(new RouteCollector(new TreeSet<>())))
                .isInstanceOf(AssertionError.class).hasMessageContaining("/api/anything").hasMessageContaining("names no HTTP method");
    }

    @Test
    void shouldFailOnRoutersAndPredicatesItCannotRead() {
        RouterFunction<ServerResponse> opaqueRouter = request -> Mono.empty();
        assertThatThrownBy(() -> opaqueRouter.accept(new RouteCollector(new TreeSet<>())))
                .isInstanceOf(AssertionError.class).hasMessageContaining("router of a kind this test cannot read");

        RequestPredicate opaquePredicate = request -> true;
        RouterFunction<ServerResponse> opaqueRoute = RouterFunctions.route(opaquePredicate, request -> ServerResponse.ok().build());
        assertThatThrownBy(() -> opaqueRoute.accept(new RouteCollector(new TreeSet<>())))
                .isInstanceOf(AssertionError.class).hasMessageContaining("route predicate of a kind this test cannot read");

        RouterFunction<ServerResponse> eitherPath = RouterFunctions.route(
                RequestPredicates.GET("/api/a").or(RequestPredicates.GET("/api/b")), request -> ServerResponse.ok().build());
        assertThatThrownBy(() -> eitherPath.accept(new RouteCollector(new TreeSet<>())))
                .isInstanceOf(AssertionError.class).hasMessageContaining("or(...)");
    }

    /**
     * Flattens nested functional routes into "METHOD /path/{var}" strings. Whatever it cannot read for certain
     * (another kind of router or predicate, a route without a method) fails the test rather than being skipped,
     * so a route can never drop out of the comparison unnoticed.
     */
    private static final class RouteCollector implements RouterFunctions.Visitor {

        private final Set<String> routes;
        private final Deque<String> prefixes = new ArrayDeque<>();

        RouteCollector(Set<String> routes) {
            this.routes = routes;
        }

        @Override
        public void startNested(RequestPredicate predicate) {
            PredicateReader reader = PredicateReader.read(predicate);
            prefixes.push(currentPrefix() + reader.path);
        }

        @Override
        public void endNested(RequestPredicate predicate) {
            prefixes.pop();
        }

        @Override
        public void route(RequestPredicate predicate, HandlerFunction<?> handlerFunction) {
            PredicateReader reader = PredicateReader.read(predicate);
            String path = currentPrefix() + reader.path;
            if (reader.methods.isEmpty()) {
                throw new AssertionError("The route " + predicate + " (at " + (path.isEmpty() ? "/" : path)
                        + ") names no HTTP method, so it cannot be checked against the document: give it one");
            }
            for (String method : reader.methods) {
                routes.add(method + " " + (path.isEmpty() ? "/" : path));
            }
        }

        @Override
        public void resources(Function<ServerRequest, Mono<Resource>> lookupFunction) {
            throw new AssertionError("A router serves resources (" + lookupFunction
                    + "); this test cannot list what it answers: document it and teach RouteCollector to read it");
        }

        @Override
        public void attributes(Map<String, Object> attributes) {
        }

        @Override
        public void unknown(RouterFunction<?> routerFunction) {
            throw new AssertionError("A router of a kind this test cannot read (" + routerFunction.getClass().getName() + ": "
                    + routerFunction + "); its routes would go unchecked: teach RouteCollector to read it");
        }

        private String currentPrefix() {
            return prefixes.isEmpty() ? "" : prefixes.peek();
        }
    }

    private static final class PredicateReader implements RequestPredicates.Visitor {

        String path = "";
        final Set<String> methods = new TreeSet<>();

        static PredicateReader read(RequestPredicate predicate) {
            PredicateReader reader = new PredicateReader();
            predicate.accept(reader);
            return reader;
        }

        @Override
        public void method(Set<HttpMethod> httpMethods) {
            httpMethods.forEach(method -> methods.add(method.name()));
        }

        @Override
        public void path(String pattern) {
            path += pattern;
        }

        @Override
        public void pathExtension(String extension) {
        }

        @Override
        public void header(String name, String value) {
        }

        @Override
        public void queryParam(String name, String value) {
        }

        @Override
        public void version(String version) {
        }

        @Override
        public void startAnd() {
        }

        @Override
        public void and() {
        }

        @Override
        public void endAnd() {
        }

        @Override
        public void startOr() {
            throw new AssertionError("A route predicate with or(...) matches several paths or methods; this test reads one: "
                    + "split it into separate routes or teach PredicateReader to read it");
        }

        @Override
        public void or() {
        }

        @Override
        public void endOr() {
        }

        @Override
        public void startNegate() {
            throw new AssertionError("A negated route predicate cannot be listed as paths and methods: teach PredicateReader to read it");
        }

        @Override
        public void endNegate() {
        }

        @Override
        public void unknown(RequestPredicate predicate) {
            throw new AssertionError("A route predicate of a kind this test cannot read (" + predicate.getClass().getName() + ": "
                    + predicate + "): teach PredicateReader to read it");
        }
    }
}
