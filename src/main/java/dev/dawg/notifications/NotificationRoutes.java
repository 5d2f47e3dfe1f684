package dev.dawg.notifications;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

import static dev.dawg.auth.RouteAccess.account;

/**
 * Routes of the caller's notifications. They are the account's own inbox, like its profile: a signed-in user only,
 * never an API key (no scope grants reading someone's notifications).
 */
@Configuration(proxyBeanMethods = false)
class NotificationRoutes {

    @Bean
    RouterFunction<ServerResponse> notificationRouter(NotificationHandler notifications) {
        return RouterFunctions.route()
                .GET("/api/notifications", account(notifications::list))
                .GET("/api/notifications/unread-count", account(notifications::unreadCount))
                .POST("/api/notifications/read-all", account(notifications::markAllRead))
                .GET("/api/notifications/settings", account(notifications::settings))
                .PUT("/api/notifications/settings", account(notifications::updateSettings))
                .POST("/api/notifications/{id}/read", account(notifications::markRead))
                .DELETE("/api/notifications/{id}", account(notifications::delete))
                .build();
    }
}
