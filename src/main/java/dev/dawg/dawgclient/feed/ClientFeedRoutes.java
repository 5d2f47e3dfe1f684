package dev.dawg.dawgclient.feed;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

import dev.dawg.dawgclient.DawgClientProperties;

import static dev.dawg.auth.RouteAccess.anyone;
import static dev.dawg.auth.Scope.PROJECTS_READ;

/** The DAWG client's feed routes under the dialect's base path, with the access of their native counterparts. */
@Configuration(proxyBeanMethods = false)
class ClientFeedRoutes {

    @Bean
    RouterFunction<ServerResponse> dawgClientFeedRouter(DawgClientProperties properties, ClientFeedHandler feed) {
        return RouterFunctions.route().path(properties.path() + "/feed", b -> b
                .GET("", anyone(PROJECTS_READ, feed::feed))
                .GET("/trending", anyone(PROJECTS_READ, feed::trending)))
                .build();
    }
}
