package dev.dawg.notifications;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import reactor.core.publisher.Mono;

import org.springframework.stereotype.Component;

import dev.dawg.events.Activity;

/**
 * A user's notifications for clients that page by number (the DAWG client's dialect): the same rows, views, access
 * rule and settings as {@code /api/notifications}, with native type names ({@code like, comment, reply, remix, follow}).
 */
@Component
public class NotificationInbox {

    /** A page of notifications, how many the filter keeps in all, and how many are unread. */
    public record Page(List<Notification> items, long total, long unreadCount) {
    }

    private final Notifications notifications;
    private final NotificationViews views;

    NotificationInbox(Notifications notifications, NotificationViews views) {
        this.notifications = notifications;
        this.views = views;
    }

    /** {@code type} null for every type; an unknown type keeps nothing. */
    public Mono<Page> page(UUID recipientId, boolean unreadOnly, String type, int limit, int offset) {
        Activity.Type kept = type == null ? null : Activity.Type.parse(type).orElse(null);
        if (type != null && kept == null) {
            return notifications.unreadCount(recipientId).map(unread -> new Page(List.of(), 0, unread));
        }
        Notifications.Filter filter = new Notifications.Filter(unreadOnly, kept);
        return notifications.listAt(recipientId, filter, limit, offset).map(views::view).collectList()
                .zipWith(notifications.count(recipientId, filter))
                .zipWith(notifications.unreadCount(recipientId),
                        (listed, unread) -> new Page(listed.getT1(), listed.getT2(), unread));
    }

    public Mono<Boolean> markRead(UUID recipientId, UUID id) {
        return notifications.markRead(recipientId, id);
    }

    public Mono<Long> markAllRead(UUID recipientId) {
        return notifications.markAllRead(recipientId);
    }

    public Mono<Boolean> delete(UUID recipientId, UUID id) {
        return notifications.delete(recipientId, id);
    }

    /** The types the user receives (not muted), by native name. */
    public Mono<Set<String>> received(UUID userId) {
        return notifications.muted(userId).map(NotificationInbox::receivedOf);
    }

    /** Receives ({@code true}) or mutes each type named; the others keep their setting. Answers the types received. */
    public Mono<Set<String>> receive(UUID userId, Map<String, Boolean> wanted) {
        Map<Activity.Type, Boolean> byType = new EnumMap<>(Activity.Type.class);
        wanted.forEach((name, on) -> Activity.Type.parse(name).ifPresent(type -> byType.put(type, on)));
        return notifications.receive(userId, byType).map(NotificationInbox::receivedOf);
    }

    private static Set<String> receivedOf(Set<Activity.Type> muted) {
        return EnumSet.allOf(Activity.Type.class).stream().filter(type -> !muted.contains(type)).map(Activity.Type::value)
                .collect(Collectors.toSet());
    }
}
