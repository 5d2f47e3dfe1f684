package dev.dawg.platform.web;

import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;

/**
 * Reads a request body as a JSON object, strictly: JSON content types only (415 otherwise), well-formed (400
 * {@code MALFORMED_REQUEST}), an object at the top (400). Field rules are then checked with {@link JsonFields}.
 */
@Component
public class JsonBodies {

    private final JsonMapper json;

    JsonBodies(JsonMapper json) {
        this.json = json;
    }

    public Mono<ObjectNode> object(ServerRequest request) {
        return object(request, MediaType.APPLICATION_JSON);
    }

    /** Reads an object whose content type must be compatible with one of the given types. */
    public Mono<ObjectNode> object(ServerRequest request, MediaType... accepted) {
        return bytes(request, accepted).map(this::parseObject);
    }

    /** The raw body, once its content type is one of {@code accepted} (else a 415). */
    private Mono<byte[]> bytes(ServerRequest request, MediaType... accepted) {
        MediaType type = request.headers().contentType().orElse(null);
        if (type == null || !isAccepted(type, accepted)) {
            return Mono.error(ApiProblem.unsupportedMediaType("Send the body as " + describe(accepted)));
        }
        return bytes(request);
    }

    /** The raw body bytes (at most DAWG_MAX_REQUEST_BODY: {@link RequestBodyLimitFilter} cuts the body); an empty body is a 400. */
    public Mono<byte[]> bytes(ServerRequest request) {
        return DataBufferUtils.join(request.bodyToFlux(DataBuffer.class))
                .map(buffer -> {
                    try {
                        byte[] bytes = new byte[buffer.readableByteCount()];
                        buffer.read(bytes);
                        return bytes;
                    }
                    finally {
                        DataBufferUtils.release(buffer);
                    }
                })
                .switchIfEmpty(Mono.error(() -> ApiProblem.malformed("The request body is empty; send a JSON object")));
    }

    public ObjectNode parseObject(byte[] body) {
        JsonNode node;
        try {
            node = json.readTree(body);
        }
        catch (JacksonException ex) {
            throw ApiProblem.malformed("The request body is not valid JSON (" + ex.getOriginalMessage() + ")");
        }
        if (node == null || !node.isObject()) {
            throw ApiProblem.malformed("The request body must be a JSON object");
        }
        return (ObjectNode) node;
    }

    /**
     * A JSON object body whose member {@code name}, when it is an object, is kept as the bytes the client sent:
     * checked to be well-formed JSON (with no repeated member names) but never built into a tree, so a large
     * document is not parsed into nodes and written out again. The other members are parsed as usual.
     *
     * @param raw the bytes of the member's object, or null when it is absent or not an object (then it is in {@code members})
     */
    public record ObjectWithRawMember(ObjectNode members, byte[] raw) {
    }

    public Mono<ObjectWithRawMember> objectKeepingRaw(ServerRequest request, String... path) {
        return bytes(request, MediaType.APPLICATION_JSON).map(body -> parseKeepingRaw(body, path));
    }

    /**
     * {@code path} names the member kept raw: one name for a member of the body, more for one nested in objects
     * (such as an export document's {@code project.projectData}); the objects on the way are parsed without it.
     */
    public ObjectWithRawMember parseKeepingRaw(byte[] body, String... path) {
        byte[][] raw = new byte[1][];
        ObjectNode members;
        try (JsonParser parser = json.reader().with(StreamReadFeature.STRICT_DUPLICATE_DETECTION).createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw ApiProblem.malformed("The request body must be a JSON object");
            }
            members = membersKeepingRaw(parser, body, path, 0, raw);
            if (parser.nextToken() != null) {
                throw ApiProblem.malformed("The request body must be one JSON object, with nothing after it");
            }
        }
        catch (JacksonException ex) {
            throw ApiProblem.malformed("The request body is not valid JSON (" + ex.getOriginalMessage() + ")");
        }
        return new ObjectWithRawMember(members, raw[0]);
    }

    /** The members of the object the parser has just entered, the one at {@code path[depth]} kept in {@code raw} as sent. */
    private ObjectNode membersKeepingRaw(JsonParser parser, byte[] body, String[] path, int depth, byte[][] raw) {
        ObjectNode members = json.createObjectNode();
        while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
            String member = parser.currentName();
            JsonToken value = parser.nextToken();
            if (member.equals(path[depth]) && value == JsonToken.START_OBJECT) {
                if (depth + 1 < path.length) {
                    members.set(member, membersKeepingRaw(parser, body, path, depth + 1, raw));
                    continue;
                }
                int start = (int) parser.currentTokenLocation().getByteOffset();
                parser.skipChildren();
                int end = (int) parser.currentTokenLocation().getByteOffset() + 1;
                raw[0] = java.util.Arrays.copyOfRange(body, start, end);
            }
            else {
                // A repeated name was refused by the parser already, so each member is seen once.
                members.set(member, (JsonNode) parser.readValueAsTree());
            }
        }
        return members;
    }

    private static boolean isAccepted(MediaType type, MediaType[] accepted) {
        for (MediaType candidate : accepted) {
            if (candidate.isCompatibleWith(type)) {
                return true;
            }
        }
        return false;
    }

    private static String describe(MediaType[] accepted) {
        StringBuilder text = new StringBuilder();
        for (MediaType type : accepted) {
            text.append(text.isEmpty() ? "" : " or ").append(type);
        }
        return text.toString();
    }
}
