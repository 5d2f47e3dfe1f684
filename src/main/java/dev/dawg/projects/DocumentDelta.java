package dev.dawg.projects;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.CRC32C;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import dev.dawg.projects.patch.JsonMergePatch;
import dev.dawg.projects.patch.JsonPatch;

/**
 * How a version written by a PATCH is stored in history: the patch restricted to the document ({@code projectData}),
 * applied to the document of the version before it, rather than the whole document again. A version's document is
 * rebuilt from the newest snapshot before it and the deltas after that snapshot, with the same parse, patch and
 * serialisation the PATCH itself ran, and checked against the size and CRC-32C of the document the version had.
 *
 * @param kind {@code json-patch}, {@code merge-patch} or {@code unchanged} (the patch left the document as it was)
 * @param patch the patch of the document as JSON text (null when unchanged)
 * @param crc32c the CRC-32C of the document the delta leads to
 */
record DocumentDelta(String kind, String patch, int crc32c) {

    static final String UNCHANGED = "unchanged";
    private static final String DOCUMENT = "/projectData";

    /**
     * The delta of a patch of a project (whose result had {@code document} as its document), or null when the patch
     * cannot be told as a patch of the document alone (an operation that moves or copies a value between the document
     * and the project's other members, or replaces the project as a whole): that version is stored as a snapshot.
     */
    static DocumentDelta of(ProjectPatch patch, String document, JsonMapper json) {
        if (!patch.touchesDocument()) {
            return new DocumentDelta(UNCHANGED, null, crc32c(document.getBytes(StandardCharsets.UTF_8)));
        }
        JsonNode restricted = patch.operations() == null ? patch.body().get("projectData") : restrictedOperations(patch.body(), json);
        if (restricted == null || (patch.operations() == null && !restricted.isObject())) {
            return null;
        }
        return new DocumentDelta(patch.type(), new String(ProjectInput.serialized(restricted, json), StandardCharsets.UTF_8),
                crc32c(document.getBytes(StandardCharsets.UTF_8)));
    }

    /** The operations that change the document, with paths relative to it; null when one cannot be told that way. */
    private static ArrayNode restrictedOperations(JsonNode operations, JsonMapper json) {
        ArrayNode restricted = json.createArrayNode();
        for (JsonNode operation : operations) {
            String op = operation.get("op").asString();
            String path = operation.get("path").asString();
            JsonNode fromNode = operation.get("from");
            boolean twoPaths = op.equals("move") || op.equals("copy");
            String from = twoPaths ? fromNode.asString() : null;
            if (op.equals("test")) {
                continue; // it changed nothing, and passed when the patch was applied
            }
            if (path.isEmpty() || (from != null && from.isEmpty())) {
                return null;
            }
            boolean pathInDocument = inDocument(path);
            if (twoPaths && inDocument(from) != pathInDocument) {
                return null;
            }
            if (!pathInDocument) {
                continue; // a title, tags...: stored in the version's own columns
            }
            ObjectNode copy = restricted.addObject();
            copy.put("op", op);
            copy.put("path", path.substring(DOCUMENT.length()));
            if (from != null) {
                copy.put("from", from.substring(DOCUMENT.length()));
            }
            if (operation.has("value") && !op.equals("remove") && !twoPaths) {
                copy.set("value", operation.get("value"));
            }
        }
        return restricted;
    }

    private static boolean inDocument(String pointer) {
        return pointer.equals(DOCUMENT) || pointer.startsWith(DOCUMENT + "/");
    }

    /**
     * The document of a version rebuilt from {@code snapshot} (the text of the newest snapshot at or before it) and
     * the {@code deltas} of the versions after it, in order, the last being the version's own.
     */
    static String rebuild(String snapshot, List<DocumentDelta> deltas, JsonMapper json) {
        String document = snapshot;
        for (DocumentDelta delta : deltas) {
            document = delta.applyTo(document, json);
        }
        return document;
    }

    /** The document this delta leads to from {@code previous}, checked against the CRC-32C the version stored. */
    String applyTo(String previous, JsonMapper json) {
        String next = previous;
        if (!kind.equals(UNCHANGED)) {
            JsonNode tree = json.readTree(previous);
            JsonNode delta = json.readTree(patch);
            JsonNode patched = kind.equals("merge-patch") ? JsonMergePatch.apply(tree, delta) : JsonPatch.parse(delta).apply(tree);
            next = new String(ProjectInput.serialized(patched, json), StandardCharsets.UTF_8);
        }
        if (crc32c(next.getBytes(StandardCharsets.UTF_8)) != crc32c) {
            throw new IllegalStateException("A version rebuilt from its snapshot and deltas differs from the document it had");
        }
        return next;
    }

    static int crc32c(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        return (int) crc.getValue();
    }
}
