package dev.dawg.realtime;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;

/**
 * A published event as a node receives it, live from Redis pub/sub or replayed from the project's history: its
 * place in the project's order and the JSON text frame every subscriber gets, encoded once for all of them.
 *
 * <p>Each event names the event before it twice: {@code prev} is the project's previous event of any kind (the
 * chain the owner sees), {@code subscriberPrev} the previous one that subscribers see (owner-only events such as
 * {@code project:shared} are not theirs). A connection that receives an event whose predecessor is not the last
 * one it delivered knows it missed something and catches up from the history first.
 */
record HubEvent(UUID projectId, EventId id, EventId prev, EventId subscriberPrev, boolean ownerOnly, byte[] wire) {

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

    /** A history stream entry, as written by {@link ProjectEvents}' script. */
    static HubEvent fromHistory(UUID projectId, String id, Map<String, String> fields) {
        String wire = fields.getOrDefault("head", "") + id + fields.getOrDefault("tail", "");
        return new HubEvent(projectId, EventId.of(id), EventId.of(fields.getOrDefault("prev", "0-0")),
                EventId.of(fields.getOrDefault("subscriberPrev", "0-0")), "1".equals(fields.get("ownerOnly")),
                wire.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A pub/sub message: {@code e\n<projectId>\n<id>\n<prev>\n<subscriberPrev>\n<ownerOnly>\n<frame>}, or
     * {@code a\n<projectId>} for an access change (returned as an event with a null id). Null when malformed.
     */
    static HubEvent fromMessage(String message) {
        try {
            if (message.startsWith("a\n")) {
                return new HubEvent(UUID.fromString(message.substring(2).trim()), null, null, null, false, null);
            }
            if (!message.startsWith("e\n")) {
                return null;
            }
            int[] cut = new int[6];
            int from = 0;
            for (int i = 0; i < cut.length; i++) {
                cut[i] = message.indexOf('\n', from);
                if (cut[i] < 0) {
                    return null;
                }
                from = cut[i] + 1;
            }
            return new HubEvent(UUID.fromString(message.substring(cut[0] + 1, cut[1])),
                    EventId.of(message.substring(cut[1] + 1, cut[2])),
                    EventId.of(message.substring(cut[2] + 1, cut[3])),
                    EventId.of(message.substring(cut[3] + 1, cut[4])),
                    "1".equals(message.substring(cut[4] + 1, cut[5])),
                    message.substring(cut[5] + 1).getBytes(StandardCharsets.UTF_8));
        }
        catch (IllegalArgumentException ex) {
            return null;
        }
    }

    boolean isAccessChange() {
        return id == null;
    }
}
