package dev.dawg.projects;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.stereotype.Component;

/**
 * Projects as the API answers them. The document is spliced into the response as the stored JSON text:
 * a read never parses {@code projectData}, however large.
 */
@Component
class ProjectJson {

    private static final byte[] DATA_MEMBER = ",\"projectData\":".getBytes(StandardCharsets.UTF_8);

    private final JsonMapper json;

    ProjectJson(JsonMapper json) {
        this.json = json;
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

    /** The full project: its metadata followed by {@code projectData} exactly as stored. */
    byte[] full(Project project) {
        return splice(summary(project), project.projectData());
    }

    /** The members of {@code head} followed by {@code "projectData"} with {@code data}, which is JSON text. */
    byte[] splice(Map<String, Object> head, String dataText) {
        byte[] headBytes = json.writeValueAsBytes(head);
        byte[] data = dataText.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream(headBytes.length + DATA_MEMBER.length + data.length + 1);
        out.write(headBytes, 0, headBytes.length - 1);
        out.writeBytes(DATA_MEMBER);
        out.writeBytes(data);
        out.write('}');
        return out.toByteArray();
    }

    /** The full project as a tree, for patching (the only place a document is parsed on the server). */
    ObjectNode tree(Project project) {
        ObjectNode node = json.valueToTree(summary(project));
        node.set("projectData", json.readTree(project.projectData()));
        return node;
    }
}
