package dev.dawg.assets;

import java.net.URI;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

import dev.dawg.assets.storage.ObjectStorage;
import dev.dawg.assets.storage.PresignedUrls;
import dev.dawg.auth.CurrentUser;
import dev.dawg.platform.web.ApiProblem;
import dev.dawg.platform.web.HeadRequestFilter;
import dev.dawg.platform.web.Pages;
import dev.dawg.platform.web.RequestIds;
import dev.dawg.sharing.ProjectAccess;

/** Reading assets: metadata, project lists, ranged downloads, deletion, the quota and search. */
@Component
public class AssetHandler {

    private static final Logger log = LoggerFactory.getLogger(AssetHandler.class);

    private final AssetStore store;
    private final UploadStore uploads;
    private final CleanupStore cleanup;
    private final AssetAccess access;
    private final ObjectStorage storage;
    private final PresignedUrls urls;
    private final AssetProperties properties;

    AssetHandler(AssetStore store, UploadStore uploads, CleanupStore cleanup, AssetAccess access, ObjectStorage storage,
            PresignedUrls urls, AssetProperties properties) {
        this.store = store;
        this.uploads = uploads;
        this.cleanup = cleanup;
        this.access = access;
        this.storage = storage;
        this.urls = urls;
        this.properties = properties;
    }

    /** {@code GET /api/assets/{id}}. */
    Mono<ServerResponse> get(ServerRequest request, Optional<CurrentUser> caller) {
        return access.readable(request, caller).flatMap(asset -> ServerResponse.ok().bodyValue(asset.view()));
    }

    /** {@code GET /api/projects/{id}/assets}: newest first, keyset-paginated. */
    Mono<ServerResponse> listProject(ServerRequest request, ProjectAccess.Grant grant) {
        return Mono.fromCallable(() -> NewestFirst.of(request))
                .flatMap(page -> store.listProject(grant.projectId(), page.beforeCreated(), page.beforeId(), page.limit() + 1).collectList()
                        .map(page::body))
                .flatMap(body -> ServerResponse.ok().bodyValue(body));
    }

    /** A keyset page of assets newest first: {@code ?limit=} and the cursor of the last asset of the page before. */
    record NewestFirst(int limit, Instant beforeCreated, UUID beforeId) {

        static NewestFirst of(ServerRequest request) {
            int limit = Pages.limit(request);
            List<String> cursor = Pages.cursor(request, 2);
            try {
                return new NewestFirst(limit, cursor == null ? null : Instant.parse(cursor.get(0)),
                        cursor == null ? null : UUID.fromString(cursor.get(1)));
            }
            catch (DateTimeParseException | IllegalArgumentException ex) {
                throw ApiProblem.validation("cursor", "is not a cursor this list gave out");
            }
        }

        /** The page body of {@code limit + 1} fetched assets, shown as views. */
        Map<String, Object> body(List<Asset> fetched) {
            return views(Pages.keysetBody(fetched, limit, last -> Pages.encodeCursor(last.createdAt().toString(), last.id().toString())));
        }
    }

    /**
     * {@code GET /api/assets/{id}/content}: the bytes streamed from the store, one range at a time (206), or
     * with {@code ?redirect=true} a 302 to a short-lived presigned URL.
     */
    public Mono<ServerResponse> content(ServerRequest request, Optional<CurrentUser> caller) {
        boolean redirect = request.queryParam("redirect").map("true"::equalsIgnoreCase).orElse(false);
        return access.readable(request, caller).flatMap(asset -> redirect ? redirect(asset) : bytes(request, asset));
    }

    /**
     * The bytes of a file named by its id, for the DAWG client's dialect: a personal-library file to whoever holds its
     * id ({@link AssetAccess#readableByItsId}), any other by the asset's rule; ranges and validators as {@link #content}.
     */
    public Mono<ServerResponse> fileByItsId(ServerRequest request, Optional<CurrentUser> caller) {
        return access.readableByItsId(request, caller).flatMap(asset -> bytes(request, asset));
    }

    /** A 302 to a short-lived URL of the store, named and typed as the asset. */
    private Mono<ServerResponse> redirect(Asset asset) {
        String url = urls.get(asset.objectKey(), properties.downloadUrlTtl(), Map.of("response-content-type", asset.contentType(),
                "response-content-disposition", Filenames.attachment(asset.filename())));
        return ServerResponse.status(HttpStatus.FOUND).location(URI.create(url))
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .build();
    }

    /** The asset's bytes, or the range asked for; 304 when the client has them (the ETag is the content's hash). */
    Mono<ServerResponse> bytes(ServerRequest request, Asset asset) {
        String etag = "\"" + asset.sha256() + "\"";
        if (matches(request.headers().firstHeader(HttpHeaders.IF_NONE_MATCH), etag)) {
            return ServerResponse.status(HttpStatus.NOT_MODIFIED).eTag(etag).build();
        }
        long size = asset.sizeBytes();
        String ifRange = request.headers().firstHeader(HttpHeaders.IF_RANGE);
        Optional<ByteRange> range = ifRange != null && !ifRange.strip().equals(etag) ? Optional.empty()
                : ByteRange.parse(request.headers().firstHeader(HttpHeaders.RANGE), size);
        long first = range.map(ByteRange::first).orElse(0L);
        long length = range.map(ByteRange::length).orElse(size);
        ServerResponse.BodyBuilder response = ServerResponse.status(range.isPresent() ? HttpStatus.PARTIAL_CONTENT : HttpStatus.OK)
                .contentType(MediaType.parseMediaType(asset.contentType()))
                .contentLength(length)
                .eTag(etag)
                .header(HttpHeaders.ACCEPT_RANGES, "bytes")
                .header(HttpHeaders.CONTENT_DISPOSITION, Filenames.attachment(asset.filename()))
                .header("X-Content-Type-Options", "nosniff")
                // Revalidated every time (access may change), cheaply: the ETag is the content's hash.
                .header(HttpHeaders.CACHE_CONTROL, "private, no-cache");
        range.ifPresent(r -> response.header(HttpHeaders.CONTENT_RANGE, r.contentRange(size)));
        if (HeadRequestFilter.isHead(request)) {
            return response.build(); // the headers say it all; the object is not read from the store
        }
        return response.body(BodyInserters.fromDataBuffers(storage.stream(asset.objectKey(), first, length)));
    }

    /** {@code DELETE /api/assets/{id}}: the row goes (and with it the quota it used), then the object. */
    public Mono<ServerResponse> delete(ServerRequest request, CurrentUser user) {
        return access.deletable(request, user)
                .flatMap(asset -> store.delete(asset.id()))
                .flatMap(this::removeObject)
                .then(ServerResponse.noContent().build());
    }

    /** Deletes the asset whoever asks (the caller decided), and its object; empty when it was gone already. */
    Mono<Void> delete(UUID assetId) {
        return store.delete(assetId).flatMap(this::removeObject);
    }

    /** The deleted asset's object goes now; if the store fails, the queued object is the sweep's. */
    private Mono<Void> removeObject(Asset deleted) {
        return storage.remove(deleted.objectKey())
                .then(cleanup.forgetOrphan(deleted.objectKey()))
                .onErrorResume(ex -> RequestIds.logged(() ->
                        log.warn("Could not remove object of deleted asset {} at once: {}", deleted.id(), ex.toString())));
    }

    /** {@code GET /api/assets/quota}: bytes in use (stored plus held for uploads in flight) and the limit. */
    Mono<ServerResponse> quota(ServerRequest request, CurrentUser user) {
        return quota(user.id()).flatMap(body -> ServerResponse.ok().header(HttpHeaders.CACHE_CONTROL, "no-store").bodyValue(body));
    }

    /** The user's storage: bytes in use (stored plus held for uploads in flight) and the limit. */
    public Mono<Quota> quota(UUID userId) {
        return uploads.usage(userId)
                .map(usage -> new Quota(usage.inUse(), properties.quota().toBytes(), usage.usedBytes(), usage.reservedBytes()));
    }

    /** The JSON body of the quota. */
    public record Quota(long usedBytes, long limitBytes, long storedBytes, long reservedBytes) {
    }

    /** {@code GET /api/search/assets?q=}: the caller's own assets and the sample library. */
    Mono<ServerResponse> search(ServerRequest request, Optional<CurrentUser> caller) {
        String query = request.queryParam("q").map(String::strip).orElse("");
        if (query.isEmpty() || query.length() > 100) {
            return Mono.error(ApiProblem.validation("q", "must be 1 to 100 characters"));
        }
        List<String> terms = Arrays.stream(query.split("\\s+")).filter(term -> !term.isEmpty()).limit(5).toList();
        Pages.OffsetPage page = Pages.offsetPage(request);
        return store.search(caller.map(CurrentUser::id).orElse(null), terms, page.limit() + 1, page.offset()).collectList()
                .map(found -> views(page.toBody(found)))
                .flatMap(body -> ServerResponse.ok().bodyValue(body));
    }

    /** A page body with its assets shown as views. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> views(Map<String, Object> body) {
        body.put("items", ((List<Asset>) body.get("items")).stream().map(Asset::view).toList());
        return body;
    }

    private static boolean matches(String ifNoneMatch, String etag) {
        if (ifNoneMatch == null) {
            return false;
        }
        for (String candidate : ifNoneMatch.split(",")) {
            String tag = candidate.strip();
            if (tag.equals("*") || tag.equals(etag) || tag.equals("W/" + etag)) {
                return true;
            }
        }
        return false;
    }
}
