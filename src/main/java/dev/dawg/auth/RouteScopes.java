package dev.dawg.auth;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

import reactor.core.publisher.Mono;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.context.ApplicationContext;
import org.springframework.core.io.Resource;
import org.springframework.http.HttpMethod;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.HandlerFunction;
import org.springframework.web.reactive.function.server.RequestPredicate;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.handler.SimpleUrlHandlerMapping;
import org.springframework.web.reactive.socket.WebSocketHandler;

import dev.dawg.platform.web.OpenRoute;

/**
 * The route → scope table: every registered route with the {@link RouteAccess} its router declared next to its
 * path. Read at start-up, which fails on a route without a declaration (so no route can be added without saying
 * what an API key needs for it), by the API documentation test (every route documented, with its scopes) and by
 * the test that calls every route with a key of each scope.
 *
 * <p>WebSocket endpoints take no API key (the handshake authenticates {@code ?token=} itself, and a connection
 * without one is anonymous), so they are {@link RouteAccess.Kind#ANY_CALLER}.
 */
@Component
public class RouteScopes implements SmartInitializingSingleton {

    /** One route as registered: {@code GET /api/projects/{id}}. */
    public record Route(String method, String path, RouteAccess access) {

        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    private static final RouteAccess ANY_CALLER = new RouteAccess(RouteAccess.Kind.ANY_CALLER, Set.of());
    private static final RouteAccess WEBSOCKET = ANY_CALLER;

    private final ApplicationContext context;
    private volatile List<Route> routes;

    RouteScopes(ApplicationContext context) {
        this.context = context;
    }

    @Override
    public void afterSingletonsInstantiated() {
        routes = collect(context);
    }

    /** Every route of the running application, in the order its routers were registered. */
    public List<Route> routes() {
        return routes != null ? routes : collect(context);
    }

    static List<Route> collect(ApplicationContext context) {
        List<Route> found = new ArrayList<>();
        context.getBeanProvider(RouterFunction.class).orderedStream().forEach(router -> found.addAll(of(router)));
        context.getBeansOfType(SimpleUrlHandlerMapping.class).values()
                .forEach(mapping -> mapping.getHandlerMap().forEach((path, handler) -> {
                    if (handler instanceof WebSocketHandler) {
                        // Opened with a GET (the upgrade request).
                        found.add(new Route("GET", path.getPatternString(), WEBSOCKET));
                    }
                }));
        return List.copyOf(found);
    }

    /**
     * Flattens one (possibly nested) router into its routes. Whatever it cannot read for certain (another kind of
     * router or predicate, a route without a method or without a declared access) is an error rather than skipped,
     * so a route can never drop out of the table unnoticed.
     */
    public static List<Route> of(RouterFunction<?> router) {
        List<Route> found = new ArrayList<>();
        router.accept(new RouteCollector(found));
        return found;
    }

    private static final class RouteCollector implements RouterFunctions.Visitor {

        private final List<Route> routes;
        private final Deque<String> prefixes = new ArrayDeque<>();

        RouteCollector(List<Route> routes) {
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
            String shown = path.isEmpty() ? "/" : path;
            if (reader.methods.isEmpty()) {
                throw new IllegalStateException("The route " + predicate + " (at " + shown
                        + ") names no HTTP method, so neither its scope nor its documentation can be checked: give it one");
            }
            RouteAccess access;
            if (handlerFunction instanceof RouteAccess.Guarded guarded) {
                access = guarded.access();
            }
            else if (handlerFunction instanceof OpenRoute) {
                access = ANY_CALLER;
            }
            else {
                throw new IllegalStateException("The route " + reader.methods + " " + shown + " does not declare what an "
                        + "API key needs to call it: wrap its handler in RouteAccess.anyone(scope, ...), RouteAccess.signedIn(scope, ...), "
                        + "RouteAccess.account(...) or OpenRoute.anyCaller(...) in its router");
            }
            for (String method : reader.methods) {
                routes.add(new Route(method, shown, access));
            }
        }

        @Override
        public void resources(Function<ServerRequest, Mono<Resource>> lookupFunction) {
            throw new IllegalStateException("A router serves resources (" + lookupFunction
                    + "); what it answers cannot be listed: declare and document it and teach RouteScopes to read it");
        }

        @Override
        public void attributes(Map<String, Object> attributes) {
        }

        @Override
        public void unknown(RouterFunction<?> routerFunction) {
            throw new IllegalStateException("A router of a kind RouteScopes cannot read (" + routerFunction.getClass().getName() + ": "
                    + routerFunction + "); its routes would go unchecked: teach RouteScopes to read it");
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
            throw new IllegalStateException("A route predicate with or(...) matches several paths or methods; RouteScopes reads one: "
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
            throw new IllegalStateException("A negated route predicate cannot be listed as paths and methods: teach PredicateReader to read it");
        }

        @Override
        public void endNegate() {
        }

        @Override
        public void unknown(RequestPredicate predicate) {
            throw new IllegalStateException("A route predicate of a kind RouteScopes cannot read (" + predicate.getClass().getName() + ": "
                    + predicate + "): teach PredicateReader to read it");
        }
    }
}
