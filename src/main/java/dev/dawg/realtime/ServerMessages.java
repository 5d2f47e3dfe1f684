package dev.dawg.realtime;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Component;

/** The server's own messages (all but events), as the JSON text frames the contract defines. */
@Component
class ServerMessages {

    private static final byte[] PONG = "{\"type\":\"pong\"}".getBytes(StandardCharsets.UTF_8);

    private final JsonMapper json;

    ServerMessages(JsonMapper json) {
        this.json = json;
    }

    byte[] pong() {
        return PONG;
    }

    byte[] subscribed(UUID projectId) {
        return write("subscribed", projectId, Map.of());
    }

    byte[] unsubscribed(UUID projectId) {
        return write("unsubscribed", projectId, Map.of());
    }

    /** The history no longer reaches back to the client's last event: reload the project, then carry on. */
    byte[] resync(UUID projectId) {
        return write("resync", projectId, Map.of());
    }

    byte[] authenticated(Instant expiresAt) {
        return write("authenticated", null, Map.of("expiresAt", expiresAt.toString()));
    }

    /** {@code {"type":"error","code","projectId"?,"detail"}}, with the problem codes of the REST API. */
    byte[] error(String code, UUID projectId, String detail) {
        Map<String, Object> members = new LinkedHashMap<>();
        members.put("code", code);
        members.put("detail", detail);
        return write("error", projectId, members);
    }

    private byte[] write(String type, UUID projectId, Map<String, Object> members) {
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("type", type);
        if (projectId != null) {
            message.put("projectId", projectId);
        }
        message.putAll(members);
        return json.writeValueAsBytes(message);
    }
}
