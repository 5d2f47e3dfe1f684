package dev.dawg.projects;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import reactor.core.publisher.Flux;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.stereotype.Component;

/**
 * Projects as the API answers them. The document is spliced into the response as stored JSON text:
 * a read never parses {@code projectData}, however large.
 */
@Component
class ProjectResponses {

    private static final byte[] DATA_MEMBER = ",\"projectData\":".getBytes(StandardCharsets.UTF_8);
    private static final byte[] CLOSING_BRACE = { '}' };

    private final JsonMapper json;

    ProjectResponses(JsonMapper json) {
        this.json = json;
    }

    /** A response body in parts, with its total length (so it is not sent chunked). */
    record Body(long contentLength, Flux<DataBuffer> parts) {
    }

    /** The metadata members, in the contract's order. */
    Map<String, Object> summary(Project project) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", project.id());
        view.put("ownerId", project.ownerId());
        view.put("title", project.title());
        view.put("description", project.description());
        view.put("tags", project.tags());
        view.put("bpm", project.bpm());
        view.put("keySignature", project.keySignature());
        view.put("timeSignature", project.timeSignature());
        view.put("visibility", project.visibility().wireName());
        view.put("version", project.version());
        view.put("remixedFromId", project.remixedFromId());
        view.put("likeCount", project.likeCount());
        view.put("commentCount", project.commentCount());
        view.put("playCount", project.playCount());
        view.put("remixCount", project.remixCount());
        view.put("createdAt", project.createdAt());
        view.put("updatedAt", project.updatedAt());
        return view;
    }

    /**
     * The full project: its metadata, then the document bytes wrapped as they are (a cached document is
     * never copied per request).
     */
    Body full(Project project, byte[] document) {
        byte[][] parts = fullParts(project, document);
        long length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        DefaultDataBufferFactory buffers = DefaultDataBufferFactory.sharedInstance;
        return new Body(length, Flux.fromArray(parts).map(part -> buffers.wrap(part)));
    }

    /**
     * The full project as byte arrays to send one after the other (the metadata without its closing brace, the
     * {@code projectData} member's name, the document as it is, the closing brace), for a writer below Spring.
     */
    byte[][] fullParts(Project project, byte[] document) {
        byte[] head = json.writeValueAsBytes(summary(project));
        return new byte[][] { java.util.Arrays.copyOf(head, head.length - 1), DATA_MEMBER, document, CLOSING_BRACE };
    }

    /** The members of {@code head} followed by {@code "projectData"} with {@code dataText}, which is JSON text. */
    byte[] splice(Map<String, Object> head, String dataText) {
        byte[] headBytes = json.writeValueAsBytes(head);
        byte[] data = dataText.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream(headBytes.length + DATA_MEMBER.length + data.length + 1);
        out.write(headBytes, 0, headBytes.length - 1);
        out.writeBytes(DATA_MEMBER);
        out.writeBytes(data);
        out.writeBytes(CLOSING_BRACE);
        return out.toByteArray();
    }

    /** The full project as a tree, for patching (the only place a document is parsed on the server). */
    ObjectNode tree(Project project) {
        ObjectNode node = json.valueToTree(summary(project));
        node.set("projectData", json.readTree(project.projectData()));
        return node;
    }
}
