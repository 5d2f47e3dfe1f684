package dev.dawg.dawgclient.library;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

import dev.dawg.assets.AssetHandler;
import dev.dawg.assets.ServerPutUploads;
import dev.dawg.dawgclient.DawgClientProperties;
import dev.dawg.platform.web.OpenRoute;
import dev.dawg.platform.web.RequestBodyAllowance;

import static dev.dawg.auth.RouteAccess.anyone;
import static dev.dawg.auth.RouteAccess.signedIn;
import static dev.dawg.auth.Scope.ASSETS_READ;
import static dev.dawg.auth.Scope.ASSETS_WRITE;

/**
 * The DAWG client's personal library routes ({@code /assets...}) under the dialect's base path, declared as the
 * native ones are: the same scopes, and the file URL under the same access rule as {@code /api/assets/{id}/content}.
 * The system library's {@code /assets/system...} routes are another router's.
 */
@Configuration(proxyBeanMethods = false)
class ClientLibraryRoutes {

    @Bean
    RouterFunction<ServerResponse> dawgClientLibraryRouter(ClientLibraryHandler library, AssetHandler assets, DawgClientProperties properties) {
        return RouterFunctions.route()
                .path(properties.path() + "/assets", builder -> builder
                        .GET("", signedIn(ASSETS_READ, library::list))
                        .GET("/quota", signedIn(ASSETS_READ, library::quota))
                        .POST("/upload/request", signedIn(ASSETS_WRITE, library::requestUpload))
                        .POST("/upload/complete/{id}", signedIn(ASSETS_WRITE, library::complete))
                        .POST("/upload/{id}/credentials", signedIn(ASSETS_WRITE, library::credentials))
                        // Authorised by the upload's own key in AccessKey, as the client sends it to storage: see ServerPutUploads.
                        .PUT("/upload/{id}/content", OpenRoute.anyCaller(library::put))
                        .GET("/folders", signedIn(ASSETS_READ, library::listFolders))
                        .POST("/folders", signedIn(ASSETS_WRITE, library::createFolder))
                        .DELETE("/folders/{id}", signedIn(ASSETS_WRITE, library::deleteFolder))
                        .PATCH("/{id}/rename", signedIn(ASSETS_WRITE, library::rename))
                        .PATCH("/{id}/move", signedIn(ASSETS_WRITE, library::move))
                        .GET("/{id}/file", anyone(ASSETS_READ, assets::fileByItsId))
                        .DELETE("/{id}", signedIn(ASSETS_WRITE, assets::delete)))
                .build();
    }

    /** The bytes of an upload PUT through the dialect: up to the upload limit (the writer stops at the declared size). */
    @Bean
    RequestBodyAllowance dawgClientUploadBodies(ServerPutUploads uploads, DawgClientProperties properties) {
        return RequestBodyAllowance.of(HttpMethod.PUT, uploads.maxBytes(), properties.path() + "/assets/upload/{id}/content");
    }
}
