package dev.dawg.social;

import java.util.Set;
import java.util.UUID;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import dev.dawg.platform.web.JsonFields;

/**
 * A comment as someone writes it, validated: its text (1 to {@value #MAX_LENGTH} characters, not blank) and the
 * comment it answers, if any. The native API names the text {@code text}; the DAWG client's dialect names it
 * {@code content}: one rule, read under either name.
 */
public record CommentDraft(String text, UUID parentId) {

    public static final int MAX_LENGTH = 2000;
    private static final Set<String> READ_ONLY = Set.of("id", "projectId", "author", "authorId", "createdAt");

    /** Reads a body holding {@code textField} and an optional {@code parentId}; any other field is a 400. */
    public static CommentDraft read(ObjectNode body, String textField) {
        JsonFields fields = JsonFields.of(body).allowOnly(Set.of(textField, "parentId"), READ_ONLY);
        String text = fields.requiredString(textField, 1, MAX_LENGTH);
        if (text != null && text.isBlank()) {
            fields.reject(textField, "must not be blank");
        }
        UUID parentId = parentId(fields, body.get("parentId"));
        fields.validate();
        return new CommentDraft(text, parentId);
    }

    private static UUID parentId(JsonFields fields, JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isString()) {
            try {
                return UUID.fromString(node.stringValue());
            }
            catch (IllegalArgumentException ex) {
                // answered below, as for a value that is not a string
            }
        }
        fields.reject("parentId", "must be the id of a comment of this project");
        return null;
    }
}
