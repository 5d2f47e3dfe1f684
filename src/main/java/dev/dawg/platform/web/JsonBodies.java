package dev.dawg.platform.web;

import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
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
        MediaType type = request.headers().contentType().orElse(null);
        if (type == null || !isAccepted(type, accepted)) {
            return Mono.error(ApiProblem.unsupportedMediaType("Send the body as " + describe(accepted)));
        }
        return bytes(request).map(this::parseObject);
    }

    /** The raw body bytes (bounded by the codecs' in-memory limit); an empty body is a 400. */
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
