package dev.dawg.social.follows;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

import static dev.dawg.auth.RouteAccess.signedIn;
import static dev.dawg.auth.Scope.SOCIAL_WRITE;
import static dev.dawg.platform.web.OpenRoute.anyCaller;

/** Routes of follows: following is a social write; who follows whom is public, like the profile it belongs to. */
@Configuration(proxyBeanMethods = false)
class FollowRoutes {

    @Bean
    RouterFunction<ServerResponse> followRouter(FollowHandler follows) {
        return RouterFunctions.route()
                .PUT("/api/users/{id}/follow", signedIn(SOCIAL_WRITE, follows::follow))
                .DELETE("/api/users/{id}/follow", signedIn(SOCIAL_WRITE, follows::unfollow))
                .GET("/api/users/{id}/followers", anyCaller(follows::followers))
                .GET("/api/users/{id}/following", anyCaller(follows::following))
                .build();
    }
}
