package dev.dawg.assets.system;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

import dev.dawg.auth.CurrentUser;
import dev.dawg.platform.web.ApiProblem;
import dev.dawg.platform.web.Ids;
import dev.dawg.platform.web.JsonBodies;
import dev.dawg.platform.web.JsonFields;
import dev.dawg.platform.web.Pages;

/** The native routes of the sample library: samples with their metadata, categories, packs, usage and administration. */
@Component
class SystemLibraryHandler {

    private final SystemLibrary library;
    private final JsonBodies bodies;
    private final JsonMapper json;

    SystemLibraryHandler(SystemLibrary library, JsonBodies bodies, JsonMapper json) {
        this.library = library;
        this.bodies = bodies;
        this.json = json;
    }

    /** {@code GET /api/system-assets?category=&pack=&featured=}: by category, then name. */
    Mono<ServerResponse> list(ServerRequest request, Optional<CurrentUser> caller) {
        String category = request.queryParam("category").map(String::strip).filter(value -> !value.isEmpty()).orElse(null);
        if (category != null && !Changes.CATEGORY_SLUG.matcher(category).matches()) {
            return Mono.error(ApiProblem.validation("category", "must be 1 to 32 lowercase letters, digits or '-'"));
        }
        Boolean featured = request.queryParam("featured").map(Boolean::parseBoolean).orElse(null);
        Pages.OffsetPage page = Pages.offsetPage(request);
        return optionalId(request, "pack")
                .flatMap(pack -> library.samples(new SystemLibrary.SampleQuery(category, pack.orElse(null), featured), caller, page.limit() + 1,
                        page.offset()))
                .map(found -> views(page.toBody(found), SystemSample::view))
                .flatMap(body -> ServerResponse.ok().bodyValue(body));
    }

    Mono<ServerResponse> get(ServerRequest request, Optional<CurrentUser> caller) {
        return id(request).flatMap(id -> library.sample(id, caller)).flatMap(sample -> ServerResponse.ok().bodyValue(sample.view()));
    }

    /** {@code POST /api/system-assets}: the file and its metadata as form fields ({@link SampleForm}). */
    Mono<ServerResponse> upload(ServerRequest request, CurrentUser caller) {
        return library.upload(request, caller, fields -> Mono.fromCallable(() -> SampleForm.toJson(fields, json)))
                .flatMap(sample -> ServerResponse.created(URI.create("/api/system-assets/" + sample.id())).bodyValue(sample.view()));
    }

    Mono<ServerResponse> describe(ServerRequest request, CurrentUser caller) {
        return target(request, SystemLibrary.Target.SAMPLE, caller).zipWhen(id -> bodies.object(request).map(Changes.Sample::parse))
                .flatMap(change -> library.describe(change.getT1(), change.getT2(), caller))
                .flatMap(sample -> ServerResponse.ok().bodyValue(sample.view()));
    }

    Mono<ServerResponse> remove(ServerRequest request, CurrentUser caller) {
        return target(request, SystemLibrary.Target.SAMPLE, caller).flatMap(id -> library.remove(id, caller)).then(ServerResponse.noContent().build());
    }

    /** {@code POST /api/system-assets/{id}/usage {usageType, projectId?}} → the sample's {@code usageCount}. */
    Mono<ServerResponse> countUse(ServerRequest request, CurrentUser caller) {
        // The sample first: a random id is a 404 whatever the body says.
        return id(request).flatMap(id -> library.sample(id, Optional.of(caller)).thenReturn(id)).zipWhen(id -> bodies.object(request)).flatMap(found -> {
            JsonFields fields = JsonFields.of(found.getT2()).allowOnly(java.util.Set.of("usageType", "projectId"));
            String type = fields.requiredString("usageType", 1, 32);
            UUID project = fields.optionalString("projectId", 0, 64).filter(value -> !value.isEmpty()).map(value -> {
                try {
                    return UUID.fromString(value);
                }
                catch (IllegalArgumentException ex) {
                    fields.reject("projectId", "must be a project id (UUID)");
                    return null;
                }
            }).orElse(null);
            fields.validate();
            return library.countUse(found.getT1(), type, project, caller);
        }).flatMap(count -> ServerResponse.ok().header(HttpHeaders.CACHE_CONTROL, "no-store").bodyValue(Map.of("usageCount", count)));
    }

    // ---- categories

    Mono<ServerResponse> categories(ServerRequest request, Optional<CurrentUser> caller) {
        return library.categories().flatMap(found -> ServerResponse.ok().bodyValue(Map.of("items", found)));
    }

    Mono<ServerResponse> createCategory(ServerRequest request, CurrentUser caller) {
        return bodies.object(request).map(body -> Changes.Category.parse(body, true))
                .flatMap(change -> library.createCategory(change, caller))
                .flatMap(category -> ServerResponse.created(URI.create("/api/system-assets/categories/" + category.id())).bodyValue(category));
    }

    Mono<ServerResponse> updateCategory(ServerRequest request, CurrentUser caller) {
        return target(request, SystemLibrary.Target.CATEGORY, caller).zipWhen(id -> bodies.object(request).map(body -> Changes.Category.parse(body, false)))
                .flatMap(change -> library.updateCategory(change.getT1(), change.getT2(), caller))
                .flatMap(category -> ServerResponse.ok().bodyValue(category));
    }

    Mono<ServerResponse> deleteCategory(ServerRequest request, CurrentUser caller) {
        return target(request, SystemLibrary.Target.CATEGORY, caller).flatMap(id -> library.deleteCategory(id, caller)).then(ServerResponse.noContent().build());
    }

    // ---- packs

    Mono<ServerResponse> packs(ServerRequest request, Optional<CurrentUser> caller) {
        Pages.OffsetPage page = Pages.offsetPage(request);
        return library.packs(caller, page.limit() + 1, page.offset())
                .map(found -> page.toBody(found.items()))
                .flatMap(body -> ServerResponse.ok().bodyValue(body));
    }

    Mono<ServerResponse> pack(ServerRequest request, Optional<CurrentUser> caller) {
        return id(request).flatMap(id -> library.pack(id, caller)).flatMap(pack -> ServerResponse.ok().bodyValue(pack));
    }

    Mono<ServerResponse> createPack(ServerRequest request, CurrentUser caller) {
        return bodies.object(request).map(body -> Changes.Pack.parse(body, true))
                .flatMap(change -> library.createPack(change, caller))
                .flatMap(pack -> ServerResponse.created(URI.create("/api/system-assets/packs/" + pack.id())).bodyValue(pack));
    }

    Mono<ServerResponse> updatePack(ServerRequest request, CurrentUser caller) {
        return target(request, SystemLibrary.Target.PACK, caller).zipWhen(id -> bodies.object(request).map(body -> Changes.Pack.parse(body, false)))
                .flatMap(change -> library.updatePack(change.getT1(), change.getT2(), caller))
                .flatMap(pack -> ServerResponse.ok().bodyValue(pack));
    }

    Mono<ServerResponse> deletePack(ServerRequest request, CurrentUser caller) {
        return target(request, SystemLibrary.Target.PACK, caller).flatMap(id -> library.deletePack(id, caller)).then(ServerResponse.noContent().build());
    }

    /** The id on the path, once the caller may change what it names (see {@link SystemLibrary#adminTarget}). */
    private Mono<UUID> target(ServerRequest request, SystemLibrary.Target target, CurrentUser caller) {
        return id(request).flatMap(id -> library.adminTarget(target, id, caller));
    }

    private static Mono<UUID> id(ServerRequest request) {
        return Ids.parse(request.pathVariable("id"), "Resource");
    }

    private static Mono<Optional<UUID>> optionalId(ServerRequest request, String name) {
        Optional<String> raw = request.queryParam(name).map(String::strip).filter(value -> !value.isEmpty());
        return raw.isEmpty() ? Mono.just(Optional.empty()) : Ids.parse(raw.get(), name).map(Optional::of)
                .onErrorMap(ApiProblem.class, ex -> ApiProblem.validation(name, "must be an id (UUID)"));
    }

    @SuppressWarnings("unchecked")
    private static <T> Map<String, Object> views(Map<String, Object> body, java.util.function.Function<T, Object> view) {
        body.put("items", ((List<T>) body.get("items")).stream().map(view).toList());
        return body;
    }
}
