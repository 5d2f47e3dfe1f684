package dev.dawg.dawgclient.system;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

import dev.dawg.assets.system.Changes;
import dev.dawg.assets.system.SystemLibrary;
import dev.dawg.auth.CurrentUser;
import dev.dawg.dawgclient.DawgClientProperties;
import dev.dawg.platform.web.ApiProblem;
import dev.dawg.platform.web.Ids;
import dev.dawg.platform.web.JsonBodies;
import dev.dawg.platform.web.Pages;

/**
 * The DAWG client's calls on the sample library ({@code /assets/system...} and its admin panel's), translated onto
 * {@link SystemLibrary}: the client's query names and envelopes ({@code {assets,total,limit,offset}},
 * {@code {packs,...}}, {@code {categories}}, {@code {success:true}}) in, the same rules and checks as the native API.
 */
@Component
class ClientSystemLibraryHandler {

    private static final int DEFAULT_LIMIT = 50;

    private final SystemLibrary library;
    private final JsonBodies bodies;
    private final JsonMapper json;
    private final String basePath;

    ClientSystemLibraryHandler(SystemLibrary library, JsonBodies bodies, JsonMapper json, DawgClientProperties properties) {
        this.library = library;
        this.bodies = bodies;
        this.json = json;
        this.basePath = properties.path();
    }

    /**
     * {@code GET /assets/system?limit=&offset=&categoryId=&packId=&isActive=&isFeatured=}. An administrator sees
     * inactive samples too unless {@code isActive=true}; an unknown category or pack lists nothing.
     */
    Mono<ServerResponse> list(ServerRequest request, Optional<CurrentUser> caller) {
        int limit = limit(request);
        int offset = offset(request);
        Optional<CurrentUser> viewer = caller.filter(user -> !"true".equals(request.queryParam("isActive").orElse(null)));
        Boolean featured = request.queryParam("isFeatured").filter(value -> !value.isBlank()).map(Boolean::parseBoolean).orElse(null);
        Optional<UUID> pack = param(request, "packId").map(value -> ClientSystemLibraryFields.uuid(value).orElse(new UUID(0, 0)));
        return categorySlug(param(request, "categoryId"))
                .flatMap(category -> library.samplePage(new SystemLibrary.SampleQuery(category.orElse(null), pack.orElse(null), featured),
                        viewer, limit, offset))
                .map(page -> envelope("assets", page.items().stream().map(sample -> ClientSystemLibraryViews.sample(sample, basePath)).toList(),
                        page.total(), limit, offset))
                .defaultIfEmpty(envelope("assets", List.of(), 0, limit, offset))
                .flatMap(body -> ServerResponse.ok().bodyValue(body));
    }

    Mono<ServerResponse> get(ServerRequest request, Optional<CurrentUser> caller) {
        return id(request, "Sample").flatMap(id -> library.sample(id, caller))
                .flatMap(sample -> ServerResponse.ok().bodyValue(ClientSystemLibraryViews.sample(sample, basePath)));
    }

    /** {@code POST /assets/system/:id/usage {usageType, projectId}} → {@code {success: true}}. */
    Mono<ServerResponse> countUse(ServerRequest request, CurrentUser caller) {
        return id(request, "Sample").flatMap(id -> library.sample(id, Optional.of(caller)).thenReturn(id))
                .zipWhen(id -> bodies.object(request)).flatMap(found -> {
            String type = found.getT2().path("usageType").isString() ? found.getT2().path("usageType").stringValue() : "";
            String project = found.getT2().path("projectId").isString() ? found.getT2().path("projectId").stringValue() : null;
            return library.countUse(found.getT1(), type, project == null ? null : ClientSystemLibraryFields.uuid(project).orElse(null), caller);
        }).flatMap(count -> success(Map.of("usageCount", count)));
    }

    Mono<ServerResponse> packs(ServerRequest request, Optional<CurrentUser> caller) {
        int limit = limit(request);
        int offset = offset(request);
        Optional<CurrentUser> viewer = caller.filter(user -> !"true".equals(request.queryParam("isActive").orElse(null)));
        return library.packs(viewer, limit, offset)
                .map(page -> envelope("packs", page.items().stream().map(ClientSystemLibraryViews::pack).toList(), page.total(), limit, offset))
                .flatMap(body -> ServerResponse.ok().bodyValue(body));
    }

    Mono<ServerResponse> pack(ServerRequest request, Optional<CurrentUser> caller) {
        return id(request, "Pack").flatMap(id -> library.pack(id, caller))
                .flatMap(pack -> ServerResponse.ok().bodyValue(ClientSystemLibraryViews.pack(pack)));
    }

    Mono<ServerResponse> categories(ServerRequest request, Optional<CurrentUser> caller) {
        return library.categories().map(found -> found.stream().map(ClientSystemLibraryViews::category).toList())
                .flatMap(found -> ServerResponse.ok().bodyValue(Map.of("categories", found)));
    }

    // ---- the admin panel

    /**
     * {@code POST /assets/admin/system/assets/upload/request}: this server hands out no direct-to-CDN URL, so the
     * answer has none; the client then sends the file to {@code POST /admin/system/assets}, as it does whenever its
     * direct upload is unavailable.
     */
    Mono<ServerResponse> requestUpload(ServerRequest request, CurrentUser caller) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("assetId", null);
        body.put("uploadUrl", null);
        body.put("accessKey", null);
        body.put("directUpload", false);
        return Mono.fromCallable(caller::requireAdmin).then(ServerResponse.ok().bodyValue(body));
    }

    /** {@code POST /assets/admin/system/assets/upload/complete}: there is never a direct upload to complete. */
    Mono<ServerResponse> completeUpload(ServerRequest request, CurrentUser caller) {
        return Mono.fromCallable(caller::requireAdmin).then(Mono.error(ApiProblem.notFound(
                "Direct upload is not available on this server; send the file to " + basePath + "/admin/system/assets")));
    }

    /** {@code POST /admin/system/assets}: the admin form (its fields and the file), streamed like every upload. */
    Mono<ServerResponse> upload(ServerRequest request, CurrentUser caller) {
        return library.upload(request, caller, fields -> ClientSystemLibraryFields.sampleForm(fields, library, json))
                .flatMap(sample -> ServerResponse.status(HttpStatus.CREATED).bodyValue(ClientSystemLibraryViews.sample(sample, basePath)));
    }

    Mono<ServerResponse> describe(ServerRequest request, CurrentUser caller) {
        return target(request, SystemLibrary.Target.SAMPLE, caller)
                .zipWhen(id -> bodies.object(request).flatMap(body -> ClientSystemLibraryFields.sample(body, library, json)))
                .flatMap(change -> library.describe(change.getT1(), Changes.Sample.parse(change.getT2()), caller))
                .flatMap(sample -> ServerResponse.ok().bodyValue(ClientSystemLibraryViews.sample(sample, basePath)));
    }

    Mono<ServerResponse> remove(ServerRequest request, CurrentUser caller) {
        return target(request, SystemLibrary.Target.SAMPLE, caller).flatMap(id -> library.remove(id, caller)).then(success(Map.of()));
    }

    Mono<ServerResponse> createPack(ServerRequest request, CurrentUser caller) {
        return bodies.object(request).map(body -> Changes.Pack.parse(ClientSystemLibraryFields.pack(body, json), true))
                .flatMap(change -> library.createPack(change, caller))
                .flatMap(pack -> ServerResponse.status(HttpStatus.CREATED).bodyValue(ClientSystemLibraryViews.pack(pack)));
    }

    Mono<ServerResponse> updatePack(ServerRequest request, CurrentUser caller) {
        return target(request, SystemLibrary.Target.PACK, caller)
                .zipWhen(id -> bodies.object(request).map(body -> Changes.Pack.parse(ClientSystemLibraryFields.pack(body, json), false)))
                .flatMap(change -> library.updatePack(change.getT1(), change.getT2(), caller))
                .flatMap(pack -> ServerResponse.ok().bodyValue(ClientSystemLibraryViews.pack(pack)));
    }

    Mono<ServerResponse> deletePack(ServerRequest request, CurrentUser caller) {
        return target(request, SystemLibrary.Target.PACK, caller).flatMap(id -> library.deletePack(id, caller)).then(success(Map.of()));
    }

    /** {@code PUT /assets/admin/system/categories/:id {name, slug, description}}. */
    Mono<ServerResponse> updateCategory(ServerRequest request, CurrentUser caller) {
        return target(request, SystemLibrary.Target.CATEGORY, caller).zipWhen(id -> bodies.object(request).map(body -> Changes.Category.parse(body, false)))
                .flatMap(change -> library.updateCategory(change.getT1(), change.getT2(), caller))
                .flatMap(category -> ServerResponse.ok().bodyValue(ClientSystemLibraryViews.category(category)));
    }

    // ---- the client's conventions

    /** The category named by a {@code categoryId} as its slug; none asked: an empty Optional; unknown: empty (lists nothing). */
    private Mono<Optional<String>> categorySlug(Optional<String> categoryId) {
        if (categoryId.isEmpty()) {
            return Mono.just(Optional.empty());
        }
        return ClientSystemLibraryFields.uuid(categoryId.get()).map(id -> library.category(id).map(category -> Optional.of(category.slug()))
                .onErrorResume(ApiProblem.class, ex -> Mono.empty())).orElse(Mono.empty());
    }

    private static Map<String, Object> envelope(String name, List<?> items, long total, int limit, int offset) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put(name, items);
        body.put("total", total);
        body.put("limit", limit);
        body.put("offset", offset);
        return body;
    }

    private static Mono<ServerResponse> success(Map<String, Object> extra) {
        Map<String, Object> body = new LinkedHashMap<>(extra);
        body.put("success", true);
        return ServerResponse.ok().bodyValue(body);
    }

    private static Optional<String> param(ServerRequest request, String name) {
        return request.queryParam(name).map(String::strip).filter(value -> !value.isEmpty());
    }

    /** The client asks for up to 1000 at once; it is served our largest page, and {@code limit} says which applied. */
    private static int limit(ServerRequest request) {
        return Math.min(whole(request, "limit", DEFAULT_LIMIT, 1), Pages.MAX_LIMIT);
    }

    private static int offset(ServerRequest request) {
        int offset = whole(request, "offset", 0, 0);
        if (offset > Pages.MAX_OFFSET) {
            throw ApiProblem.validation("offset", "is too deep; narrow the list instead");
        }
        return offset;
    }

    private static int whole(ServerRequest request, String name, int absent, int min) {
        Optional<String> raw = param(request, name);
        try {
            int value = raw.map(Integer::parseInt).orElse(absent);
            if (value >= min) {
                return value;
            }
        }
        catch (NumberFormatException ignored) {
            // answered below
        }
        throw ApiProblem.validation(name, "must be a whole number from " + min);
    }

    private Mono<UUID> target(ServerRequest request, SystemLibrary.Target target, CurrentUser caller) {
        return id(request, target.name().charAt(0) + target.name().substring(1).toLowerCase(java.util.Locale.ROOT))
                .flatMap(id -> library.adminTarget(target, id, caller));
    }

    private static Mono<UUID> id(ServerRequest request, String what) {
        return Ids.parse(request.pathVariable("id"), what);
    }
}
