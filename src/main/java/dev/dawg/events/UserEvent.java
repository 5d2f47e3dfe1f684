package dev.dawg.events;

import java.util.UUID;

/**
 * An event for one user's own live sessions, on every node, such as {@code notification:new}. Unlike a
 * {@link ProjectEvent} it has no history to replay: a client that was away reloads what it shows.
 *
 * @param data the event's {@code data} member as the contract defines it for {@code type}
 */
public record UserEvent(String type, UUID userId, Object data) {

    public static final String NOTIFICATION_NEW = "notification:new";
    /** An asset's processing ended, done or failed (issue 19). */
    public static final String ASSET_PROCESSED = "asset:processed";

    public static UserEvent notificationNew(UUID userId, Object notification) {
        return new UserEvent(NOTIFICATION_NEW, userId, notification);
    }
}
