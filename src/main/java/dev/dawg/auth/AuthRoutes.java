package dev.dawg.auth;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

import static dev.dawg.platform.web.OpenRoute.anyCaller;
import static dev.dawg.auth.RouteAccess.noApiKey;

/** Routes of {@code /api/auth}. */
@Configuration(proxyBeanMethods = false)
class AuthRoutes {

    @Bean
    RouterFunction<ServerResponse> authRouter(AuthHandler auth) {
        return RouterFunctions.route()
                .path("/api/auth", builder -> builder
                        .POST("/register", anyCaller(auth::register))
                        .POST("/login", anyCaller(auth::login))
                        .POST("/refresh", anyCaller(auth::refresh))
                        .POST("/logout", anyCaller(auth::logout))
                        .GET("/me", anyCaller(auth::me))
                        .PATCH("/me", noApiKey(auth::updateMe))
                        .POST("/api-keys", noApiKey(auth::createApiKey))
                        .GET("/api-keys", noApiKey(auth::listApiKeys))
                        .DELETE("/api-keys/{id}", noApiKey(auth::revokeApiKey)))
                .build();
    }
}
