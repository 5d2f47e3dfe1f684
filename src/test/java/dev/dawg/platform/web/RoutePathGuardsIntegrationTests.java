package dev.dawg.platform.web;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.ApplicationContext;
import org.springframework.http.HttpMethod;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.reactive.function.server.HandlerStrategies;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.support.RouterFunctionMapping;

import dev.dawg.support.IntegrationTest;

import static org.assertj.core.api.Assertions.assertThat;

/** Every router of the application is guarded, and every one of its routes routes through the guard as without it. */
@IntegrationTest
class RoutePathGuardsIntegrationTests {

    private static final Pattern VARIABLE = Pattern.compile("\\{[^}]*}");

    @Autowired
    ApplicationContext context;

    /** The application's routes (Spring Boot's welcome page has a mapping of its own). */
    @Autowired
    @Qualifier("routerFunctionMapping")
    RouterFunctionMapping mapping;

    @Test
    void shouldRouteEveryRouteOfEveryRouterAsTheUnguardedRouterDoes() {
        List<RouterFunction<?>> routers = new ArrayList<>();
        context.getBeanProvider(RouterFunction.class).orderedStream().forEach(routers::add);
        assertThat(routers).hasSizeGreaterThan(20).allSatisfy(router -> assertThat(router).isInstanceOf(RoutePathGuards.Guarded.class));

        List<String> differing = new ArrayList<>();
        int routed = 0;
        int tried = 0;
        for (RouterFunction<?> router : routers) {
            RouterFunction<?> unguarded = ((RoutePathGuards.Guarded<?>) router).router();
            for (RouterFunction<?> other : routers) {
                for (RouteTable.Entry route : RouteTable.of(other)) {
                    String path = VARIABLE.matcher(route.path()).replaceAll("v1");
                    for (String method : route.methods()) {
                        tried++;
                        Object through = router.route(request(method, path)).block();
                        Object without = unguarded.route(request(method, path)).block();
                        if (through != without) {
                            differing.add(method + " " + path + " in " + unguarded + ": " + through + " against " + without);
                        }
                        if (router == other && through != null) {
                            routed++;
                        }
                    }
                }
            }
        }
        assertThat(differing).as("routes answered differently through the guard").isEmpty();
        // Each router's own routes, called on their own paths, nearly all find a handler: the comparison is not of empties.
        long own = routers.stream().mapToLong(router -> RouteTable.of(router).stream().mapToLong(route -> route.methods().size()).sum()).sum();
        assertThat(routed).isGreaterThan((int) (own * 0.9));
        assertThat(tried).isGreaterThan(1000);
    }

    @Test
    void shouldRouteEveryRouteThroughTheJoinedRoutersAsThroughSpringsJoinOfTheUnguardedOnes() {
        List<RouterFunction<?>> routers = new ArrayList<>();
        context.getBeanProvider(RouterFunction.class).orderedStream().forEach(routers::add);
        RouterFunction<?> joined = mapping.getRouterFunction();
        assertThat(joined).isInstanceOfSatisfying(RoutePathGuards.GuardedRouters.class,
                guarded -> assertThat(List.<Object>of(guarded.routers())).containsExactlyElementsOf(routers));
        // Spring's own join (andOther on its router types) of the very same routers, unguarded.
        RouterFunction<?> springs = routers.stream().<RouterFunction<?>>map(router -> ((RoutePathGuards.Guarded<?>) router).router())
                .reduce(RouterFunction::andOther).orElseThrow();
        assertThat(springs).isNotInstanceOf(RoutePathGuards.GuardedRouters.class);

        List<String> differing = new ArrayList<>();
        int found = 0;
        int routes = 0;
        for (RouteTable.Entry route : RouteTable.of(joined)) {
            routes += route.methods().size();
            String path = VARIABLE.matcher(route.path()).replaceAll("v1");
            for (String method : route.methods()) {
                Object through = joined.route(request(method, path)).block();
                Object without = springs.route(request(method, path)).block();
                if (through != without) {
                    differing.add(method + " " + path + ": " + through + " against " + without);
                }
                found += through == null ? 0 : 1;
            }
            Object unknown = joined.route(request("GET", path + "/no-such-route")).block();
            if (unknown != springs.route(request("GET", path + "/no-such-route")).block()) {
                differing.add("GET " + path + "/no-such-route");
            }
        }
        assertThat(differing).as("routes answered differently through the joined guarded routers").isEmpty();
        assertThat(found).as("routes that found a handler on their own path").isGreaterThan((int) (routes * 0.9));
    }

    private static ServerRequest request(String method, String path) {
        return ServerRequest.create(MockServerWebExchange.from(MockServerHttpRequest.method(HttpMethod.valueOf(method), path)),
                HandlerStrategies.withDefaults().messageReaders());
    }
}
