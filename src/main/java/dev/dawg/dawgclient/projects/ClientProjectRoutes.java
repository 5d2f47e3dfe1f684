package dev.dawg.dawgclient.projects;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

import dev.dawg.assets.AssetProperties;
import dev.dawg.dawgclient.DawgClientProperties;
import dev.dawg.platform.web.RequestBodyAllowance;
import dev.dawg.projects.ProjectWriteBudget;
import dev.dawg.sharing.ProjectAccess;

import static dev.dawg.auth.RouteAccess.anyone;
import static dev.dawg.auth.RouteAccess.signedIn;
import static dev.dawg.auth.Scope.ASSETS_READ;
import static dev.dawg.auth.Scope.ASSETS_WRITE;
import static dev.dawg.auth.Scope.PROJECTS_READ;
import static dev.dawg.auth.Scope.PROJECTS_WRITE;
import static dev.dawg.sharing.AccessLevel.EDIT;
import static dev.dawg.sharing.AccessLevel.OWNER;
import static dev.dawg.sharing.AccessLevel.VIEW;

/**
 * The DAWG client's {@code /projects} routes under the dialect's base path, declared as the native ones are: the
 * same scopes, the same write budgets (spent before the access check) and the same access levels.
 */
@Configuration(proxyBeanMethods = false)
class ClientProjectRoutes {

    @Bean
    RouterFunction<ServerResponse> dawgClientProjectRouter(ClientProjectHandler projects, ProjectAccess access, ProjectWriteBudget budget,
            DawgClientProperties properties) {
        return RouterFunctions.route()
                .path(properties.path() + "/projects", builder -> builder
                        .GET("", anyone(PROJECTS_READ, projects::list))
                        .POST("", signedIn(PROJECTS_WRITE, budget.creating(projects::create)))
                        // The read decides access itself, from cached metadata when it can.
                        .GET("/{id}", anyone(PROJECTS_READ, projects::get))
                        .PUT("/{id}", signedIn(PROJECTS_WRITE, budget.writing(access.onPath(EDIT, projects::update))))
                        .DELETE("/{id}", signedIn(PROJECTS_WRITE, access.onPath(OWNER, projects::delete)))
                        .POST("/{id}/upload-preview", signedIn(ASSETS_WRITE, access.onPath(EDIT, projects::uploadPreview)))
                        .GET("/{id}/preview/file", anyone(ASSETS_READ, access.onPath(VIEW, projects::previewFile))))
                .build();
    }

    /** The rendered preview's multipart body: up to the upload limit, as the native preview upload. */
    @Bean
    RequestBodyAllowance dawgClientPreviewBodies(AssetProperties assets, DawgClientProperties properties) {
        return RequestBodyAllowance.of(HttpMethod.POST, assets.maxUploadSize().toBytes() + 1024 * 1024,
                properties.path() + "/projects/{id}/upload-preview");
    }
}
