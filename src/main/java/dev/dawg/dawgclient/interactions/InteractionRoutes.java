package dev.dawg.dawgclient.interactions;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

import dev.dawg.dawgclient.DawgClientProperties;
import dev.dawg.projects.ProjectWriteBudget;
import dev.dawg.sharing.ProjectAccess;

import static dev.dawg.auth.RouteAccess.anyone;
import static dev.dawg.auth.RouteAccess.signedIn;
import static dev.dawg.auth.Scope.PROJECTS_READ;
import static dev.dawg.auth.Scope.PROJECTS_WRITE;
import static dev.dawg.auth.Scope.SOCIAL_WRITE;
import static dev.dawg.sharing.AccessLevel.REMIX;
import static dev.dawg.sharing.AccessLevel.VIEW;

/**
 * The DAWG client's interaction routes under the dialect's base path, with the access of their native counterparts.
 * Its remix ({@code POST /interactions/projects/:id/remix}) is the native remix (remix access, the creation budget) with
 * the client's note, answered as the projects' dialect answers a project; its {@code deleteComment} is never sent (the client's API layer defines no such method).
 */
@Configuration(proxyBeanMethods = false)
class InteractionRoutes {

    @Bean
    RouterFunction<ServerResponse> dawgClientInteractionRouter(DawgClientProperties properties, InteractionHandler interactions,
            ClientRemixHandler remixes, ProjectAccess access, ProjectWriteBudget budget) {
        return RouterFunctions.route().path(properties.path() + "/interactions", b -> b
                .POST("/projects/{id}/like", signedIn(SOCIAL_WRITE, access.onPath(VIEW, interactions::toggleLike)))
                .POST("/projects/{id}/comments", signedIn(SOCIAL_WRITE, access.onPath(VIEW, interactions::addComment)))
                .GET("/projects/{id}/comments", anyone(PROJECTS_READ, access.onPath(VIEW, interactions::listComments)))
                .POST("/projects/{id}/share", signedIn(SOCIAL_WRITE, access.onPath(VIEW, interactions::share)))
                .POST("/projects/{id}/remix", signedIn(PROJECTS_WRITE, budget.creating(access.onPath(REMIX, remixes::remix))))
                .POST("/users/{id}/follow", signedIn(SOCIAL_WRITE, interactions::toggleFollow)))
                .build();
    }
}
