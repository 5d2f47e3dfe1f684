package dev.dawg.assets.system;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import dev.dawg.platform.web.JsonFields;

/**
 * What an administrator sends to describe the library (a sample, a pack, a category), checked and bounded. In a
 * change, a field left out stays as it is ({@code null} here), and JSON {@code null} clears a field that may be
 * empty ({@code Optional.empty()}).
 */
public final class Changes {

    static final Pattern CATEGORY_SLUG = Pattern.compile("[a-z0-9-]{1,32}");
    static final Pattern PACK_SLUG = Pattern.compile("[a-z0-9-]{1,64}");
    static final Pattern KEY = Pattern.compile("[A-G][#b]?(m|maj|min)?");
    static final int MAX_TAGS = 20;
    static final int MAX_TAG_LENGTH = 32;

    private Changes() {
    }

    /** A change of a sample's metadata (and, on upload, its description: {@code category} is then required). */
    public record Sample(String name, Optional<String> description, Optional<Integer> bpm, Optional<String> key, List<String> tags,
            Optional<UUID> pack, String category, Boolean premium, Boolean featured, Boolean active) {

        static final Set<String> FIELDS = Set.of("name", "description", "bpm", "key", "tags", "pack", "category", "premium", "featured", "active");

        public static Sample parse(ObjectNode body) {
            JsonFields fields = JsonFields.of(body).allowOnly(FIELDS);
            Sample change = new Sample(
                    body.has("name") ? fields.requiredString("name", 1, 100) : null,
                    clearable(body, "description", () -> fields.optionalString("description", 0, 2000)),
                    clearable(body, "bpm", () -> fields.optionalInt("bpm", 20, 400)),
                    clearable(body, "key", () -> fields.optionalString("key", 1, 8)
                            .map(key -> fields.matching("key", key, KEY, "must be a key such as C, F#m or Bbmaj"))),
                    body.has("tags") ? fields.optionalStringList("tags", MAX_TAGS, MAX_TAG_LENGTH).orElse(List.of()) : null,
                    clearable(body, "pack", () -> uuid(fields, body, "pack")),
                    body.has("category") ? fields.matching("category", fields.requiredString("category", 1, 32), CATEGORY_SLUG,
                            "must be 1 to 32 lowercase letters, digits or '-'") : null,
                    bool(fields, body, "premium"), bool(fields, body, "featured"), bool(fields, body, "active"));
            fields.validate();
            return change;
        }
    }

    /** A new pack, or a change of one. */
    public record Pack(String slug, String name, Optional<String> description, Optional<UUID> category, List<String> tags, Boolean active,
            Boolean featured) {

        static final Set<String> FIELDS = Set.of("slug", "name", "description", "category", "tags", "active", "featured");

        /** {@code creating}: {@code name} is required, and {@code slug} is made from it when not given. */
        public static Pack parse(ObjectNode body, boolean creating) {
            JsonFields fields = JsonFields.of(body).allowOnly(FIELDS);
            String name = creating || body.has("name") ? fields.requiredString("name", 1, 100) : null;
            String slug = body.has("slug") ? fields.matching("slug", fields.requiredString("slug", 1, 64), PACK_SLUG,
                    "must be 1 to 64 lowercase letters, digits or '-'") : creating && name != null ? slugOf(name) : null;
            if (creating && slug != null && slug.isEmpty()) {
                fields.reject("slug", "is required when the name has no letters or digits");
            }
            Pack change = new Pack(slug, name,
                    clearable(body, "description", () -> fields.optionalString("description", 0, 2000)),
                    clearable(body, "category", () -> uuid(fields, body, "category")),
                    body.has("tags") ? fields.optionalStringList("tags", MAX_TAGS, MAX_TAG_LENGTH).orElse(List.of()) : null,
                    bool(fields, body, "active"), bool(fields, body, "featured"));
            fields.validate();
            return change;
        }
    }

    /** A new category, or a change of one. */
    public record Category(String slug, String name, Optional<String> description, Integer sortOrder) {

        static final Set<String> FIELDS = Set.of("slug", "name", "description", "sortOrder");

        public static Category parse(ObjectNode body, boolean creating) {
            JsonFields fields = JsonFields.of(body).allowOnly(FIELDS);
            Category change = new Category(
                    creating || body.has("slug") ? fields.matching("slug", fields.requiredString("slug", 1, 32), CATEGORY_SLUG,
                            "must be 1 to 32 lowercase letters, digits or '-'") : null,
                    creating || body.has("name") ? fields.requiredString("name", 1, 100) : null,
                    clearable(body, "description", () -> fields.optionalString("description", 0, 2000)),
                    body.has("sortOrder") ? fields.optionalInt("sortOrder", -10000, 10000).orElse(0) : null);
            fields.validate();
            return change;
        }
    }

    /** Absent: null (unchanged); JSON null: empty (cleared); else what {@code read} makes of the value. */
    private static <T> Optional<T> clearable(ObjectNode body, String name, Supplier<Optional<T>> read) {
        if (!body.has(name)) {
            return null;
        }
        return body.get(name).isNull() ? Optional.empty() : read.get();
    }

    private static Boolean bool(JsonFields fields, ObjectNode body, String name) {
        JsonNode node = body.get(name);
        if (node == null) {
            return null;
        }
        if (!node.isBoolean()) {
            fields.reject(name, "must be true or false");
            return null;
        }
        return node.booleanValue();
    }

    private static Optional<UUID> uuid(JsonFields fields, ObjectNode body, String name) {
        JsonNode node = body.get(name);
        try {
            return Optional.of(UUID.fromString(node.isString() ? node.stringValue() : ""));
        }
        catch (IllegalArgumentException ex) {
            fields.reject(name, "must be an id (UUID)");
            return Optional.empty();
        }
    }

    /** "Deep House Vol. 2" → "deep-house-vol-2". */
    static String slugOf(String name) {
        String slug = name.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        return slug.length() > 64 ? slug.substring(0, 64).replaceAll("-+$", "") : slug;
    }
}
