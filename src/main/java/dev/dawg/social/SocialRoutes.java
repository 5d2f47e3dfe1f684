package dev.dawg.social;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

import dev.dawg.sharing.ProjectAccess;

import static dev.dawg.auth.RouteAccess.anyone;
import static dev.dawg.auth.RouteAccess.signedIn;
import static dev.dawg.auth.Scope.PROJECTS_READ;
import static dev.dawg.auth.Scope.SOCIAL_WRITE;
import static dev.dawg.sharing.AccessLevel.VIEW;

/** Routes of likes, comments, plays and share counts. */
@Configuration(proxyBeanMethods = false)
class SocialRoutes {

    @Bean
    RouterFunction<ServerResponse> socialRouter(LikeHandler likes, CommentHandler comments, PlayHandler plays, ShareCountHandler shares,
            ProjectAccess access) {
        return RouterFunctions.route()
                .POST("/api/projects/{id}/like", signedIn(SOCIAL_WRITE, access.onPath(VIEW, likes::like)))
                .DELETE("/api/projects/{id}/like", signedIn(SOCIAL_WRITE, access.onPath(VIEW, likes::unlike)))
                .POST("/api/projects/{id}/comments", signedIn(SOCIAL_WRITE, access.onPath(VIEW, comments::create)))
                .GET("/api/projects/{id}/comments", anyone(PROJECTS_READ, access.onPath(VIEW, comments::list)))
                // The comment's project is known once the comment is found: the handler asks for the grant then.
                .DELETE("/api/comments/{id}", signedIn(SOCIAL_WRITE, comments::delete))
                // Counting a play is listening: reading the project.
                .POST("/api/projects/{id}/plays", anyone(PROJECTS_READ, access.onPath(VIEW, plays::play)))
                // Reporting a share is a social write, like a like; reading the counts is reading the project.
                .POST("/api/projects/{id}/share-events", signedIn(SOCIAL_WRITE, access.onPath(VIEW, shares::count)))
                .GET("/api/projects/{id}/share-counts", anyone(PROJECTS_READ, access.onPath(VIEW, shares::tally)))
                .build();
    }
}
