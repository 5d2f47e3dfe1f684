package dev.dawg.realtime;

import java.util.UUID;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A message from a client, parsed from its JSON text frame (see the contract's Realtime section). */
sealed interface ClientMessage {

    /** {@code {"type":"subscribe","projectId","lastEventId"?,"shareToken"?}}. */
    record Subscribe(UUID projectId, EventId lastEventId, String shareToken) implements ClientMessage {
    }

    /** {@code {"type":"unsubscribe","projectId"}}. */
    record Unsubscribe(UUID projectId) implements ClientMessage {
    }

    /** {@code {"type":"ping"}}, answered with {@code pong}. */
    record Ping() implements ClientMessage {
    }

    /** {@code {"type":"auth","token"}}: a fresh access token for the same user, so the connection outlives the old one. */
    record Authenticate(String token) implements ClientMessage {
    }

    /** Not a message the server understands; answered with an {@code error} of this code. */
    record Invalid(String code, String detail, UUID projectId) implements ClientMessage {
    }

    static ClientMessage parse(JsonMapper json, String text) {
        JsonNode message;
        try {
            message = json.readTree(text);
        }
        catch (JacksonException ex) {
            return new Invalid("MALFORMED_REQUEST", "Messages are JSON objects", null);
        }
        if (message == null || !message.isObject()) {
            return new Invalid("MALFORMED_REQUEST", "Messages are JSON objects", null);
        }
        String type = text(message, "type");
        if (type == null) {
            return new Invalid("VALIDATION_FAILED", "type is required", null);
        }
        switch (type) {
            case "ping":
                return new Ping();
            case "auth": {
                String token = text(message, "token");
                return token == null || token.isBlank() ? new Invalid("VALIDATION_FAILED", "token is required", null)
                        : new Authenticate(token);
            }
            case "subscribe":
            case "unsubscribe": {
                UUID projectId = uuid(text(message, "projectId"));
                if (projectId == null) {
                    return new Invalid("VALIDATION_FAILED", "projectId must be a project id", null);
                }
                if (type.equals("unsubscribe")) {
                    return new Unsubscribe(projectId);
                }
                JsonNode lastEventId = message.path("lastEventId");
                EventId after = null;
                if (!lastEventId.isMissingNode() && !lastEventId.isNull()) {
                    after = EventId.parse(lastEventId.isString() ? lastEventId.stringValue() : null).orElse(null);
                    if (after == null) {
                        return new Invalid("VALIDATION_FAILED", "lastEventId must be the eventId of an event received from this server",
                                projectId);
                    }
                }
                String shareToken = text(message, "shareToken");
                return new Subscribe(projectId, after, shareToken == null || shareToken.isBlank() ? null : shareToken);
            }
            default:
                return new Invalid("VALIDATION_FAILED", "Unknown message type; use subscribe, unsubscribe or ping", null);
        }
    }

    private static String text(JsonNode message, String field) {
        JsonNode value = message.path(field);
        return value.isString() ? value.stringValue() : null;
    }

    private static UUID uuid(String value) {
        if (value == null || value.length() != 36) {
            return null;
        }
        try {
            return UUID.fromString(value);
        }
        catch (IllegalArgumentException ex) {
            return null;
        }
    }
}
