package dev.dawg.projects;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

import dev.dawg.sharing.ProjectAccess;

import static dev.dawg.auth.RouteAccess.anyone;
import static dev.dawg.auth.RouteAccess.signedIn;
import static dev.dawg.auth.Scope.PROJECTS_READ;
import static dev.dawg.auth.Scope.PROJECTS_WRITE;
import static dev.dawg.sharing.AccessLevel.EDIT;
import static dev.dawg.sharing.AccessLevel.OWNER;
import static dev.dawg.sharing.AccessLevel.REMIX;
import static dev.dawg.sharing.AccessLevel.VIEW;

/**
 * Routes of {@code /api/projects} and project search. Writes that store a version spend the caller's write budget
 * before the access check, so a caller past it gets 429 whichever project they name.
 */
@Configuration(proxyBeanMethods = false)
class ProjectRoutes {

    @Bean
    RouterFunction<ServerResponse> projectRouter(ProjectHandler projects, ProjectHistoryHandler history, ProjectCopyHandler copies,
            ProjectListHandler lists, ProjectAccess access, ProjectWriteBudget budget) {
        return RouterFunctions.route()
                .path("/api/projects", builder -> builder
                        .GET("", signedIn(PROJECTS_READ, lists::own))
                        .POST("", signedIn(PROJECTS_WRITE, budget.creating(projects::create)))
                        .POST("/import", signedIn(PROJECTS_WRITE, budget.creating(copies::importProject)))
                        // The read decides access itself, from cached metadata when it can.
                        .GET("/{id}", anyone(PROJECTS_READ, projects::get))
                        .PUT("/{id}", signedIn(PROJECTS_WRITE, budget.writing(access.onPath(EDIT, projects::replace))))
                        .PATCH("/{id}", signedIn(PROJECTS_WRITE, budget.writing(access.onPath(EDIT, projects::patch))))
                        .DELETE("/{id}", signedIn(PROJECTS_WRITE, access.onPath(OWNER, projects::delete)))
                        .GET("/{id}/versions", anyone(PROJECTS_READ, access.onPath(VIEW, history::list)))
                        .GET("/{id}/versions/{version}", anyone(PROJECTS_READ, access.onPath(VIEW, history::get)))
                        .PATCH("/{id}/versions/{version}", signedIn(PROJECTS_WRITE, budget.writing(access.onPath(EDIT, history::label))))
                        .POST("/{id}/versions/{version}/restore", signedIn(PROJECTS_WRITE, budget.writing(access.onPath(EDIT, history::restore))))
                        .POST("/{id}/duplicate", signedIn(PROJECTS_WRITE, budget.creating(access.onPath(OWNER, copies::duplicate))))
                        .POST("/{id}/remix", signedIn(PROJECTS_WRITE, budget.creating(access.onPath(REMIX, copies::remix))))
                        .GET("/{id}/export", anyone(PROJECTS_READ, access.onPath(VIEW, copies::export))))
                .GET("/api/search/projects", anyone(PROJECTS_READ, lists::search))
                .build();
    }
}
