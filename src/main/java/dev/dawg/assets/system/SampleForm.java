package dev.dawg.assets.system;

import java.util.Map;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The form fields of an upload into the library, as the sample change they describe: empty fields are left out,
 * {@code bpm} is a number, {@code premium}/{@code featured}/{@code active} are {@code true} or {@code false}, and
 * {@code tags} is a JSON array of strings or a comma-separated list. Anything else is passed on as text, for
 * {@link Changes.Sample#parse} to refuse with the field's name.
 */
public final class SampleForm {

    private SampleForm() {
    }

    public static ObjectNode toJson(Map<String, String> fields, JsonMapper json) {
        ObjectNode body = json.createObjectNode();
        fields.forEach((name, raw) -> {
            String value = raw == null ? "" : raw.strip();
            if (value.isEmpty()) {
                return;
            }
            switch (name) {
                case "bpm" -> {
                    if (value.matches("\\d{1,4}")) {
                        body.put(name, Integer.parseInt(value));
                    }
                    else {
                        body.put(name, value);
                    }
                }
                case "premium", "featured", "active" -> {
                    if (value.equals("true") || value.equals("false")) {
                        body.put(name, Boolean.parseBoolean(value));
                    }
                    else {
                        body.put(name, value);
                    }
                }
                case "tags" -> body.set(name, tags(value, json));
                default -> body.put(name, value);
            }
        });
        return body;
    }

    private static JsonNode tags(String value, JsonMapper json) {
        if (value.startsWith("[")) {
            try {
                return json.readTree(value);
            }
            catch (JacksonException ex) {
                return json.getNodeFactory().stringNode(value); // refused as "must be an array of strings"
            }
        }
        ArrayNode tags = json.createArrayNode();
        for (String tag : value.split(",")) {
            if (!tag.isBlank()) {
                tags.add(tag.strip());
            }
        }
        return tags;
    }
}
