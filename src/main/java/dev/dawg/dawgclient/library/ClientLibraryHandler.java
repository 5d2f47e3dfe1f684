package dev.dawg.dawgclient.library;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.util.UriComponentsBuilder;

import dev.dawg.assets.AssetFolder;
import dev.dawg.assets.AssetHandler;
import dev.dawg.assets.LibraryFolders;
import dev.dawg.assets.PersonalLibrary;
import dev.dawg.assets.PresignedUploads;
import dev.dawg.assets.ServerPutUploads;
import dev.dawg.auth.CurrentUser;
import dev.dawg.dawgclient.DawgClientProperties;
import dev.dawg.platform.web.ApiProblem;
import dev.dawg.platform.web.Ids;
import dev.dawg.platform.web.JsonBodies;
import dev.dawg.platform.web.JsonFields;
import dev.dawg.platform.web.Pages;

/**
 * The DAWG client's {@code /assets} calls on the personal library, translated onto {@link PersonalLibrary},
 * {@link LibraryFolders} and the uploads of the {@code assets} feature.
 *
 * <p>How the client's {@code folderPath} maps onto our folders: the client names a folder two ways, by
 * {@code parentFolderId} (a folder's id) and by {@code folderPath}. DAWG's own server kept {@code folder_path} as a
 * loose label beside {@code parent_folder_id} (a nested folder's was just {@code "/<name>"}) and the client sends back
 * what it read. So the id decides; {@code folderPath} counts only when no id is sent, and then names a folder by the
 * names on its way down from the top level ({@code "/Drums/Kicks"}, compared without case, as sibling names are unique
 * that way); {@code "/"} is the top level. A path that names none of the caller's folders is a 404: folders are never
 * created on the fly from a path. Going out, {@code folder_path} is the full path of the folder holding the row.
 */
@Component
class ClientLibraryHandler {

    /** The client lists its whole library in one call ({@code ?limit=1000}); as DAWG's server did, 1000 at most. */
    static final int MAX_LIST = 1000;
    private static final Pattern UUID_TEXT = Pattern.compile("[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}");

    private final PersonalLibrary library;
    private final LibraryFolders folders;
    private final AssetHandler assets;
    private final PresignedUploads presigned;
    private final ServerPutUploads putUploads;
    private final JsonBodies bodies;
    private final DawgClientProperties properties;

    ClientLibraryHandler(PersonalLibrary library, LibraryFolders folders, AssetHandler assets, PresignedUploads presigned,
            ServerPutUploads putUploads, JsonBodies bodies, DawgClientProperties properties) {
        this.library = library;
        this.folders = folders;
        this.assets = assets;
        this.presigned = presigned;
        this.putUploads = putUploads;
        this.bodies = bodies;
        this.properties = properties;
    }

    /** {@code GET /assets?limit=&offset=&folderPath=&parentFolderId=} → {@code {assets, total, limit, offset}}, folders first. */
    Mono<ServerResponse> list(ServerRequest request, CurrentUser user) {
        int limit = whole(request, "limit", 50, 1, MAX_LIST);
        int offset = whole(request, "offset", 0, 0, Pages.MAX_OFFSET);
        Optional<String> path = request.queryParam("folderPath");
        Optional<String> id = request.queryParam("parentFolderId").filter(value -> !value.isBlank());
        PersonalLibrary.Filter absent = path.isEmpty() && id.isEmpty() ? PersonalLibrary.Filter.EVERYTHING : PersonalLibrary.Filter.TOP_LEVEL;
        return folders.all(user.id()).collectList()
                .flatMap(all -> filter(all, id.orElse(null), path.orElse(null), absent)
                        .flatMap(filter -> page(user, all, filter, limit, offset)))
                .flatMap(body -> ServerResponse.ok().bodyValue(body));
    }

    /** The page: the folders the filter shows, then its assets, {@code offset} and {@code limit} over both. */
    private Mono<Map<String, Object>> page(CurrentUser user, List<AssetFolder> all, PersonalLibrary.Filter filter, int limit, int offset) {
        Map<UUID, String> paths = LibraryFolders.paths(all);
        List<AssetFolder> shown = all.stream().filter(folder -> filter.folderId() != null ? filter.folderId().equals(folder.parentId())
                : !filter.topLevel() || folder.parentId() == null).sorted(Comparator.comparing(folder -> folder.name().toLowerCase(Locale.ROOT))).toList();
        List<Object> rows = new ArrayList<>();
        shown.stream().skip(offset).limit(limit).forEach(folder -> rows.add(ClientLibraryView.folderRow(folder, paths)));
        return library.page(user.id(), filter, limit - rows.size(), Math.max(0, offset - shown.size())).map(found -> {
            found.assets().forEach(asset -> rows.add(ClientLibraryView.asset(asset, properties.path(), paths)));
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("assets", rows);
            body.put("total", shown.size() + found.total());
            body.put("limit", limit);
            body.put("offset", offset);
            return body;
        });
    }

    /** {@code GET /assets/quota} → {@code {used_bytes, quota_bytes}}, bare. */
    Mono<ServerResponse> quota(ServerRequest request, CurrentUser user) {
        return assets.quota(user.id()).flatMap(quota -> ServerResponse.ok().header(HttpHeaders.CACHE_CONTROL, "no-store")
                .bodyValue(Map.of("user_id", user.id(), "used_bytes", quota.usedBytes(), "quota_bytes", quota.limitBytes())));
    }

    /**
     * {@code POST /assets/upload/request} {@code {filename, size, mimeType, folderPath, parentFolderId}}: a presigned
     * upload into the library (its size reserved against the quota), whose bytes the client PUTs to a URL of ours.
     */
    Mono<ServerResponse> requestUpload(ServerRequest request, CurrentUser user) {
        return bodies.object(request).flatMap(body -> {
            JsonFields fields = JsonFields.of(body).allowOnly(Set.of("filename", "size", "mimeType", "folderPath", "parentFolderId"));
            String filename = fields.requiredString("filename", 1, 255);
            String mimeType = fields.requiredString("mimeType", 3, 100);
            fields.validate();
            return folderOf(user, body).flatMap(folderId -> presigned.presignToLibrary(user, presignBody(filename, body.get("size"), mimeType,
                    folderId.orElse(null))));
        }).flatMap(upload -> ServerResponse.ok().header(HttpHeaders.CACHE_CONTROL, "no-store").bodyValue(Map.of(
                "assetId", upload.uploadId(), "uploadId", upload.uploadId(), "uploadUrl", contentUrl(request, upload.uploadId()),
                "expiresAt", upload.expiresAt())));
    }

    /** The body of our presigned upload request, from the client's fields (its {@code size} is our {@code sizeBytes}). */
    private static ObjectNode presignBody(String filename, JsonNode size, String mimeType, UUID folderId) {
        ObjectNode node = JsonNodeFactory.instance.objectNode().put("filename", filename).put("contentType", mimeType);
        node.set("sizeBytes", size);
        if (folderId != null) {
            node.put("folderId", folderId.toString());
        }
        return node;
    }

    /** {@code POST /assets/upload/:assetId/credentials} → {@code {uploadUrl, accessKey, expiresIn}}: a key for that upload alone. */
    Mono<ServerResponse> credentials(ServerRequest request, CurrentUser user) {
        return Ids.parse(request.pathVariable("id"), "Upload")
                .flatMap(uploadId -> putUploads.issueKey(user, uploadId))
                .flatMap(key -> ServerResponse.ok().header(HttpHeaders.CACHE_CONTROL, "no-store").bodyValue(Map.of(
                        "uploadUrl", contentUrl(request, key.uploadId()), "accessKey", key.key(), "storageKey", key.uploadId().toString(),
                        "expiresIn", Math.max(0, key.expiresAt().getEpochSecond() - Instant.now().getEpochSecond()))));
    }

    /** The PUT of the bytes, exactly as the client sends it to storage: the key in {@code AccessKey}, the file as the body. */
    Mono<ServerResponse> put(ServerRequest request) {
        return Ids.parse(request.pathVariable("id"), "Upload")
                .flatMap(uploadId -> putUploads.receive(request, uploadId, request.headers().firstHeader("AccessKey")))
                .then(ServerResponse.status(HttpStatus.CREATED).bodyValue(Map.of("HttpCode", 201, "Message", "File uploaded.")));
    }

    /** {@code POST /assets/upload/complete/:assetId} → the asset row (the client reads {@code storage_url}). */
    Mono<ServerResponse> complete(ServerRequest request, CurrentUser user) {
        return Ids.parse(request.pathVariable("id"), "Upload")
                .flatMap(uploadId -> presigned.complete(user, uploadId, null))
                .zipWith(folders.paths(user.id()), (asset, paths) -> ClientLibraryView.asset(asset, properties.path(), paths))
                .flatMap(row -> ServerResponse.ok().bodyValue(row));
    }

    /** {@code PATCH /assets/:id/rename {newName}} → the asset row. */
    Mono<ServerResponse> rename(ServerRequest request, CurrentUser user) {
        return Ids.parse(request.pathVariable("id"), "Asset").zipWith(bodies.object(request)).flatMap(found -> {
            JsonFields fields = JsonFields.of(found.getT2()).allowOnly(Set.of("newName"));
            String name = fields.requiredString("newName", 1, 255);
            fields.validate();
            return library.update(user, found.getT1(), Optional.of(name), false, null);
        }).zipWith(folders.paths(user.id()), (asset, paths) -> ClientLibraryView.asset(asset, properties.path(), paths))
                .flatMap(row -> ServerResponse.ok().bodyValue(row));
    }

    /** {@code PATCH /assets/:id/move {folderPath, parentFolderId}} → the asset row. */
    Mono<ServerResponse> move(ServerRequest request, CurrentUser user) {
        return Ids.parse(request.pathVariable("id"), "Asset").zipWith(bodies.object(request)).flatMap(found -> {
            JsonFields.of(found.getT2()).allowOnly(Set.of("folderPath", "parentFolderId")).validate();
            return folderOf(user, found.getT2())
                    .flatMap(folderId -> library.update(user, found.getT1(), Optional.empty(), true, folderId.orElse(null)));
        }).zipWith(folders.paths(user.id()), (asset, paths) -> ClientLibraryView.asset(asset, properties.path(), paths))
                .flatMap(row -> ServerResponse.ok().bodyValue(row));
    }

    /** {@code POST /assets/folders {name, parentFolderId}} → 201, the folder bare (the client reads id, name, parentFolderId). */
    Mono<ServerResponse> createFolder(ServerRequest request, CurrentUser user) {
        return bodies.object(request).flatMap(body -> {
            JsonFields fields = JsonFields.of(body).allowOnly(Set.of("name", "parentFolderId"));
            String name = fields.requiredString("name", 1, LibraryFolders.MAX_NAME_LENGTH);
            UUID parentId = LibraryFolders.idField(fields, "parentFolderId");
            fields.validate();
            return folders.create(user.id(), parentId, name);
        }).flatMap(folder -> folders.paths(user.id()).map(paths -> ClientLibraryView.folder(folder, paths)))
                .flatMap(body -> ServerResponse.status(HttpStatus.CREATED).bodyValue(body));
    }

    /** {@code GET /assets/folders?parentFolderId=} → {@code {folders}}: that folder's subfolders, or the top level's, by name. */
    Mono<ServerResponse> listFolders(ServerRequest request, CurrentUser user) {
        UUID parent = request.queryParam("parentFolderId").filter(value -> UUID_TEXT.matcher(value).matches()).map(UUID::fromString).orElse(null);
        return folders.all(user.id()).collectList().map(all -> {
            Map<UUID, String> paths = LibraryFolders.paths(all);
            return Map.of("folders", all.stream().filter(folder -> Objects.equals(parent, folder.parentId()))
                    .sorted(Comparator.comparing(folder -> folder.name().toLowerCase(Locale.ROOT)))
                    .map(folder -> ClientLibraryView.folder(folder, paths)).toList());
        }).flatMap(body -> ServerResponse.ok().bodyValue(body));
    }

    /** {@code DELETE /assets/folders/:id} → 204; 409 while it holds anything. */
    Mono<ServerResponse> deleteFolder(ServerRequest request, CurrentUser user) {
        return Ids.parse(request.pathVariable("id"), "Folder")
                .flatMap(id -> folders.delete(user.id(), id))
                .then(ServerResponse.noContent().build());
    }

    /** The folder a list shows (see the class comment); {@code absent} when the client names none. */
    private Mono<PersonalLibrary.Filter> filter(List<AssetFolder> all, String id, String path, PersonalLibrary.Filter absent) {
        if (id != null) {
            return parseId(id).map(folderId -> Mono.just(PersonalLibrary.Filter.folder(folderId))).orElseGet(() -> Mono.error(badFolderId()));
        }
        if (path == null || path.isBlank() || normalize(path).equals("/")) {
            return Mono.just(path == null ? absent : PersonalLibrary.Filter.TOP_LEVEL);
        }
        return byPath(all, path).map(folderId -> Mono.just(PersonalLibrary.Filter.folder(folderId))).orElseGet(() -> Mono.error(folderNotFound()));
    }

    /** The folder a body names by {@code parentFolderId} or {@code folderPath} (see the class comment); empty: the top level. */
    private Mono<Optional<UUID>> folderOf(CurrentUser user, ObjectNode body) {
        JsonNode id = body.get("parentFolderId");
        JsonNode path = body.get("folderPath");
        if (id != null && !id.isNull()) {
            return id.isString() ? parseId(id.stringValue()).map(Optional::of).map(Mono::just).orElseGet(() -> Mono.error(badFolderId()))
                    : Mono.error(badFolderId());
        }
        if (path == null || path.isNull() || !path.isString() || normalize(path.stringValue()).equals("/")) {
            return Mono.just(Optional.empty());
        }
        return folders.all(user.id()).collectList()
                .flatMap(all -> byPath(all, path.stringValue()).map(Optional::of).map(Mono::just).orElseGet(() -> Mono.error(folderNotFound())));
    }

    private static Optional<UUID> byPath(List<AssetFolder> all, String path) {
        String wanted = normalize(path);
        return LibraryFolders.paths(all).entrySet().stream().filter(entry -> entry.getValue().equalsIgnoreCase(wanted))
                .map(Map.Entry::getKey).findFirst();
    }

    /** {@code "Drums/Kicks/"} → {@code "/Drums/Kicks"}; blank → {@code "/"}. */
    static String normalize(String path) {
        String trimmed = path.strip().replaceAll("/{2,}", "/");
        String withRoot = trimmed.startsWith("/") ? trimmed : "/" + trimmed;
        return withRoot.length() > 1 && withRoot.endsWith("/") ? withRoot.substring(0, withRoot.length() - 1) : withRoot;
    }

    private static Optional<UUID> parseId(String value) {
        return UUID_TEXT.matcher(value).matches() ? Optional.of(UUID.fromString(value)) : Optional.empty();
    }

    private static ApiProblem badFolderId() {
        return ApiProblem.validation("parentFolderId", "must be the id of one of your folders");
    }

    private static ApiProblem folderNotFound() {
        return ApiProblem.notFound("Folder not found");
    }

    /** The absolute URL of an upload's PUT on this server, under the dialect's base path. */
    private String contentUrl(ServerRequest request, UUID uploadId) {
        return UriComponentsBuilder.fromUri(request.uri()).replacePath(properties.path() + "/assets/upload/" + uploadId + "/content")
                .replaceQuery(null).fragment(null).build().toUriString();
    }

    private static int whole(ServerRequest request, String name, int absent, int min, int max) {
        String raw = request.queryParam(name).orElse("").strip();
        if (raw.isEmpty()) {
            return absent;
        }
        try {
            int value = Integer.parseInt(raw);
            if (value >= min) {
                return Math.min(value, max);
            }
        }
        catch (NumberFormatException ignored) {
            // answered below
        }
        throw ApiProblem.validation(name, "must be a whole number from " + min);
    }
}
