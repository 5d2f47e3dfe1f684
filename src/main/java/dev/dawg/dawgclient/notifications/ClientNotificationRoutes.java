package dev.dawg.dawgclient.notifications;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

import dev.dawg.dawgclient.DawgClientProperties;

import static dev.dawg.auth.RouteAccess.account;

/** The DAWG client's notification routes under the dialect's base path: the account's own, as the native ones. */
@Configuration(proxyBeanMethods = false)
class ClientNotificationRoutes {

    @Bean
    RouterFunction<ServerResponse> dawgClientNotificationRouter(DawgClientProperties properties, ClientNotificationHandler notifications) {
        return RouterFunctions.route().path(properties.path() + "/notifications", b -> b
                .GET("", account(notifications::list))
                .PUT("/read-all", account(notifications::markAllRead))
                .GET("/settings", account(notifications::settings))
                .PUT("/settings", account(notifications::updateSettings))
                .PUT("/{id}/read", account(notifications::markRead))
                .DELETE("/{id}", account(notifications::delete)))
                .build();
    }
}
