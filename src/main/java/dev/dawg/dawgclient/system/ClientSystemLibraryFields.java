package dev.dawg.dawgclient.system;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import dev.dawg.assets.system.SampleForm;
import dev.dawg.assets.system.SystemLibrary;
import dev.dawg.platform.web.ApiProblem;

/**
 * The client's names for the library's fields, renamed to the native API's: {@code keySignature} is {@code key},
 * {@code isActive} is {@code active}, {@code packId} is {@code pack}, and {@code categoryId} (an id) becomes the
 * category's slug. Fields DAWG's server has and this one does not (a pack's price, a sample's filename override) are
 * dropped; anything else is passed on for the native checks to refuse by name.
 */
final class ClientSystemLibraryFields {

    private static final Map<String, String> SAMPLE_NAMES = Map.of("keySignature", "key", "packId", "pack", "isPremium", "premium",
            "isFeatured", "featured", "isActive", "active");
    private static final Map<String, String> PACK_NAMES = Map.of("categoryId", "category", "isFeatured", "featured", "isActive", "active");
    private static final Set<String> SAMPLE_DROPPED = Set.of("filename");
    private static final Set<String> PACK_DROPPED = Set.of("isFree", "price", "currency", "coverImageUrl");

    private ClientSystemLibraryFields() {
    }

    /** A sample's metadata as the admin panel sends it (JSON), in native names. */
    static Mono<ObjectNode> sample(ObjectNode body, SystemLibrary library, JsonMapper json) {
        ObjectNode renamed = rename(body, SAMPLE_NAMES, SAMPLE_DROPPED, json);
        JsonNode categoryId = renamed.remove("categoryId");
        if (categoryId == null || categoryId.isNull() || categoryId.isString() && categoryId.stringValue().isEmpty()) {
            return Mono.just(renamed);
        }
        return categorySlug(categoryId.isString() ? categoryId.stringValue() : "", library).map(slug -> renamed.put("category", slug));
    }

    /** The admin form's multipart fields, in native names (the same text conventions as the native upload). */
    static Mono<ObjectNode> sampleForm(Map<String, String> fields, SystemLibrary library, JsonMapper json) {
        Map<String, String> renamed = new java.util.HashMap<>();
        fields.forEach((name, value) -> {
            if (!SAMPLE_DROPPED.contains(name)) {
                renamed.put(SAMPLE_NAMES.getOrDefault(name, name), value);
            }
        });
        return Mono.fromCallable(() -> SampleForm.toJson(renamed, json)).flatMap(body -> sample(body, library, json));
    }

    /** A pack as the admin panel sends it; an empty {@code categoryId} is none. */
    static ObjectNode pack(ObjectNode body, JsonMapper json) {
        ObjectNode renamed = rename(body, PACK_NAMES, PACK_DROPPED, json);
        JsonNode category = renamed.get("category");
        if (category != null && category.isString() && category.stringValue().isEmpty()) {
            renamed.putNull("category");
        }
        return renamed;
    }

    private static ObjectNode rename(ObjectNode body, Map<String, String> names, Set<String> dropped, JsonMapper json) {
        ObjectNode renamed = json.createObjectNode();
        for (String name : body.propertyNames()) {
            if (!dropped.contains(name)) {
                renamed.set(names.getOrDefault(name, name), body.get(name));
            }
        }
        return renamed;
    }

    private static Mono<String> categorySlug(String id, SystemLibrary library) {
        Optional<UUID> parsed = uuid(id);
        ApiProblem unknown = ApiProblem.validation("categoryId", "is not one of the library's categories");
        return parsed.map(value -> library.category(value).map(category -> category.slug()).onErrorMap(ApiProblem.class, ex -> unknown))
                .orElse(Mono.error(unknown));
    }

    static Optional<UUID> uuid(String value) {
        try {
            return value != null && value.length() == 36 ? Optional.of(UUID.fromString(value)) : Optional.empty();
        }
        catch (IllegalArgumentException ex) {
            return Optional.empty();
        }
    }
}
