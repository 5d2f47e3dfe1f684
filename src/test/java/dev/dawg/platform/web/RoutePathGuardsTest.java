package dev.dawg.platform.web;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpMethod;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.reactive.function.server.HandlerFunction;
import org.springframework.web.reactive.function.server.HandlerStrategies;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** A router is tried only for paths that can match one of its routes; everything else is left to Spring's matching. */
class RoutePathGuardsTest {

    private final HandlerFunction<ServerResponse> project = request -> ServerResponse.ok().build();
    private final HandlerFunction<ServerResponse> history = request -> ServerResponse.ok().build();
    private final HandlerFunction<ServerResponse> health = request -> ServerResponse.ok().build();

    private final RouterFunction<ServerResponse> projects = RouterFunctions.route()
            .nest(RequestPredicates.path("/api/projects"), nested -> nested
                    .GET("/{id}", project)
                    .GET("/{id}/history", history))
            .GET("/health", health)
            .build();

    @Test
    void shouldTakeEachPatternUpToItsFirstVariableOrWildcard() {
        assertThat(RoutePathGuards.literalPrefix("/api/projects/{id}/history")).isEqualTo("/api/projects/");
        assertThat(RoutePathGuards.literalPrefix("/api/projects")).isEqualTo("/api/projects");
        assertThat(RoutePathGuards.literalPrefix("/files/**")).isEqualTo("/files/");
        assertThat(RoutePathGuards.literalPrefix("/files/*.wav")).isEqualTo("/files/");
        assertThat(RoutePathGuards.literalPrefix("/v?/x")).isEqualTo("/v");
        assertThat(RoutePathGuards.literalPrefix("/{*rest}")).isEqualTo("/");
    }

    @Test
    void shouldKeepOnlyThePrefixesNoShorterOneBegins() {
        assertThat(RoutePathGuards.shortest(List.of("/api/projects/import", "/api/projects", "/api/projects/", "/api/search/projects",
                "/api/projects"))).containsExactlyInAnyOrder("/api/projects", "/api/search/projects");
        assertThat(RoutePathGuards.shortest(List.of("/api/assets/", "/api/asset-folders"))).containsExactlyInAnyOrder("/api/assets/", "/api/asset-folders");
    }

    @Test
    void shouldGuardWithTheLiteralPrefixesOfItsRoutesNestsIncluded() {
        RoutePathGuards.Guarded<?> guarded = (RoutePathGuards.Guarded<?>) RoutePathGuards.guard(projects);
        assertThat(guarded.prefixes()).containsExactlyInAnyOrder("/api/projects/", "/health");
        assertThat(RoutePathGuards.guard(guarded)).as("guarded once").isSameAs(guarded);
    }

    @Test
    void shouldRouteAsTheRouterDoesWherePrefixesMatch() {
        RouterFunction<?> guarded = RoutePathGuards.guard(projects);
        assertThat(guarded.route(get("/api/projects/7")).block()).isSameAs(project);
        assertThat(guarded.route(get("/api/projects/7/history")).block()).isSameAs(history);
        assertThat(guarded.route(get("/health")).block()).isSameAs(health);
        // The prefix lets it through; the router still decides.
        assertThat(guarded.route(get("/api/projects/7/unknown")).block()).isNull();
        assertThat(guarded.route(get("/healthy")).block()).isNull();
    }

    @Test
    void shouldNotTryTheRouterForAPathNoneOfItsRoutesCanMatch() {
        AtomicInteger tried = new AtomicInteger();
        RouterFunction<ServerResponse> counting = RouterFunctions.route().GET("/api/projects/{id}", project).build()
                .filter((request, next) -> next.handle(request));
        RouterFunction<?> guarded = RoutePathGuards.guard(new CountingRouter(counting, tried));
        assertThat(guarded.route(get("/api/assets/7")).block()).isNull();
        assertThat(guarded.route(get("/api/project")).block()).isNull();
        assertThat(tried).hasValue(0);
        assertThat(guarded.route(get("/api/projects/7")).block()).isNotNull();
        assertThat(tried).hasValue(1);
    }

    @Test
    void shouldLeaveEncodedPathsAndPathParametersToSpringsMatching() {
        RoutePathGuards.Guarded<?> guarded = (RoutePathGuards.Guarded<?>) RoutePathGuards.guard(projects);
        // Spring may match such a path on its decoded segments or without its ;parameters: the router decides, as unguarded.
        for (String path : new String[] { "/api/pro%6Aects/7", "/api;v=1/projects/7", "/api/projects;v=1/7" }) {
            assertThat(guarded.mayMatch(path)).as(path).isTrue();
            assertThat(guarded.route(get(path)).block()).as(path).isSameAs(projects.route(get(path)).block());
        }
        // Spring's patterns are case-sensitive, as the literal test is: neither routes this.
        assertThat(guarded.route(get("/API/projects/7")).block()).isNull();
        assertThat(projects.route(get("/API/projects/7")).block()).isNull();
    }

    @Test
    void shouldLeaveARouterItCannotReadUnguarded() {
        RouterFunction<ServerResponse> opaque = request -> Mono.empty();
        assertThat(RoutePathGuards.guard(opaque)).isSameAs(opaque);
    }

    @Test
    void shouldShowTheRoutersOwnRoutesToVisitors() {
        assertThat(RouteTable.of(RoutePathGuards.guard(projects))).extracting(RouteTable.Entry::path)
                .containsExactly("/api/projects/{id}", "/api/projects/{id}/history", "/health");
    }

    @Test
    void shouldJoinGuardedRoutersSoThatTheFirstMatchInOrderAnswers() {
        HandlerFunction<ServerResponse> shadowed = request -> ServerResponse.ok().build();
        HandlerFunction<ServerResponse> assets = request -> ServerResponse.ok().build();
        AtomicInteger assetsTried = new AtomicInteger();
        RouterFunction<?> joined = RoutePathGuards.guard(projects)
                .andOther(RoutePathGuards.guard(new CountingRouter(RouterFunctions.route().GET("/api/assets/{id}", assets).build(), assetsTried)))
                .andOther(RoutePathGuards.guard(RouterFunctions.route().GET("/api/projects/{id}", shadowed).build()));
        assertThat(joined).isInstanceOfSatisfying(RoutePathGuards.GuardedRouters.class, routers -> assertThat(routers.routers()).hasSize(3));

        assertThat(joined.route(get("/api/projects/7")).block()).as("the first router that matches").isSameAs(project);
        assertThat(joined.route(get("/api/assets/7")).block()).isSameAs(assets);
        assertThat(joined.route(get("/api/presets/7")).block()).isNull();
        assertThat(assetsTried).as("tried for its own path only").hasValue(1);
    }

    @Test
    void shouldTryARouterThatCannotBeReadForEveryPathInItsPlace() {
        HandlerFunction<ServerResponse> anything = request -> ServerResponse.ok().build();
        RouterFunction<ServerResponse> opaque = request -> Mono.just(anything);
        RouterFunction<?> joined = RoutePathGuards.guard(projects).andOther(opaque);
        assertThat(joined.route(get("/api/projects/7")).block()).isSameAs(project);
        assertThat(joined.route(get("/somewhere/else")).block()).isSameAs(anything);
    }

    @Test
    void shouldShowEveryJoinedRoutersRoutesToVisitorsInOrder() {
        RouterFunction<?> joined = RoutePathGuards.guard(RouterFunctions.route().GET("/b", health).build())
                .andOther(RoutePathGuards.guard(projects));
        assertThat(RouteTable.of(joined)).extracting(RouteTable.Entry::path)
                .containsExactly("/b", "/api/projects/{id}", "/api/projects/{id}/history", "/health");
    }

    private static ServerRequest get(String path) {
        return ServerRequest.create(MockServerWebExchange.from(MockServerHttpRequest.method(HttpMethod.GET, path)),
                HandlerStrategies.withDefaults().messageReaders());
    }

    /** A readable router that counts the requests it is asked to route. */
    private record CountingRouter(RouterFunction<ServerResponse> router, AtomicInteger tried) implements RouterFunction<ServerResponse> {

        @Override
        public Mono<HandlerFunction<ServerResponse>> route(ServerRequest request) {
            tried.incrementAndGet();
            return router.route(request);
        }

        @Override
        public void accept(RouterFunctions.Visitor visitor) {
            router.accept(visitor);
        }
    }
}
