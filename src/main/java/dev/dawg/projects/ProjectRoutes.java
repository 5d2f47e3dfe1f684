package dev.dawg.projects;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/** Routes of {@code /api/projects} and project search. */
@Configuration(proxyBeanMethods = false)
class ProjectRoutes {

    @Bean
    RouterFunction<ServerResponse> projectRouter(ProjectHandler projects, ProjectHistoryHandler history,
            ProjectCopyHandler copies, ProjectListHandler lists) {
        return RouterFunctions.route()
                .path("/api/projects", builder -> builder
                        .GET("", lists::own)
                        .POST("", projects::create)
                        .POST("/import", copies::importProject)
                        .GET("/{id}", projects::get)
                        .PUT("/{id}", projects::replace)
                        .PATCH("/{id}", projects::patch)
                        .DELETE("/{id}", projects::delete)
                        .GET("/{id}/versions", history::list)
                        .GET("/{id}/versions/{version}", history::get)
                        .PATCH("/{id}/versions/{version}", history::label)
                        .POST("/{id}/versions/{version}/restore", history::restore)
                        .POST("/{id}/duplicate", copies::duplicate)
                        .POST("/{id}/remix", copies::remix)
                        .GET("/{id}/export", copies::export))
                .GET("/api/search/projects", lists::search)
                .build();
    }
}
