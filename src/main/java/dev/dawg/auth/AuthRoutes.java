package dev.dawg.auth;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

import static dev.dawg.auth.RouteAccess.account;
import static dev.dawg.auth.RouteAccess.signedInAnyScope;
import static dev.dawg.platform.web.OpenRoute.anyCaller;

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
                        .GET("/me", signedInAnyScope(auth::me))
                        .PATCH("/me", account(auth::updateMe))
                        .POST("/api-keys", account(auth::createApiKey))
                        .GET("/api-keys", account(auth::listApiKeys))
                        .DELETE("/api-keys/{id}", account(auth::revokeApiKey)))
                .build();
    }
}
