package dev.dawg.dawgclient.presets;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

import dev.dawg.dawgclient.DawgClientProperties;

import static dev.dawg.auth.RouteAccess.anyone;
import static dev.dawg.auth.RouteAccess.signedIn;
import static dev.dawg.auth.Scope.ASSETS_READ;
import static dev.dawg.auth.Scope.ASSETS_WRITE;
import static dev.dawg.auth.Scope.SOCIAL_WRITE;

/** The DAWG client's preset routes under the dialect's base path, with the access of their native counterparts. */
@Configuration(proxyBeanMethods = false)
class ClientPresetRoutes {

    @Bean
    RouterFunction<ServerResponse> dawgClientPresetRouter(DawgClientProperties properties, ClientPresetHandler presets) {
        return RouterFunctions.route().path(properties.path() + "/presets", b -> b
                .GET("/downloads/me", signedIn(ASSETS_READ, presets::myDownloads))
                .DELETE("/admin/{id}", signedIn(ASSETS_WRITE, presets::deleteAsAdmin))
                .POST("/{id}/download", signedIn(ASSETS_READ, presets::download))
                .POST("/{id}/rate", signedIn(SOCIAL_WRITE, presets::rate))
                .GET("/{id}", anyone(ASSETS_READ, presets::get))
                .PUT("/{id}", signedIn(ASSETS_WRITE, presets::update))
                .DELETE("/{id}", signedIn(ASSETS_WRITE, presets::delete))
                .GET("", anyone(ASSETS_READ, presets::list))
                .POST("", signedIn(ASSETS_WRITE, presets::create)))
                .build();
    }
}
