package dev.dawg.platform.web;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

import reactor.core.publisher.Mono;

import org.springframework.core.io.Resource;
import org.springframework.http.HttpMethod;
import org.springframework.web.reactive.function.server.HandlerFunction;
import org.springframework.web.reactive.function.server.RequestPredicate;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;

/**
 * A router flattened into its routes: each route's HTTP methods, its whole path pattern (its nests' prefixes
 * included) and its handler. Whatever it cannot read for certain (another kind of router or predicate, an
 * {@code or}, a negation, resources) is an error rather than skipped, so no route can drop out unnoticed: the
 * route → scope table ({@code auth.RouteScopes}) and the routers' path guards ({@link RoutePathGuards}) stand on it.
 */
public final class RouteTable {

    /** One route as its router declares it; {@code methods} (sorted) is empty when its predicate names none. */
    public record Entry(List<String> methods, String path, HandlerFunction<?> handler) {
    }

    private RouteTable() {
    }

    public static List<Entry> of(RouterFunction<?> router) {
        List<Entry> found = new ArrayList<>();
        router.accept(new RouteCollector(found));
        return found;
    }

    private static final class RouteCollector implements RouterFunctions.Visitor {

        private final List<Entry> routes;
        private final Deque<String> prefixes = new ArrayDeque<>();

        RouteCollector(List<Entry> routes) {
            this.routes = routes;
        }

        @Override
        public void startNested(RequestPredicate predicate) {
            prefixes.push(currentPrefix() + PredicateReader.read(predicate).path);
        }

        @Override
        public void endNested(RequestPredicate predicate) {
            prefixes.pop();
        }

        @Override
        public void route(RequestPredicate predicate, HandlerFunction<?> handlerFunction) {
            PredicateReader reader = PredicateReader.read(predicate);
            String path = currentPrefix() + reader.path;
            routes.add(new Entry(List.copyOf(reader.methods), path.isEmpty() ? "/" : path, handlerFunction));
        }

        @Override
        public void resources(Function<ServerRequest, Mono<Resource>> lookupFunction) {
            throw new IllegalStateException("A router serves resources (" + lookupFunction
                    + "); what it answers cannot be listed: declare and document it and teach RouteTable to read it");
        }

        @Override
        public void attributes(Map<String, Object> attributes) {
        }

        @Override
        public void unknown(RouterFunction<?> routerFunction) {
            throw new IllegalStateException("A router of a kind RouteTable cannot read (" + routerFunction.getClass().getName() + ": "
                    + routerFunction + "); its routes would go unchecked: teach RouteTable to read it");
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
            throw new IllegalStateException("A route predicate with or(...) matches several paths or methods; RouteTable reads one: "
                    + "split it into separate routes or teach RouteTable to read it");
        }

        @Override
        public void or() {
        }

        @Override
        public void endOr() {
        }

        @Override
        public void startNegate() {
            throw new IllegalStateException("A negated route predicate cannot be listed as paths and methods: teach RouteTable to read it");
        }

        @Override
        public void endNegate() {
        }

        @Override
        public void unknown(RequestPredicate predicate) {
            throw new IllegalStateException("A route predicate of a kind RouteTable cannot read (" + predicate.getClass().getName() + ": "
                    + predicate + "): teach RouteTable to read it");
        }
    }
}
