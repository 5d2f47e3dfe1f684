package dev.dawg.presets;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

import static dev.dawg.auth.RouteAccess.anyone;
import static dev.dawg.auth.RouteAccess.signedIn;
import static dev.dawg.auth.Scope.ASSETS_READ;
import static dev.dawg.auth.Scope.ASSETS_WRITE;
import static dev.dawg.auth.Scope.SOCIAL_WRITE;

/**
 * Routes of the community preset library, {@code /api/presets}. Presets are library content, so an API key reads
 * them with {@code assets:read} (a download too: it is a read that counts) and writes them with {@code assets:write};
 * a rating is a social write, like a like.
 */
@Configuration(proxyBeanMethods = false)
class PresetRoutes {

    @Bean
    RouterFunction<ServerResponse> presetRouter(PresetHandler presets) {
        return RouterFunctions.route()
                .path("/api/presets", builder -> builder
                        .POST("/{id}/downloads", signedIn(ASSETS_READ, presets::download))
                        .PUT("/{id}/rating", signedIn(SOCIAL_WRITE, presets::rate))
                        .DELETE("/{id}/rating", signedIn(SOCIAL_WRITE, presets::unrate))
                        .PUT("/{id}/featured", signedIn(ASSETS_WRITE, presets::feature))
                        .DELETE("/{id}/featured", signedIn(ASSETS_WRITE, presets::unfeature))
                        .GET("/{id}", anyone(ASSETS_READ, presets::get))
                        .PATCH("/{id}", signedIn(ASSETS_WRITE, presets::change))
                        .DELETE("/{id}", signedIn(ASSETS_WRITE, presets::delete))
                        .GET("", anyone(ASSETS_READ, presets::list))
                        .POST("", signedIn(ASSETS_WRITE, presets::create)))
                .build();
    }
}
