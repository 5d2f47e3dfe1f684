package dev.dawg.projects;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

import tools.jackson.core.json.JsonWriteFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.web.reactive.function.server.ServerRequest;

import dev.dawg.platform.web.ApiProblem;
import dev.dawg.platform.web.JsonFields;
import dev.dawg.sharing.Visibility;

/**
 * The part of a project a client writes: metadata and the DAW document, validated. {@code visibility} is null
 * when the client did not send it (a write then keeps the stored one).
 *
 * @param projectData the document as the JSON text that is stored and answered
 */
public record ProjectInput(String title, String description, List<String> tags, Integer bpm, String keySignature,
        String timeSignature, Visibility visibility, String projectData) {

    /** Members a client may write. */
    static final Set<String> WRITABLE = Set.of("title", "description", "tags", "bpm", "keySignature", "timeSignature",
            "visibility", "projectData");
    /** Members the server owns: sending them is a 400 that names them. */
    static final Set<String> READ_ONLY = Set.of("id", "ownerId", "likeCount", "commentCount", "playCount", "remixCount",
            "createdAt", "updatedAt", "remixedFromId", "version");

    /**
     * Whether a write must carry {@code projectData}: only a new project may start from an empty document. Any
     * other write replaces the stored document, and losing a song because a member was left out is the worst
     * outcome here, so its absence (or null) is refused rather than stored as {@code {}}.
     */
    enum Data {
        OPTIONAL, REQUIRED
    }

    /** Reads and validates a body (or a patched document) holding the writable members. */
    static ProjectInput read(ObjectNode body, Data data, long maxDataBytes, JsonMapper json) {
        return read(body, null, data, maxDataBytes, json);
    }

    /**
     * The same for a body read by {@link dev.dawg.platform.web.JsonBodies#objectKeepingRaw}: {@code rawData} is
     * the {@code projectData} object as the client sent it (already checked to be well-formed JSON), stored and
     * answered as it is.
     */
    static ProjectInput read(ObjectNode body, byte[] rawData, Data dataRule, long maxDataBytes, JsonMapper json) {
        JsonFields fields = JsonFields.of(body).allowOnly(WRITABLE, READ_ONLY);
        String title = fields.requiredString("title", 1, 200);
        if (title != null && title.isBlank()) {
            fields.reject("title", "must not be blank");
        }
        String description = fields.optionalString("description", 0, 5000).orElse("");
        List<String> tags = fields.optionalStringList("tags", 20, 40).map(ProjectInput::distinct).orElse(List.of());
        Integer bpm = fields.optionalInt("bpm", 20, 999).orElse(null);
        String key = fields.optionalString("keySignature", 1, 20).orElse(null);
        String timeSignature = fields.optionalString("timeSignature", 3, 7).orElse(null);
        if (timeSignature != null && !timeSignature.matches("[1-9][0-9]?/(1|2|4|8|16|32|64)")) {
            fields.reject("timeSignature", "must look like 4/4, 3/4 or 7/8");
        }
        Visibility visibility = null;
        if (fields.has("visibility")) {
            String raw = fields.optionalString("visibility", 1, 20).orElse("");
            visibility = Visibility.parse(raw).orElse(null);
            if (visibility == null) {
                fields.reject("visibility", "must be private, unlisted or public");
            }
        }
        JsonNode data = body.get("projectData");
        if (rawData == null && data != null && !data.isNull() && !data.isObject()) {
            fields.reject("projectData", "must be a JSON object");
        }
        if (rawData == null && (data == null || data.isNull()) && dataRule == Data.REQUIRED) {
            fields.reject("projectData", "is required: a write replaces the whole document (send {} to empty it)");
        }
        fields.validate();
        String dataText;
        long size;
        if (rawData != null) {
            dataText = new String(rawData, StandardCharsets.UTF_8);
            size = rawData.length;
        }
        else {
            // Written as parsed, for PostgreSQL to store or refuse (a 400): an overflowing number stays a bare
            // Infinity rather than becoming the string "Infinity", an unpaired surrogate stays an escape, not "?".
            byte[] bytes = data == null || data.isNull() ? new byte[] { '{', '}' } : serialized(data, json);
            dataText = new String(bytes, StandardCharsets.UTF_8);
            size = bytes.length;
        }
        if (size > maxDataBytes) {
            throw ApiProblem.payloadTooLarge("projectData is " + size + " bytes; at most " + maxDataBytes + " are accepted")
                    .with("limitBytes", maxDataBytes);
        }
        return new ProjectInput(title.trim(), description, tags, bpm, key == null ? null : key.trim(),
                timeSignature, visibility, dataText);
    }

    /**
     * The content of {@code current} with the members {@code named} written over it, validated as a whole: what a
     * write that names only some members (a title, a visibility) stores. The document is {@code rawData} when sent,
     * else the current one as stored; a {@code projectData} named otherwise (null, not an object) is refused.
     */
    static ProjectInput over(Project current, ObjectNode named, byte[] rawData, long maxDataBytes, JsonMapper json) {
        ObjectNode merged = json.createObjectNode();
        merged.put("title", current.title());
        merged.put("description", current.description());
        current.tags().forEach(merged.putArray("tags")::add);
        merged.put("bpm", current.bpm());
        merged.put("keySignature", current.keySignature());
        merged.put("timeSignature", current.timeSignature());
        merged.setAll(named);
        byte[] data = rawData != null ? rawData
                : named.has("projectData") ? null : current.projectData().getBytes(StandardCharsets.UTF_8);
        return read(merged, data, Data.REQUIRED, maxDataBytes, json);
    }

    /**
     * A parsed (patched) document as the server writes it, for PostgreSQL to store or refuse. A version stored as a
     * delta ({@link DocumentDelta}) is rebuilt with this same serialisation, so it must stay the one writes use.
     */
    static byte[] serialized(JsonNode data, JsonMapper json) {
        return json.writer().without(JsonWriteFeature.WRITE_NAN_AS_STRINGS).writeValueAsBytes(data);
    }

    int sizeBytes() {
        return projectData.getBytes(StandardCharsets.UTF_8).length;
    }

    ProjectInput withVisibility(Visibility value) {
        return new ProjectInput(title, description, tags, bpm, keySignature, timeSignature, value, projectData);
    }

    /** The same content with {@code text} as its document (JSON text, stored as it is). */
    ProjectInput withData(String text) {
        return new ProjectInput(title, description, tags, bpm, keySignature, timeSignature, visibility, text);
    }

    /** What {@code project} holds, written again (a restore, a copy) under {@code title} with {@code visibility}. */
    static ProjectInput of(Project project, String title, Visibility visibility) {
        return new ProjectInput(title, project.description(), project.tags(), project.bpm(), project.keySignature(),
                project.timeSignature(), visibility, project.projectData());
    }

    /** A version label from {@code ?label=} or a {@code label} member of the body (taken out of it). */
    static String versionLabel(ServerRequest request, ObjectNode body) {
        JsonNode fromBody = body == null ? null : body.remove("label");
        String value = request.queryParam("label").orElse(null);
        if (fromBody != null && !fromBody.isNull()) {
            if (!fromBody.isString()) {
                throw ApiProblem.validation("label", "must be a string");
            }
            value = fromBody.stringValue();
        }
        if (value == null) {
            return null;
        }
        value = value.trim();
        if (value.isEmpty() || value.length() > 100) {
            throw ApiProblem.validation("label", "must be 1 to 100 characters");
        }
        return value;
    }

    private static List<String> distinct(List<String> tags) {
        return tags.stream().map(tag -> tag.toLowerCase(java.util.Locale.ROOT)).distinct().toList();
    }
}
