package dev.dawg.avatars;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

import static dev.dawg.auth.RouteAccess.account;
import static dev.dawg.platform.web.OpenRoute.anyCaller;

/** Routes of avatars: the account's own (as its profile: no API key) and everyone's thumbnails (public, as profiles are). */
@Configuration(proxyBeanMethods = false)
class AvatarRoutes {

    @Bean
    RouterFunction<ServerResponse> avatarRouter(AvatarHandler avatars) {
        return RouterFunctions.route()
                .PUT("/api/auth/me/avatar", account(avatars::upload))
                .DELETE("/api/auth/me/avatar", account(avatars::delete))
                .GET("/api/users/{id}/avatar", anyCaller(avatars::thumbnail))
                .build();
    }
}
