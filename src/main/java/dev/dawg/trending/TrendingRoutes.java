package dev.dawg.trending;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

import static dev.dawg.auth.RouteAccess.anyone;
import static dev.dawg.auth.Scope.PROJECTS_READ;

/** The trending ranking: public projects, so anyone may read it (an API key with projects:read). */
@Configuration(proxyBeanMethods = false)
class TrendingRoutes {

    @Bean
    RouterFunction<ServerResponse> trendingRouter(TrendingHandler trending) {
        return RouterFunctions.route()
                .GET("/api/feed/trending", anyone(PROJECTS_READ, trending::trending))
                .build();
    }
}
