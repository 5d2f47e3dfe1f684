package dev.dawg.sharing;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

import static dev.dawg.auth.RouteAccess.needs;
import static dev.dawg.auth.Scope.PROJECTS_READ;
import static dev.dawg.auth.Scope.PROJECTS_WRITE;
import static dev.dawg.auth.Scope.SOCIAL_WRITE;

/** Routes of share links: the owner's {@code /api/projects/{id}/shares} and the holder's {@code /api/shares/{token}}. */
@Configuration(proxyBeanMethods = false)
class ShareLinkRoutes {

    @Bean
    RouterFunction<ServerResponse> shareLinkRouter(ShareLinkHandler shares) {
        return RouterFunctions.route()
                .POST("/api/projects/{id}/shares", needs(SOCIAL_WRITE, shares::create))
                // The list hands out every link's token, edit links included: only a key that may read and write the
                // project itself may see them.
                .GET("/api/projects/{id}/shares", needs(PROJECTS_READ, PROJECTS_WRITE, shares::list))
                .GET("/api/shares/{token}", needs(PROJECTS_READ, shares::open))
                .PATCH("/api/shares/{token}", needs(SOCIAL_WRITE, shares::update))
                .DELETE("/api/shares/{token}", needs(SOCIAL_WRITE, shares::revoke))
                .build();
    }
}
