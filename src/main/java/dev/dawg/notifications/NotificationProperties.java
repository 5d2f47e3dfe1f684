package dev.dawg.notifications;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of notifications ({@code dawg.notifications.*}, from {@code DAWG_NOTIFICATIONS_*} in application.yaml).
 *
 * @param groupWindow how long an unread group keeps taking activities of its type on its project, from its first
 * @param queueCapacity activities waiting to be stored; past it new ones are dropped (logged and counted), so a
 * stalled database never holds up or fails the actions that cause notifications
 * @param writers activities stored at once, so a burst takes a few database connections, not the pool
 */
@ConfigurationProperties("dawg.notifications")
record NotificationProperties(
        @DefaultValue("10m") Duration groupWindow,
        @DefaultValue("10000") int queueCapacity,
        @DefaultValue("4") int writers) {
}
