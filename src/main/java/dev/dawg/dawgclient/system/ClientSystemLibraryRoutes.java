package dev.dawg.dawgclient.system;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

import dev.dawg.assets.AssetHandler;
import dev.dawg.assets.AssetProperties;
import dev.dawg.dawgclient.DawgClientProperties;
import dev.dawg.platform.web.RequestBodyAllowance;

import static dev.dawg.auth.RouteAccess.anyone;
import static dev.dawg.auth.RouteAccess.signedIn;
import static dev.dawg.auth.Scope.ASSETS_READ;
import static dev.dawg.auth.Scope.ASSETS_WRITE;

/** The DAWG client's sample library routes, under the dialect's base path. */
@Configuration(proxyBeanMethods = false)
class ClientSystemLibraryRoutes {

    /**
     * Ahead of other routers: {@code /assets/system/...} must not be taken for an asset id by a more general
     * {@code /assets/{id}} route of the dialect.
     */
    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE + 100)
    RouterFunction<ServerResponse> clientSystemLibraryRouter(DawgClientProperties properties, ClientSystemLibraryHandler library,
            AssetHandler assets) {
        return RouterFunctions.route().path(properties.path(), base -> base
                        .path("/assets/system", builder -> builder
                                .GET("/packs", anyone(ASSETS_READ, library::packs))
                                .GET("/packs/{id}", anyone(ASSETS_READ, library::pack))
                                .GET("/categories", anyone(ASSETS_READ, library::categories))
                                .GET("/{id}/file", anyone(ASSETS_READ, assets::content))
                                .POST("/{id}/usage", signedIn(ASSETS_READ, library::countUse))
                                .GET("/{id}", anyone(ASSETS_READ, library::get))
                                .GET("", anyone(ASSETS_READ, library::list)))
                        .path("/assets/admin/system", builder -> builder
                                .POST("/assets/upload/request", signedIn(ASSETS_WRITE, library::requestUpload))
                                .POST("/assets/upload/complete", signedIn(ASSETS_WRITE, library::completeUpload))
                                .POST("/packs", signedIn(ASSETS_WRITE, library::createPack))
                                .PUT("/packs/{id}", signedIn(ASSETS_WRITE, library::updatePack))
                                .DELETE("/packs/{id}", signedIn(ASSETS_WRITE, library::deletePack))
                                .PUT("/categories/{id}", signedIn(ASSETS_WRITE, library::updateCategory)))
                        .path("/admin/system/assets", builder -> builder
                                .POST("", signedIn(ASSETS_WRITE, library::upload))
                                .PUT("/{id}", signedIn(ASSETS_WRITE, library::describe))
                                .DELETE("/{id}", signedIn(ASSETS_WRITE, library::remove))))
                .build();
    }

    /** The admin form's upload may send a file up to the upload limit, plus room for its fields. */
    @Bean
    RequestBodyAllowance clientSystemLibraryUploadBodies(DawgClientProperties properties, AssetProperties assets) {
        return RequestBodyAllowance.of(HttpMethod.POST, assets.maxUploadSize().toBytes() + 1024 * 1024, properties.path() + "/admin/system/assets");
    }
}
