package dev.dawg.presets;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import tools.jackson.databind.JsonNode;

import dev.dawg.platform.web.ApiProblem;
import dev.dawg.platform.web.JsonBodies.ObjectWithRawMember;
import dev.dawg.platform.web.JsonFields;

/**
 * What a client writes of a preset, validated as a whole (every problem named at once, nothing stored on any): a new
 * preset ({@link Draft}) or the members a PATCH names ({@link Change}). The data is the JSON object exactly as sent,
 * kept as its bytes (checked to be well-formed, with no repeated member names, by the body reader).
 */
final class PresetInput {

    /** The largest data a preset holds, in bytes of its JSON text. */
    static final long MAX_DATA_BYTES = 256 * 1024;

    static final int MAX_TAGS = 10;
    static final int MAX_TAG_LENGTH = 32;
    private static final Pattern ENGINE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    /** Members the server owns: sending them is a 400 that names them. */
    static final Set<String> READ_ONLY = Set.of("id", "ownerId", "owner", "featured", "featuredAt", "sizeBytes", "downloadCount",
            "ratingCount", "ratingAverage", "createdAt", "updatedAt", "myRating");
    private static final Set<String> CREATABLE = Set.of("name", "type", "engine", "category", "genre", "tags", "description",
            "isPublic", "data");
    private static final Set<String> CHANGEABLE = Set.of("name", "description", "category", "genre", "tags", "isPublic", "data");
    /** What a preset is for stays what it was made for: another engine is another preset. */
    private static final Set<String> FIXED = Set.of("type", "engine");

    private PresetInput() {
    }

    /** A new preset. */
    record Draft(String name, PresetType type, String engine, String category, String genre, List<String> tags, String description,
            boolean isPublic, String data) {

        int sizeBytes() {
            return data.getBytes(StandardCharsets.UTF_8).length;
        }
    }

    /**
     * The members a PATCH names, each null when not named; {@code genreNamed} tells a genre cleared with null from one
     * left alone.
     */
    record Change(String name, String category, String genre, boolean genreNamed, List<String> tags, String description,
            Boolean isPublic, String data) {

        boolean isEmpty() {
            return name == null && category == null && !genreNamed && tags == null && description == null && isPublic == null && data == null;
        }

        int sizeBytes() {
            return data.getBytes(StandardCharsets.UTF_8).length;
        }
    }

    static Draft draft(ObjectWithRawMember body) {
        JsonFields fields = JsonFields.of(body.members()).allowOnly(CREATABLE, READ_ONLY);
        String name = name(fields, true);
        String rawType = fields.requiredString("type", 1, 20);
        PresetType type = rawType == null ? null : PresetType.parse(rawType).orElse(null);
        if (rawType != null && type == null) {
            fields.reject("type", "must be instrument or effect");
        }
        String engine = fields.requiredString("engine", 1, 64);
        fields.matching("engine", engine, ENGINE, "must be letters, digits, '.', '_' or '-' (an instrument or effect id)");
        String category = category(fields, true);
        String genre = genre(fields);
        List<String> tags = tags(fields);
        String description = fields.optionalString("description", 0, 2000).orElse("");
        Boolean isPublic = isPublic(body, fields);
        String data = data(body, fields, true);
        fields.validate();
        return new Draft(name.strip(), type, engine, category, genre, tags == null ? List.of() : tags, description,
                Boolean.TRUE.equals(isPublic), limited(data));
    }

    static Change change(ObjectWithRawMember body) {
        JsonFields fields = JsonFields.of(body.members()).allowOnly(CHANGEABLE, READ_ONLY);
        for (String fixed : FIXED) {
            if (fields.has(fixed)) {
                fields.reject(fixed, "cannot be changed: a preset for another " + fixed + " is a new preset");
            }
        }
        String name = name(fields, false);
        String category = category(fields, false);
        String genre = genre(fields);
        List<String> tags = tags(fields);
        String description = null;
        if (fields.has("description")) {
            description = body.members().get("description").isNull() ? "" : fields.optionalString("description", 0, 2000).orElse(null);
        }
        Boolean isPublic = isPublic(body, fields);
        String data = data(body, fields, false);
        fields.validate();
        return new Change(name == null ? null : name.strip(), category, genre, fields.has("genre"), tags, description, isPublic,
                data == null ? null : limited(data));
    }

    private static String name(JsonFields fields, boolean required) {
        if (!required && !fields.has("name")) {
            return null;
        }
        String name = fields.requiredString("name", 1, 100);
        if (name != null && name.isBlank()) {
            fields.reject("name", "must not be blank");
            return null;
        }
        return name;
    }

    private static String category(JsonFields fields, boolean required) {
        if (!required && !fields.has("category")) {
            return null;
        }
        String category = fields.requiredString("category", 1, 50);
        if (category != null && category.isBlank()) {
            fields.reject("category", "must not be blank");
            return null;
        }
        return category == null ? null : category.strip();
    }

    /** A genre, or null for none (absent, null or empty). */
    private static String genre(JsonFields fields) {
        String genre = fields.optionalString("genre", 0, 50).map(String::strip).orElse(null);
        return genre == null || genre.isEmpty() ? null : genre;
    }

    /** Lower-cased and without repeats, as project tags are; null when not named. */
    private static List<String> tags(JsonFields fields) {
        if (!fields.has("tags")) {
            return null;
        }
        return fields.optionalStringList("tags", MAX_TAGS, MAX_TAG_LENGTH)
                .map(tags -> tags.stream().map(tag -> tag.toLowerCase(Locale.ROOT)).distinct().toList())
                .orElse(List.of());
    }

    /** true or false; null when absent (or sent as null). */
    private static Boolean isPublic(ObjectWithRawMember body, JsonFields fields) {
        JsonNode value = body.members().get("isPublic");
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isBoolean()) {
            fields.reject("isPublic", "must be true or false");
            return null;
        }
        return value.booleanValue();
    }

    /** The data's JSON text, or null when a PATCH does not name it; problems are collected in {@code fields}. */
    private static String data(ObjectWithRawMember body, JsonFields fields, boolean required) {
        if (body.raw() != null) {
            return new String(body.raw(), StandardCharsets.UTF_8);
        }
        JsonNode data = body.members().get("data");
        if (data == null && !required) {
            return null;
        }
        if (data == null || data.isNull()) {
            fields.reject("data", required ? "is required: the preset's settings as a JSON object"
                    : "cannot be null: send the preset's settings as a JSON object");
        }
        else {
            fields.reject("data", "must be a JSON object");
        }
        return null;
    }

    /** The data, if it is within {@link #MAX_DATA_BYTES}; else a 413 naming the field and the limit. */
    private static String limited(String data) {
        long size = data.getBytes(StandardCharsets.UTF_8).length;
        if (size > MAX_DATA_BYTES) {
            throw ApiProblem.payloadTooLarge("data is " + size + " bytes; a preset holds at most " + MAX_DATA_BYTES)
                    .with("limitBytes", MAX_DATA_BYTES)
                    .with("errors", List.of(new ApiProblem.FieldError("data", "must be at most " + MAX_DATA_BYTES + " bytes")));
        }
        return data;
    }
}
