package dev.dawg.dawgclient.session;

import java.util.Set;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

import dev.dawg.auth.TokenlessPaths;
import dev.dawg.dawgclient.DawgClientProperties;

import static dev.dawg.auth.RouteAccess.signedInAnyScope;
import static dev.dawg.platform.web.OpenRoute.anyCaller;

/** The DAWG client's {@code /auth} routes under the dialect's base path, with the access the native ones declare. */
@Configuration(proxyBeanMethods = false)
class ClientSessionRoutes {

    @Bean
    RouterFunction<ServerResponse> dawgClientSessionRouter(ClientSessionHandler sessions, DawgClientProperties properties) {
        return RouterFunctions.route()
                .path(properties.path() + "/auth", builder -> builder
                        .POST("/register", anyCaller(sessions::register))
                        .POST("/login", anyCaller(sessions::login))
                        .POST("/refresh", anyCaller(sessions::refresh))
                        .POST("/logout", anyCaller(sessions::logout))
                        .GET("/me", signedInAnyScope(sessions::me)))
                .build();
    }

    /**
     * The client sends the access token it holds on every call, also when it has expired and it asks for a new one,
     * or signs out: sign-up, sign-in, refresh and sign-out do not have the filters read it (sign-out ends it itself
     * when it is still valid), so an expired one cannot keep a musician from signing in again or out.
     */
    @Bean
    TokenlessPaths dawgClientSessionPaths(DawgClientProperties properties) {
        Set<String> paths = Set.of(properties.path() + "/auth/register", properties.path() + "/auth/login", properties.path() + "/auth/refresh",
                properties.path() + "/auth/logout");
        return paths::contains;
    }
}
