package dev.dawg.auth;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/** Routes of {@code /api/auth}. */
@Configuration(proxyBeanMethods = false)
class AuthRoutes {

    @Bean
    RouterFunction<ServerResponse> authRouter(AuthHandler auth) {
        return RouterFunctions.route()
                .path("/api/auth", builder -> builder
                        .POST("/register", auth::register)
                        .POST("/login", auth::login)
                        .POST("/refresh", auth::refresh)
                        .POST("/logout", auth::logout)
                        .GET("/me", auth::me)
                        .PATCH("/me", auth::updateMe)
                        .POST("/api-keys", auth::createApiKey)
                        .GET("/api-keys", auth::listApiKeys)
                        .DELETE("/api-keys/{id}", auth::revokeApiKey))
                .build();
    }
}
