package dev.dawg.social;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/** Routes of likes, comments and plays. */
@Configuration(proxyBeanMethods = false)
class SocialRoutes {

    @Bean
    RouterFunction<ServerResponse> socialRouter(LikeHandler likes, CommentHandler comments, PlayHandler plays) {
        return RouterFunctions.route()
                .POST("/api/projects/{id}/like", likes::like)
                .DELETE("/api/projects/{id}/like", likes::unlike)
                .POST("/api/projects/{id}/comments", comments::create)
                .GET("/api/projects/{id}/comments", comments::list)
                .DELETE("/api/comments/{id}", comments::delete)
                .POST("/api/projects/{id}/plays", plays::play)
                .build();
    }
}
