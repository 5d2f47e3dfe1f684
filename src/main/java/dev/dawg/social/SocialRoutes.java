package dev.dawg.social;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

import static dev.dawg.auth.RouteAccess.needs;
import static dev.dawg.auth.Scope.PROJECTS_READ;
import static dev.dawg.auth.Scope.SOCIAL_WRITE;

/** Routes of likes, comments and plays. */
@Configuration(proxyBeanMethods = false)
class SocialRoutes {

    @Bean
    RouterFunction<ServerResponse> socialRouter(LikeHandler likes, CommentHandler comments, PlayHandler plays) {
        return RouterFunctions.route()
                .POST("/api/projects/{id}/like", needs(SOCIAL_WRITE, likes::like))
                .DELETE("/api/projects/{id}/like", needs(SOCIAL_WRITE, likes::unlike))
                .POST("/api/projects/{id}/comments", needs(SOCIAL_WRITE, comments::create))
                .GET("/api/projects/{id}/comments", needs(PROJECTS_READ, comments::list))
                .DELETE("/api/comments/{id}", needs(SOCIAL_WRITE, comments::delete))
                // Counting a play is listening: reading the project.
                .POST("/api/projects/{id}/plays", needs(PROJECTS_READ, plays::play))
                .build();
    }
}
