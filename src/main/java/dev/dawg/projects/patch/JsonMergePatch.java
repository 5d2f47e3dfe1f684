package dev.dawg.projects.patch;

import java.util.Map;
import java.util.Objects;

import dev.dawg.projects.patch.PatchException.Reason;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** RFC 7396 JSON Merge Patch: {@code null} removes, objects merge recursively, anything else replaces. */
public final class JsonMergePatch {

    /** Patches nesting deeper than this are rejected with {@code MALFORMED_PATCH} instead of recursing further. */
    public static final int MAX_DEPTH = 1_000;

    private JsonMergePatch() {
    }

    /**
     * Returns the result of merging {@code patch} into {@code target}. Neither argument is modified and the
     * result shares no nodes with them.
     */
    public static JsonNode apply(JsonNode target, JsonNode patch) {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(patch, "patch");
        if (!patch.isObject()) {
            return patch.deepCopy();
        }
        // Copy the target once and merge into the copy, rather than rebuilding every level.
        ObjectNode result = target.isObject() ? (ObjectNode) target.deepCopy() : JsonNodeFactory.instance.objectNode();
        mergeInto(result, patch, 1);
        return result;
    }

    /**
     * Merges {@code patch} into {@code target} itself, which the caller gives up (no copy of a large document for a
     * small patch): the patch's values are copied in, so the result shares no nodes with the patch. {@code target}
     * must be an object, as a project is.
     */
    public static ObjectNode mergeInPlace(ObjectNode target, ObjectNode patch) {
        Objects.requireNonNull(target, "target");
        mergeInto(target, patch, 1);
        return target;
    }

    private static void mergeInto(ObjectNode target, JsonNode patch, int depth) {
        if (depth > MAX_DEPTH) {
            throw new PatchException(Reason.MALFORMED_PATCH, null,
                    "merge patch nests deeper than " + MAX_DEPTH + " levels");
        }
        for (Map.Entry<String, JsonNode> member : patch.properties()) {
            String name = member.getKey();
            JsonNode value = member.getValue();
            if (value.isNull()) {
                target.remove(name);
            } else if (value.isObject()) {
                JsonNode existing = target.get(name);
                ObjectNode child = existing instanceof ObjectNode object ? object : target.putObject(name);
                mergeInto(child, value, depth + 1);
            } else {
                target.set(name, value.deepCopy());
            }
        }
    }
}
