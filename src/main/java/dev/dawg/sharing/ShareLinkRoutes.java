package dev.dawg.sharing;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

import static dev.dawg.auth.RouteAccess.anyone;
import static dev.dawg.auth.RouteAccess.signedIn;
import static dev.dawg.auth.Scope.PROJECTS_READ;
import static dev.dawg.auth.Scope.PROJECTS_WRITE;
import static dev.dawg.auth.Scope.SOCIAL_WRITE;
import static dev.dawg.sharing.AccessLevel.OWNER;

/** Routes of share links: the owner's {@code /api/projects/{id}/shares} and the holder's {@code /api/shares/{token}}. */
@Configuration(proxyBeanMethods = false)
class ShareLinkRoutes {

    @Bean
    RouterFunction<ServerResponse> shareLinkRouter(ShareLinkHandler shares, ProjectAccess access) {
        return RouterFunctions.route()
                .POST("/api/projects/{id}/shares", signedIn(SOCIAL_WRITE, access.onPath(OWNER, shares::create)))
                // The list hands out every link's token, edit links included: only a key that may read and write the
                // project itself may see them.
                .GET("/api/projects/{id}/shares", signedIn(PROJECTS_READ, PROJECTS_WRITE, access.onPath(OWNER, shares::list)))
                // The token is the credential: whoever calls, the link decides.
                .GET("/api/shares/{token}", anyone(PROJECTS_READ, (request, caller) -> shares.open(request)))
                .PATCH("/api/shares/{token}", signedIn(SOCIAL_WRITE, shares::update))
                .DELETE("/api/shares/{token}", signedIn(SOCIAL_WRITE, shares::revoke))
                .build();
    }
}
