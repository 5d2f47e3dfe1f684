package dev.dawg.assets.system;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

import dev.dawg.assets.AssetProperties;
import dev.dawg.platform.web.RequestBodyAllowance;

import static dev.dawg.auth.RouteAccess.anyone;
import static dev.dawg.auth.RouteAccess.signedIn;
import static dev.dawg.auth.Scope.ASSETS_READ;
import static dev.dawg.auth.Scope.ASSETS_WRITE;

/** Routes of the built-in sample library: {@code /api/system-assets}, its categories and packs. */
@Configuration(proxyBeanMethods = false)
class SystemLibraryRoutes {

    @Bean
    RouterFunction<ServerResponse> systemLibraryRouter(SystemLibraryHandler library) {
        return RouterFunctions.route()
                .path("/api/system-assets", builder -> builder
                        .GET("/categories", anyone(ASSETS_READ, library::categories))
                        .POST("/categories", signedIn(ASSETS_WRITE, library::createCategory))
                        .PATCH("/categories/{id}", signedIn(ASSETS_WRITE, library::updateCategory))
                        .DELETE("/categories/{id}", signedIn(ASSETS_WRITE, library::deleteCategory))
                        .GET("/packs", anyone(ASSETS_READ, library::packs))
                        .POST("/packs", signedIn(ASSETS_WRITE, library::createPack))
                        .GET("/packs/{id}", anyone(ASSETS_READ, library::pack))
                        .PATCH("/packs/{id}", signedIn(ASSETS_WRITE, library::updatePack))
                        .DELETE("/packs/{id}", signedIn(ASSETS_WRITE, library::deletePack))
                        .POST("/{id}/usage", signedIn(ASSETS_READ, library::countUse))
                        .GET("/{id}", anyone(ASSETS_READ, library::get))
                        .PATCH("/{id}", signedIn(ASSETS_WRITE, library::describe))
                        .DELETE("/{id}", signedIn(ASSETS_WRITE, library::remove))
                        .GET("", anyone(ASSETS_READ, library::list))
                        .POST("", signedIn(ASSETS_WRITE, library::upload)))
                .build();
    }

    /** An upload into the library may send a file up to the upload limit, plus room for its metadata fields. */
    @Bean
    RequestBodyAllowance systemLibraryUploadBodies(AssetProperties properties) {
        return RequestBodyAllowance.of(HttpMethod.POST, properties.maxUploadSize().toBytes() + 1024 * 1024, "/api/system-assets");
    }
}
