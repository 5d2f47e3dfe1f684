package dev.dawg.platform.web;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import reactor.core.publisher.Mono;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.HandlerFunction;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * Every router bean asks, before its routes are tried, whether the request's path can match any of them at all: it
 * must start with the literal beginning of one of its route patterns (up to the first variable or wildcard). Spring
 * tries the routers one after the other, and each route's try builds path-matching state and operators; a framework
 * GET of a project went through the 16 routers registered before its own, 15 of which could never match it (routing
 * was a quarter of its allocations, 7 % of its CPU in an async-profiler profile, issue 20). The routers themselves are untouched (filters, attributes, order), and a path
 * the literal test cannot judge (percent-encoded, or with {@code ;} parameters, which Spring's matching decodes or
 * strips) tries every router as before. A router {@link RouteTable} cannot read is left unguarded.
 *
 * <p>Spring joins the routers with {@code andOther}, which for guarded routers gives {@link GuardedRouters}: the same
 * first-match-in-order, without the operators Spring's join builds for every router on every request (the join of
 * 24 routers was another 8 % of a read's allocations).
 */
@Configuration(proxyBeanMethods = false)
class RoutePathGuards {

    @Bean
    static BeanPostProcessor routerPathGuards() {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String beanName) {
                return bean instanceof RouterFunction<?> router ? guard(router) : bean;
            }
        };
    }

    /** The router behind a test of its routes' literal path prefixes; the router itself when it cannot be read. */
    static RouterFunction<?> guard(RouterFunction<?> router) {
        if (router instanceof Guarded<?>) {
            return router;
        }
        List<String> prefixes;
        try {
            prefixes = RouteTable.of(router).stream().map(entry -> literalPrefix(entry.path())).toList();
        }
        catch (IllegalStateException unreadable) {
            return router;
        }
        return new Guarded<>(router, shortest(prefixes));
    }

    /** The prefixes that no other of them begins: a path starting with a longer one starts with its shorter one too. */
    static String[] shortest(List<String> prefixes) {
        List<String> kept = new ArrayList<>();
        prefixes.stream().distinct().sorted(Comparator.comparingInt(String::length)).forEach(prefix -> {
            if (kept.stream().noneMatch(prefix::startsWith)) {
                kept.add(prefix);
            }
        });
        return kept.toArray(String[]::new);
    }

    /** The path route patterns are matched against. */
    private static String guardedPath(ServerRequest request) {
        return request.requestPath().pathWithinApplication().value();
    }

    /** What every path a pattern matches starts with: the pattern up to its first variable or wildcard. */
    static String literalPrefix(String pattern) {
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '{' || c == '*' || c == '?') {
                return pattern.substring(0, i);
            }
        }
        return pattern;
    }

    /** A router tried only for paths that start with one of its prefixes. */
    record Guarded<T extends ServerResponse>(RouterFunction<T> router, String[] prefixes) implements RouterFunction<T> {

        @Override
        public Mono<HandlerFunction<T>> route(ServerRequest request) {
            return mayMatch(guardedPath(request)) ? router.route(request) : Mono.empty();
        }

        boolean mayMatch(String path) {
            if (path.indexOf('%') >= 0 || path.indexOf(';') >= 0) {
                return true; // matched by Spring on the decoded segments without their parameters: let it judge
            }
            for (String prefix : prefixes) {
                if (path.startsWith(prefix)) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public RouterFunction<?> andOther(RouterFunction<?> other) {
            return new GuardedRouters(new Guarded<?>[] { this }).andOther(other);
        }

        @Override
        public void accept(RouterFunctions.Visitor visitor) {
            router.accept(visitor);
        }

        @Override
        public String toString() {
            return router.toString();
        }
    }

    /**
     * Routers joined in order: the first whose route matches answers, as Spring's {@code andOther} join does; a router
     * is tried only if its guard lets the path through.
     */
    record GuardedRouters(Guarded<?>[] routers) implements RouterFunction<ServerResponse> {

        @Override
        public Mono<HandlerFunction<ServerResponse>> route(ServerRequest request) {
            return routeFrom(0, request, guardedPath(request));
        }

        private Mono<HandlerFunction<ServerResponse>> routeFrom(int first, ServerRequest request, String path) {
            int candidate = nextCandidate(first, path);
            if (candidate < 0) {
                return Mono.empty();
            }
            @SuppressWarnings("unchecked")
            Mono<HandlerFunction<ServerResponse>> routed =
                    (Mono<HandlerFunction<ServerResponse>>) (Mono<?>) routers[candidate].router().route(request);
            int after = nextCandidate(candidate + 1, path);
            return after < 0 ? routed : routed.switchIfEmpty(Mono.defer(() -> routeFrom(after, request, path)));
        }

        private int nextCandidate(int from, String path) {
            for (int i = from; i < routers.length; i++) {
                if (routers[i].mayMatch(path)) {
                    return i;
                }
            }
            return -1;
        }

        /** These routers, then {@code other}; a router that is not guarded joins as one tried for every path. */
        @Override
        public RouterFunction<?> andOther(RouterFunction<?> other) {
            List<Guarded<?>> joined = new ArrayList<>(List.of(routers));
            if (other instanceof GuardedRouters more) {
                joined.addAll(List.of(more.routers()));
            }
            else {
                joined.add(other instanceof Guarded<?> guarded ? guarded : new Guarded<>(other, EVERY_PATH));
            }
            return new GuardedRouters(joined.toArray(Guarded<?>[]::new));
        }

        @Override
        public void accept(RouterFunctions.Visitor visitor) {
            for (Guarded<?> router : routers) {
                router.accept(visitor);
            }
        }

        @Override
        public String toString() {
            return List.of(routers).toString();
        }
    }

    /** The prefix of every path: a router that cannot be read is tried for each. */
    private static final String[] EVERY_PATH = { "" };
}
