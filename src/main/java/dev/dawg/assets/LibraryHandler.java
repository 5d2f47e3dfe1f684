package dev.dawg.assets;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import reactor.core.publisher.Mono;
import reactor.util.function.Tuples;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

import dev.dawg.auth.CurrentUser;
import dev.dawg.platform.web.ApiProblem;
import dev.dawg.platform.web.Ids;
import dev.dawg.platform.web.JsonBodies;
import dev.dawg.platform.web.JsonFields;
import dev.dawg.platform.web.Pages;

/** The native routes of the caller's personal sample library: its assets (list, rename, move) and its folders. */
@Component
class LibraryHandler {

    private final PersonalLibrary library;
    private final LibraryFolders folders;
    private final JsonBodies bodies;

    LibraryHandler(PersonalLibrary library, LibraryFolders folders, JsonBodies bodies) {
        this.library = library;
        this.folders = folders;
        this.bodies = bodies;
    }

    /** {@code GET /api/assets?folderId=}: the whole library, {@code folderId=root} its top level, or one folder; newest first. */
    Mono<ServerResponse> listAssets(ServerRequest request, CurrentUser user) {
        return Mono.fromCallable(() -> AssetHandler.NewestFirst.of(request))
                .flatMap(page -> folderFilter(request, "folderId")
                        .flatMap(filter -> library.list(user.id(), filter, page.beforeCreated(), page.beforeId(), page.limit() + 1))
                        .map(page::body))
                .flatMap(body -> ServerResponse.ok().bodyValue(body));
    }

    /** {@code PATCH /api/assets/{id}}: {@code {filename?, folderId?}}; {@code folderId: null} moves it to the top level. */
    Mono<ServerResponse> patchAsset(ServerRequest request, CurrentUser user) {
        // Whose asset it is comes first: someone else's is a 404 whatever the body.
        return Ids.parse(request.pathVariable("id"), "Asset")
                .flatMap(id -> library.own(user.id(), id).then(bodies.object(request)).map(body -> Tuples.of(id, body)))
                .flatMap(found -> {
                    JsonFields fields = JsonFields.of(found.getT2()).allowOnly(Set.of("filename", "folderId"));
                    Optional<String> filename = fields.optionalString("filename", 1, Filenames.MAX_LENGTH);
                    UUID folderId = LibraryFolders.idField(fields, "folderId");
                    fields.validate();
                    return library.update(user, found.getT1(), filename, found.getT2().has("folderId"), folderId);
                })
                .flatMap(asset -> ServerResponse.ok().bodyValue(asset.view()));
    }

    /** {@code GET /api/asset-folders?parentId=}: all folders, {@code parentId=root} the top level, or one folder's children; by name. */
    Mono<ServerResponse> listFolders(ServerRequest request, CurrentUser user) {
        return Mono.fromCallable(() -> ByName.of(request))
                .flatMap(page -> folderFilter(request, "parentId")
                        .flatMap(filter -> folders.list(user.id(), filter.folderId(), filter.topLevel(), page.afterName(), page.afterId(),
                                page.limit() + 1).collectList())
                        .map(page::body))
                .flatMap(body -> ServerResponse.ok().bodyValue(body));
    }

    /** A keyset page of folders by name: {@code ?limit=} and the cursor of the last folder of the page before. */
    private record ByName(int limit, String afterName, UUID afterId) {

        static ByName of(ServerRequest request) {
            int limit = Pages.limit(request);
            List<String> cursor = Pages.cursor(request, 2);
            try {
                return new ByName(limit, cursor == null ? null : cursor.get(0), cursor == null ? null : UUID.fromString(cursor.get(1)));
            }
            catch (IllegalArgumentException ex) {
                throw ApiProblem.validation("cursor", "is not a cursor this list gave out");
            }
        }

        @SuppressWarnings("unchecked")
        Map<String, Object> body(List<AssetFolder> fetched) {
            Map<String, Object> body = Pages.keysetBody(fetched, limit,
                    last -> Pages.encodeCursor(last.name().toLowerCase(Locale.ROOT), last.id().toString()));
            body.put("items", ((List<AssetFolder>) body.get("items")).stream().map(AssetFolder::view).toList());
            return body;
        }
    }

    /** {@code POST /api/asset-folders}: {@code {name, parentId?}} → 201. */
    Mono<ServerResponse> createFolder(ServerRequest request, CurrentUser user) {
        return bodies.object(request)
                .flatMap(body -> {
                    JsonFields fields = JsonFields.of(body).allowOnly(Set.of("name", "parentId"));
                    String name = fields.requiredString("name", 1, LibraryFolders.MAX_NAME_LENGTH);
                    UUID parentId = LibraryFolders.idField(fields, "parentId");
                    fields.validate();
                    return folders.create(user.id(), parentId, name);
                })
                .flatMap(folder -> ServerResponse.created(URI.create("/api/asset-folders/" + folder.id())).bodyValue(folder.view()));
    }

    /** {@code PATCH /api/asset-folders/{id}}: {@code {name?, parentId?}}; {@code parentId: null} moves it to the top level. */
    Mono<ServerResponse> patchFolder(ServerRequest request, CurrentUser user) {
        // Whose folder it is comes first: someone else's is a 404 whatever the body.
        return Ids.parse(request.pathVariable("id"), "Folder")
                .flatMap(id -> folders.find(user.id(), id).then(bodies.object(request)).map(body -> Tuples.of(id, body)))
                .flatMap(found -> {
                    ObjectNode body = found.getT2();
                    JsonFields fields = JsonFields.of(body).allowOnly(Set.of("name", "parentId"));
                    Optional<String> name = fields.optionalString("name", 1, LibraryFolders.MAX_NAME_LENGTH);
                    UUID parentId = LibraryFolders.idField(fields, "parentId");
                    fields.validate();
                    return folders.update(user.id(), found.getT1(), name, body.has("parentId"), parentId);
                })
                .flatMap(folder -> ServerResponse.ok().bodyValue(folder.view()));
    }

    /** {@code DELETE /api/asset-folders/{id}}: 204; 409 while it holds anything. */
    Mono<ServerResponse> deleteFolder(ServerRequest request, CurrentUser user) {
        return Ids.parse(request.pathVariable("id"), "Folder")
                .flatMap(id -> folders.delete(user.id(), id))
                .then(ServerResponse.noContent().build());
    }

    /** The folder named by the query parameter: absent (everything), {@code root} (the top level) or one of the caller's. */
    private Mono<PersonalLibrary.Filter> folderFilter(ServerRequest request, String parameter) {
        String raw = request.queryParam(parameter).map(String::strip).orElse("");
        if (raw.isEmpty()) {
            return Mono.just(PersonalLibrary.Filter.EVERYTHING);
        }
        if (raw.equals("root")) {
            return Mono.just(PersonalLibrary.Filter.TOP_LEVEL);
        }
        return Ids.parse(raw, "Folder").map(PersonalLibrary.Filter::folder);
    }

}
