package dev.dawg.projects;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

import static dev.dawg.auth.RouteAccess.needs;
import static dev.dawg.auth.Scope.PROJECTS_READ;
import static dev.dawg.auth.Scope.PROJECTS_WRITE;

/** Routes of {@code /api/projects} and project search. */
@Configuration(proxyBeanMethods = false)
class ProjectRoutes {

    @Bean
    RouterFunction<ServerResponse> projectRouter(ProjectHandler projects, ProjectHistoryHandler history,
            ProjectCopyHandler copies, ProjectListHandler lists) {
        return RouterFunctions.route()
                .path("/api/projects", builder -> builder
                        .GET("", needs(PROJECTS_READ, lists::own))
                        .POST("", needs(PROJECTS_WRITE, projects::create))
                        .POST("/import", needs(PROJECTS_WRITE, copies::importProject))
                        .GET("/{id}", needs(PROJECTS_READ, projects::get))
                        .PUT("/{id}", needs(PROJECTS_WRITE, projects::replace))
                        .PATCH("/{id}", needs(PROJECTS_WRITE, projects::patch))
                        .DELETE("/{id}", needs(PROJECTS_WRITE, projects::delete))
                        .GET("/{id}/versions", needs(PROJECTS_READ, history::list))
                        .GET("/{id}/versions/{version}", needs(PROJECTS_READ, history::get))
                        .PATCH("/{id}/versions/{version}", needs(PROJECTS_WRITE, history::label))
                        .POST("/{id}/versions/{version}/restore", needs(PROJECTS_WRITE, history::restore))
                        .POST("/{id}/duplicate", needs(PROJECTS_WRITE, copies::duplicate))
                        .POST("/{id}/remix", needs(PROJECTS_WRITE, copies::remix))
                        .GET("/{id}/export", needs(PROJECTS_READ, copies::export)))
                .GET("/api/search/projects", needs(PROJECTS_READ, lists::search))
                .build();
    }
}
