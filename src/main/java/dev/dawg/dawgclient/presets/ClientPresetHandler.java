package dev.dawg.dawgclient.presets;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

import dev.dawg.auth.CurrentUser;
import dev.dawg.dawgclient.ClientPage;
import dev.dawg.platform.web.ApiProblem;
import dev.dawg.platform.web.Ids;
import dev.dawg.platform.web.JsonBodies;
import dev.dawg.platform.web.JsonBodies.ObjectWithRawMember;
import dev.dawg.platform.web.JsonFields;
import dev.dawg.presets.PresetLibrary;

/**
 * The DAWG client's preset calls on the native library (PresetLibrary): its names ({@code presetType, engineType,
 * presetData, downloadsCount, ratingAvg, userName, isFeatured}), its {@code {presets, pagination}} pages, its
 * {@code {preset}} and {@code {message, ...}} answers. Validation, the access rule (a private preset is someone else's
 * 404), the 256 KB data limit and the write budget are the native ones.
 */
@Component
class ClientPresetHandler {

    /** The client's body members → the native ones; the client's others are refused (400) by name. */
    private static final Map<String, String> MEMBERS = Map.of("name", "name", "description", "description", "presetType", "type",
            "engineType", "engine", "category", "category", "presetData", "data", "tags", "tags", "genre", "genre", "isPublic", "isPublic");
    /** The client sends {@code category: null} when none is picked; the native library files each preset under one. */
    static final String NO_CATEGORY = "uncategorized";
    private static final int MAX_PARAMETER_LENGTH = 200;
    private static final Map<String, PresetLibrary.Order> SORTS = Map.of("created_at", PresetLibrary.Order.RECENT, "createdAt",
            PresetLibrary.Order.RECENT, "downloads_count", PresetLibrary.Order.DOWNLOADS, "downloadsCount", PresetLibrary.Order.DOWNLOADS,
            "rating_avg", PresetLibrary.Order.RATING, "ratingAvg", PresetLibrary.Order.RATING, "popular", PresetLibrary.Order.POPULAR);

    private final PresetLibrary library;
    private final JsonBodies bodies;

    ClientPresetHandler(PresetLibrary library, JsonBodies bodies) {
        this.library = library;
        this.bodies = bodies;
    }

    /**
     * {@code ?userId=&presetType=&engineType=&category=&tags=a,b&genre=&search=&public=&featured=&page=&limit=&sortBy=&sortOrder=}
     * → {@code {presets, pagination}}. {@code userId} of the caller lists all their own presets, private ones too.
     */
    Mono<ServerResponse> list(ServerRequest request, Optional<CurrentUser> caller) {
        ClientPage page = ClientPage.of(request);
        String sortBy = text(request, "sortBy");
        PresetLibrary.Order order = sortBy == null ? PresetLibrary.Order.RECENT : SORTS.get(sortBy);
        if (order == null) {
            throw ApiProblem.validation("sortBy", "must be one of created_at, downloads_count, rating_avg");
        }
        boolean ascending = switch (Optional.ofNullable(text(request, "sortOrder")).orElse("desc").toLowerCase(Locale.ROOT)) {
            case "asc" -> true;
            case "desc" -> false;
            default -> throw ApiProblem.validation("sortOrder", "must be asc or desc");
        };
        String userId = text(request, "userId");
        String tags = text(request, "tags");
        PresetLibrary.Listing listing = new PresetLibrary.Listing(userId == null ? null : uuid(userId, "userId"), flag(request, "public"),
                text(request, "presetType"), text(request, "engineType"), text(request, "category"), text(request, "genre"),
                tags == null ? null : Arrays.asList(tags.split(",")), text(request, "search"), Boolean.TRUE.equals(flag(request, "featured")),
                order, ascending);
        return library.page(listing, caller, page.limit(), page.offset())
                .flatMap(found -> ServerResponse.ok().bodyValue(page.body("presets",
                        found.items().stream().map(ClientPresetHandler::view).toList(), found.total())));
    }

    /** 201 {@code {preset}}, with its data. */
    Mono<ServerResponse> create(ServerRequest request, CurrentUser caller) {
        return bodies.objectKeepingRaw(request, "presetData").map(body -> translated(body, true))
                .flatMap(body -> library.create(caller, body))
                .flatMap(preset -> ServerResponse.status(HttpStatus.CREATED).bodyValue(Map.of("preset", view(preset))));
    }

    Mono<ServerResponse> get(ServerRequest request, Optional<CurrentUser> caller) {
        return id(request).flatMap(id -> library.get(id, caller))
                .flatMap(preset -> ServerResponse.ok().bodyValue(Map.of("preset", view(preset))));
    }

    /** The client's PUT changes what it names, as the native PATCH does. */
    Mono<ServerResponse> update(ServerRequest request, CurrentUser caller) {
        return id(request).flatMap(id -> bodies.objectKeepingRaw(request, "presetData").map(body -> translated(body, false))
                        .flatMap(body -> library.change(id, caller, body)))
                .flatMap(preset -> ServerResponse.ok().bodyValue(Map.of("preset", view(preset))));
    }

    /** The owner's (or, as natively, an administrator's). */
    Mono<ServerResponse> delete(ServerRequest request, CurrentUser caller) {
        return id(request).flatMap(id -> library.delete(id, caller, false))
                .then(ServerResponse.ok().bodyValue(Map.of("message", "Preset deleted successfully")));
    }

    /** Administrators only (403 for anyone else), any preset. */
    Mono<ServerResponse> deleteAsAdmin(ServerRequest request, CurrentUser caller) {
        return id(request).flatMap(id -> library.delete(id, caller, true))
                .then(ServerResponse.ok().bodyValue(Map.of("message", "Preset deleted successfully (Admin)")));
    }

    /** {@code {message, preset (with presetData), counted}}: a user's first download of a preset is the one counted. */
    Mono<ServerResponse> download(ServerRequest request, CurrentUser caller) {
        return id(request).flatMap(id -> library.download(id, caller))
                .flatMap(preset -> {
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("message", "Preset downloaded");
                    body.put("preset", view(preset));
                    body.put("counted", preset.get("counted"));
                    return ServerResponse.ok().bodyValue(body);
                });
    }

    /**
     * {@code {rating: 1..5}} → {@code {message, rating: {rating}, ratingAvg, ratingCount}}; the rating's
     * {@code createdAt} the client's server answered is not kept apart from its change time, so it is left out.
     */
    Mono<ServerResponse> rate(ServerRequest request, CurrentUser caller) {
        return id(request).flatMap(id -> bodies.object(request).flatMap(body -> library.rate(id, caller, body)))
                .flatMap(ratings -> {
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("message", "Preset rated successfully");
                    body.put("rating", Map.of("rating", ratings.get("rating")));
                    body.put("ratingAvg", ratings.get("ratingAverage"));
                    body.put("ratingCount", ratings.get("ratingCount"));
                    return ServerResponse.ok().bodyValue(body);
                });
    }

    /** {@code ?page=&limit=&presetType=&engineType=} → {@code {presets (with presetData), total, pagination}}. */
    Mono<ServerResponse> myDownloads(ServerRequest request, CurrentUser caller) {
        ClientPage page = ClientPage.of(request);
        return library.downloads(caller, text(request, "presetType"), text(request, "engineType"), page.limit(), page.offset())
                .flatMap(found -> {
                    Map<String, Object> body = page.body("presets", found.items().stream().map(ClientPresetHandler::view).toList(),
                            found.total());
                    body.put("total", found.total());
                    return ServerResponse.ok().bodyValue(body);
                });
    }

    /**
     * The client's body in native members, the data kept raw. Members the client's server did not take are refused by
     * name; on a change, {@code presetType}/{@code engineType} are refused as natively (another engine is another
     * preset) and {@code category: null} leaves the category as it is.
     */
    private static ObjectWithRawMember translated(ObjectWithRawMember body, boolean creating) {
        ObjectNode members = body.members();
        JsonFields fields = JsonFields.of(members).allowOnly(MEMBERS.keySet());
        if (!creating) {
            for (String fixed : List.of("presetType", "engineType")) {
                if (members.has(fixed)) {
                    fields.reject(fixed, "cannot be changed: a preset for another " + (fixed.equals("presetType") ? "type" : "engine")
                            + " is a new preset");
                }
            }
        }
        fields.validate();
        ObjectNode translated = members.objectNode();
        for (String name : members.propertyNames()) {
            JsonNode value = members.get(name);
            if (name.equals("category") && value.isNull()) {
                if (creating) {
                    translated.put("category", NO_CATEGORY);
                }
                continue;
            }
            translated.set(MEMBERS.get(name), value);
        }
        if (creating && !translated.has("category")) {
            translated.put("category", NO_CATEGORY);
        }
        return new ObjectWithRawMember(translated, body.raw());
    }

    /** A native view in the client's names; {@code presetData} only where the native view holds the data. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> view(Map<String, Object> preset) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", preset.get("id"));
        view.put("userId", preset.get("ownerId"));
        view.put("userName", ((Map<String, Object>) preset.get("owner")).get("username"));
        view.put("name", preset.get("name"));
        view.put("description", preset.get("description"));
        view.put("presetType", preset.get("type"));
        view.put("engineType", preset.get("engine"));
        view.put("category", preset.get("category"));
        view.put("tags", preset.get("tags"));
        view.put("genre", preset.get("genre"));
        view.put("downloadsCount", preset.get("downloadCount"));
        view.put("ratingAvg", preset.get("ratingAverage"));
        view.put("ratingCount", preset.get("ratingCount"));
        view.put("isPublic", preset.get("isPublic"));
        view.put("isFeatured", preset.get("featured"));
        view.put("createdAt", preset.get("createdAt"));
        view.put("updatedAt", preset.get("updatedAt"));
        if (preset.containsKey("data")) {
            view.put("presetData", preset.get("data"));
            view.put("myRating", preset.get("myRating"));
        }
        return view;
    }

    private static Mono<UUID> id(ServerRequest request) {
        return Ids.parse(request.pathVariable("id"), "Preset");
    }

    /** A query parameter, or null when absent or blank; none the client sends is longer than a search. */
    private static String text(ServerRequest request, String name) {
        String value = request.queryParam(name).map(String::strip).filter(v -> !v.isEmpty()).orElse(null);
        if (value != null && value.length() > MAX_PARAMETER_LENGTH) {
            throw ApiProblem.validation(name, "must be at most " + MAX_PARAMETER_LENGTH + " characters");
        }
        return value;
    }

    /** true, false, or null when absent. */
    private static Boolean flag(ServerRequest request, String name) {
        String value = text(request, name);
        if (value == null) {
            return null;
        }
        return switch (value) {
            case "true" -> true;
            case "false" -> false;
            default -> throw ApiProblem.validation(name, "must be true or false");
        };
    }

    private static UUID uuid(String value, String name) {
        try {
            return UUID.fromString(value);
        }
        catch (IllegalArgumentException ex) {
            throw ApiProblem.validation(name, "must be a user id");
        }
    }
}
