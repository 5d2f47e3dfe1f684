package dev.dawg.realtime;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;

import dev.dawg.events.ProjectEvent;

/**
 * A published event as a node receives it, live from Redis pub/sub or replayed from the project's history: its
 * place in the project's order and the JSON text frame every subscriber gets, encoded once for all of them.
 *
 * <p>Each event names the event before it twice: {@code prev} is the project's previous event of any kind (the
 * chain the owner sees), {@code subscriberPrev} the previous one that subscribers see (owner-only events such as
 * {@code project:shared} are not theirs). A connection that receives an event whose predecessor is not the last
 * one it delivered knows it missed something and catches up from the history first.
 */
record PublishedEvent(UUID projectId, EventId id, EventId prev, EventId subscriberPrev, boolean ownerOnly, byte[] wire) {

    /** The previous event in the chain a connection follows (the owner's chain or the subscribers'). */
    EventId predecessor(boolean owner) {
        return owner ? prev : subscriberPrev;
    }

    /** The last event a connection has seen once it has seen this one in its chain. */
    EventId seenThrough(boolean owner) {
        return owner || !ownerOnly ? id : subscriberPrev;
    }

    boolean visibleTo(boolean owner) {
        return owner || !ownerOnly;
    }

    /** A history stream entry, as written by {@link RedisProjectEventPublisher}' script. */
    static PublishedEvent fromHistory(UUID projectId, String id, Map<String, String> fields) {
        String wire = fields.getOrDefault("head", "") + id + fields.getOrDefault("tail", "");
        return new PublishedEvent(projectId, EventId.of(id), EventId.of(fields.getOrDefault("prev", "0-0")),
                EventId.of(fields.getOrDefault("subscriberPrev", "0-0")), "1".equals(fields.get("ownerOnly")),
                wire.getBytes(StandardCharsets.UTF_8));
    }

    private static final String ACCESS_CHANGE = "{\"type\":\"" + ProjectEvent.ACCESS_CHANGED + "\",\"projectId\":\"";
    private static final String HUB = ",\"hub\":{\"projectId\":\"";

    /**
     * A pub/sub message: the client's frame with a last member {@code "hub":{"projectId","eventId","prev",
     * "subscriberPrev","ownerOnly"}} appended by {@link RedisProjectEventPublisher}' script, which is cut off again here; or an
     * access change (returned as an event with a null id). Null when malformed.
     */
    static PublishedEvent fromMessage(String message) {
        try {
            if (message.startsWith(ACCESS_CHANGE)) {
                return new PublishedEvent(UUID.fromString(message.substring(ACCESS_CHANGE.length(), ACCESS_CHANGE.length() + 36)),
                        null, null, null, false, null);
            }
            int hub = message.lastIndexOf(HUB);
            if (hub < 0 || !message.endsWith("}}")) {
                return null;
            }
            Members members = new Members(message, hub + HUB.length());
            UUID projectId = UUID.fromString(members.text());
            EventId id = EventId.of(members.next("eventId").text());
            EventId prev = EventId.of(members.next("prev").text());
            EventId subscriberPrev = EventId.of(members.next("subscriberPrev").text());
            boolean ownerOnly = members.next("ownerOnly").literal().equals("true");
            return new PublishedEvent(projectId, id, prev, subscriberPrev, ownerOnly,
                    (message.substring(0, hub) + "}").getBytes(StandardCharsets.UTF_8));
        }
        catch (IllegalArgumentException | IndexOutOfBoundsException ex) {
            return null;
        }
    }

    /** Reads the members of the {@code "hub"} object in the order the script writes them. */
    private static final class Members {

        private final String message;
        private int at;

        Members(String message, int at) {
            this.message = message;
            this.at = at;
        }

        String text() {
            int end = message.indexOf('"', at);
            String value = message.substring(at, end);
            at = end + 1;
            return value;
        }

        String literal() {
            int end = message.indexOf('}', at);
            String value = message.substring(at, end);
            at = end;
            return value;
        }

        Members next(String name) {
            String expected = ",\"" + name + "\":";
            if (!message.startsWith(expected, at)) {
                throw new IllegalArgumentException("Expected " + expected);
            }
            at += expected.length();
            if (message.charAt(at) == '"') {
                at++;
            }
            return this;
        }
    }

    boolean isAccessChange() {
        return id == null;
    }
}
