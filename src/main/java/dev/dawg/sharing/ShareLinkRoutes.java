package dev.dawg.sharing;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/** Routes of share links: the owner's {@code /api/projects/{id}/shares} and the holder's {@code /api/shares/{token}}. */
@Configuration(proxyBeanMethods = false)
class ShareLinkRoutes {

    @Bean
    RouterFunction<ServerResponse> shareLinkRouter(ShareLinkHandler shares) {
        return RouterFunctions.route()
                .POST("/api/projects/{id}/shares", shares::create)
                .GET("/api/projects/{id}/shares", shares::list)
                .GET("/api/shares/{token}", shares::open)
                .PATCH("/api/shares/{token}", shares::update)
                .DELETE("/api/shares/{token}", shares::revoke)
                .build();
    }
}
