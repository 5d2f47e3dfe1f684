package dev.dawg.social.feed;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

import static dev.dawg.auth.RouteAccess.anyone;
import static dev.dawg.auth.Scope.PROJECTS_READ;

/** Routes of the feed: lists of public projects, read by anyone (an API key needs projects:read). */
@Configuration(proxyBeanMethods = false)
class FeedRoutes {

    @Bean
    RouterFunction<ServerResponse> feedRouter(FeedHandler feed) {
        return RouterFunctions.route()
                .GET("/api/feed/trending", anyone(PROJECTS_READ, feed::trending))
                .GET("/api/feed", anyone(PROJECTS_READ, feed::feed))
                .GET("/api/users/{id}/projects", anyone(PROJECTS_READ, feed::projectsOf))
                .build();
    }
}
