package dev.dawg.assets;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.Connection;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.core.ResolvableType;
import org.springframework.core.codec.DecodingException;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.codec.multipart.FilePartEvent;
import org.springframework.http.codec.multipart.FormPartEvent;
import org.springframework.http.codec.multipart.PartEvent;
import org.springframework.http.codec.multipart.PartEventHttpMessageReader;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

import dev.dawg.assets.storage.ObjectStorage;
import dev.dawg.auth.Callers;
import dev.dawg.auth.CurrentUser;
import dev.dawg.auth.Scope;
import dev.dawg.platform.web.ApiProblem;
import dev.dawg.platform.web.Ids;
import dev.dawg.platform.web.JsonBodies;
import dev.dawg.platform.web.JsonFields;
import dev.dawg.sharing.AccessLevel;
import dev.dawg.sharing.ProjectAccess;

/**
 * Getting audio in: streamed multipart uploads into a project or the sample library, and presigned uploads
 * that the browser PUTs straight to the store and the server then checks. Every upload is recorded (and its
 * bytes reserved against the quota) before a byte is stored, and on any failure its row, object and
 * reservation all go.
 */
@Component
class AssetUploads {

    private static final Logger log = LoggerFactory.getLogger(AssetUploads.class);
    private static final ResolvableType PART_EVENT = ResolvableType.forClass(PartEvent.class);
    /** Room for the multipart boundaries and part headers around the file in a request's Content-Length. */
    private static final long MULTIPART_OVERHEAD = 64 * 1024;
    static final Pattern CATEGORY = Pattern.compile("[a-z0-9-]{1,32}");
    /**
     * Where presigned uploads land. Their URL works until it expires, whatever became of the upload, so it never
     * points at an asset: completion copies the checked bytes to the asset's own key, and the sweep removes what
     * no open upload owns here.
     */
    static final String STAGING_PREFIX = "uploads/";
    /** The file and a few form fields (the library's {@code category}); more is refused before it is read. */
    static final int MAX_PARTS = 4;

    private final AssetStore store;
    private final AssetAccess access;
    private final ProjectAccess projects;
    private final Callers callers;
    private final ObjectStorage storage;
    private final AudioInspector inspector;
    private final JsonBodies bodies;
    private final AssetProperties properties;
    private final PartEventHttpMessageReader partReader;
    private final Semaphore streams;
    /** Streamed uploads each user is running on this node (a user with none has no entry). */
    private final ConcurrentHashMap<UUID, Integer> streamsByUser = new ConcurrentHashMap<>();

    AssetUploads(AssetStore store, AssetAccess access, ProjectAccess projects, Callers callers, ObjectStorage storage,
            AudioInspector inspector, JsonBodies bodies, AssetProperties properties) {
        this.store = store;
        this.access = access;
        this.projects = projects;
        this.callers = callers;
        this.storage = storage;
        this.inspector = inspector;
        this.bodies = bodies;
        this.properties = properties;
        this.streams = new Semaphore(properties.maxConcurrentUploads());
        // Parts are streamed as events, never buffered to memory or disk: the file part's bytes go to the store as
        // they arrive. The limits bound everything else: a few parts, small headers and form fields.
        this.partReader = new PartEventHttpMessageReader();
        this.partReader.setMaxParts(MAX_PARTS);
        this.partReader.setMaxHeadersSize(8 * 1024);
        this.partReader.setMaxInMemorySize(16 * 1024);
        // A backstop only: the writer refuses at the exact limit first, so the 413 comes from one place.
        this.partReader.setMaxPartSize(properties.maxUploadSize().toBytes() + 1024 * 1024);
    }

    // ---- streamed uploads

    /** {@code POST /api/projects/{id}/assets}: one multipart part {@code file}, stored as it arrives. */
    Mono<ServerResponse> uploadToProject(ServerRequest request) {
        return Ids.parse(request.pathVariable("id"), "Project")
                .flatMap(projectId -> access.uploader(request, projectId)
                        .flatMap(caller -> precheck(request, caller, true)
                                .then(Mono.defer(() -> receive(request, caller, projectId)))))
                .flatMap(AssetUploads::created);
    }

    /** {@code POST /api/system-assets}: an administrator adds to the sample library (parts {@code file}, {@code category}). */
    Mono<ServerResponse> uploadToLibrary(ServerRequest request) {
        return callers.required(request, Scope.ASSETS_WRITE)
                .map(CurrentUser::requireAdmin)
                .flatMap(admin -> precheck(request, admin, false).then(Mono.defer(() -> receive(request, admin, null))))
                .flatMap(AssetUploads::created);
    }

    /** Refusals that need no byte of the body: wrong content type, a declared length over the size limit or the quota. */
    private Mono<Void> precheck(ServerRequest request, CurrentUser caller, boolean quota) {
        MediaType type = request.headers().contentType().orElse(null);
        if (type == null || !MediaType.MULTIPART_FORM_DATA.isCompatibleWith(type)) {
            return Mono.error(ApiProblem.unsupportedMediaType("Send the audio as multipart/form-data, in a part named 'file'"));
        }
        String boundary = type.getParameter("boundary");
        if (boundary == null || boundary.isBlank()) {
            // Refused here, before the parser touches the body: the connection stays usable (see closingConnection).
            return Mono.error(ApiProblem.malformed("A multipart/form-data Content-Type needs its boundary parameter"));
        }
        long declared = request.headers().contentLength().orElse(-1);
        long max = properties.maxUploadSize().toBytes();
        if (declared > max + MULTIPART_OVERHEAD) {
            return Mono.error(tooLarge());
        }
        if (!quota || declared < 0) {
            return Mono.empty();
        }
        long limit = properties.quota().toBytes();
        return store.usage(caller.id()).flatMap(usage -> declared - MULTIPART_OVERHEAD > limit - usage.usedBytes() - usage.reservedBytes()
                ? Mono.error(quotaExceeded(usage.usedBytes() + usage.reservedBytes(), limit)) : Mono.empty());
    }

    /** What the multipart body held: the stored file and the form fields. */
    private static final class Received {
        String filename;
        StreamedObjectWriter.Written written;
        final Map<String, String> fields = new HashMap<>();
    }

    /** An upload in flight: its row and the writer streaming its bytes to the store. */
    private record InFlight(AssetStore.PendingUpload pending, StreamedObjectWriter writer) {
    }

    /**
     * Call inside {@code Mono.defer}: it takes one of the caller's upload slots and one of the node's upload permits,
     * both given back when the upload ends. The caller's share comes first, so one user's stalled uploads cannot take
     * every permit of the node.
     */
    private Mono<Asset> receive(ServerRequest request, CurrentUser caller, UUID projectId) {
        if (!takeUserSlot(caller.id())) {
            return Mono.error(ApiProblem.of(HttpStatus.TOO_MANY_REQUESTS, "RATE_LIMITED", "You are already uploading "
                            + Math.min(properties.maxConcurrentUploadsPerUser(), properties.maxConcurrentUploads())
                            + " files at once; send this one when one of them has finished")
                    .withHeader(HttpHeaders.RETRY_AFTER, "5").with("retryAfterSeconds", 5));
        }
        if (!streams.tryAcquire()) {
            releaseUserSlot(caller.id());
            return Mono.error(ApiProblem.serviceUnavailable("This server is receiving as many uploads as it can; retry shortly"));
        }
        String key = "assets/" + UUID.randomUUID();
        boolean library = projectId == null;
        // The row (and with it the reservation) exists before the first byte is stored; success turns it into
        // an asset, any failure or a client that goes away removes the object and then the row.
        return Mono.usingWhen(
                        store.openStreamed(caller.id(), projectId, key, properties.uploadTimeout())
                                .map(pending -> new InFlight(pending, writer(pending, key, library))),
                        upload -> readParts(request, upload.writer()).flatMap(received -> finish(upload.pending(), received, library)),
                        upload -> Mono.empty(),
                        (upload, failure) -> ObjectStorage.isUnreachable(failure)
                                // The store is down: trying it again would only hold the answer back by a timeout or
                                // two. The row goes now (its reservation with it) and the sweep removes the object.
                                ? forget(upload.pending())
                                : discard(upload.pending(), upload.writer()),
                        upload -> discard(upload.pending(), upload.writer()))
                .doFinally(signal -> {
                    streams.release();
                    releaseUserSlot(caller.id());
                });
    }

    /** A small counting map rather than a semaphore per user, so users who stopped uploading leave nothing behind. */
    private boolean takeUserSlot(UUID userId) {
        int cap = Math.min(properties.maxConcurrentUploadsPerUser(), properties.maxConcurrentUploads());
        boolean[] taken = { false };
        streamsByUser.compute(userId, (id, running) -> {
            int now = running == null ? 0 : running;
            if (now >= cap) {
                return running;
            }
            taken[0] = true;
            return now + 1;
        });
        return taken[0];
    }

    private void releaseUserSlot(UUID userId) {
        streamsByUser.computeIfPresent(userId, (id, running) -> running <= 1 ? null : running - 1);
    }

    private StreamedObjectWriter writer(AssetStore.PendingUpload pending, String key, boolean library) {
        long limit = properties.quota().toBytes();
        return new StreamedObjectWriter(storage, key, (int) properties.partSize().toBytes(), properties.maxUploadSize().toBytes(),
                new StreamedObjectWriter.Hooks() {
                    @Override
                    public Mono<Void> reserve(long bytes) {
                        if (library) {
                            // The sample library counts against no one's quota; this only keeps the upload alive.
                            return store.reserve(pending.id(), 0, Long.MAX_VALUE, properties.uploadTimeout()).then();
                        }
                        return store.reserve(pending.id(), bytes, limit, properties.uploadTimeout())
                                .flatMap(granted -> granted ? Mono.<Void>empty() : store.usage(pending.ownerId())
                                        .flatMap(usage -> Mono.error(quotaExceeded(usage.usedBytes() + usage.reservedBytes(), limit))));
                    }

                    @Override
                    public Mono<Void> multipartStarted(String s3UploadId) {
                        return store.recordMultipart(pending.id(), s3UploadId);
                    }
                });
    }

    /** Reads the parts in order: form fields are kept, the one {@code file} part is streamed to the store. */
    private Mono<Received> readParts(ServerRequest request, StreamedObjectWriter writer) {
        Received received = new Received();
        Flux<PartEvent> events = request.body((message, context) -> partReader.read(PART_EVENT, message, Map.of()));
        // Refusals and store failures happen on other threads; their cancellation must reach the multipart parser
        // on the connection's event loop, where it parses, or both may release the same buffer.
        Scheduler eventLoop = eventLoopOf(request);
        if (eventLoop != null) {
            events = events.cancelOn(eventLoop);
        }
        // A client that stops sending mid-body would otherwise hold its upload (and the node's permit) for as long as
        // it keeps the connection open. The rest of its body is not read: the connection closes after the answer.
        Duration idle = properties.uploadIdleTimeout();
        events = ReceiveTimeout.of(events, idle, () -> closingConnection(ApiProblem.of(HttpStatus.REQUEST_TIMEOUT, "REQUEST_TIMEOUT",
                "Nothing of the upload arrived for " + idle.toSeconds() + " s; send it again")));
        return events.windowUntil(PartEvent::isLast)
                .concatMap(part -> part.switchOnFirst((first, all) -> {
                    if (!first.hasValue()) {
                        return all.then();
                    }
                    PartEvent event = first.get();
                    if (event instanceof FilePartEvent file) {
                        if (!"file".equals(file.name()) || received.written != null) {
                            return release(all).then(Mono.error(ApiProblem.validation("file",
                                    "send exactly one file, in the part named 'file'")));
                        }
                        received.filename = file.filename();
                        return writer.write(all.map(PartEvent::content)).doOnNext(written -> received.written = written).then();
                    }
                    if (event instanceof FormPartEvent form) {
                        received.fields.put(form.name(), form.value());
                    }
                    return release(all);
                }))
                // A part's headers and a form field (a part without a filename) are held in memory, so they are capped.
                .onErrorMap(DataBufferLimitException.class, ex -> closingConnection(ApiProblem.validation("file",
                        "send the audio as a file part (with a filename); a part's headers are limited to 8 KB and form fields to 16 KB")))
                // Too many parts, or a body that is not well-formed multipart: Spring's parser says so with a DecodingException.
                .onErrorMap(DecodingException.class, ex -> closingConnection(ApiProblem.malformed("The multipart body could not be "
                        + "read: send it well-formed, with at most " + MAX_PARTS + " parts (the file and its form fields)")))
                .then(Mono.fromCallable(() -> {
                    if (received.written == null) {
                        throw ApiProblem.validation("file", "is required: send the audio in a multipart part named 'file'");
                    }
                    return received;
                }));
    }

    /**
     * A refusal by the multipart parser leaves the rest of the body unread, and the parser's abandoned buffers have
     * been seen to trip a reference-count error on the connection (a later request on it was then cut): the
     * connection is closed after the answer so that no other request of the client can land on it. (A missing
     * boundary is refused before the parser starts, without closing: a close while the client is still sending a
     * large body resets the connection, and the client can lose the answer itself.)
     */
    private static ApiProblem closingConnection(ApiProblem problem) {
        return problem.withHeader(HttpHeaders.CONNECTION, "close");
    }

    /** The event loop of the request's connection (Reactor Netty), or null on another server. */
    private static Scheduler eventLoopOf(ServerRequest request) {
        Object nativeRequest = ServerHttpRequestDecorator.getNativeRequest(request.exchange().getRequest());
        return nativeRequest instanceof Connection connection ? Schedulers.fromExecutor(connection.channel().eventLoop()) : null;
    }

    private static Mono<Void> release(Flux<PartEvent> events) {
        return events.doOnNext(event -> DataBufferUtils.release(event.content())).then();
    }

    private Mono<Asset> finish(AssetStore.PendingUpload pending, Received received, boolean library) {
        String category = null;
        if (library) {
            category = received.fields.getOrDefault("category", "").strip().toLowerCase(java.util.Locale.ROOT);
            if (!CATEGORY.matcher(category).matches()) {
                return Mono.error(ApiProblem.validation("category", "is required: 1 to 32 lowercase letters, digits or '-'"));
            }
        }
        String chosenCategory = category;
        long size = received.written.size();
        return inspector.probe(pending.objectKey(), size)
                .flatMap(info -> store.finish(pending.id(), Filenames.clean(received.filename, info.format()), chosenCategory, size,
                        received.written.sha256(), info))
                .switchIfEmpty(Mono.error(() -> ApiProblem.conflict("The upload was discarded before it finished")));
    }

    /** Removes the object (or the multipart upload), then the row; a store that fails leaves the object to the sweep. */
    private Mono<Void> discard(AssetStore.PendingUpload pending, StreamedObjectWriter writer) {
        return writer.discard()
                .then(store.discard(pending.id()))
                .then(store.forgetOrphan(pending.objectKey()))
                .onErrorResume(ex -> {
                    log.warn("Could not clean up upload {} at once ({}); the sweep will", pending.id(), ex.toString());
                    return store.discard(pending.id()).onErrorResume(again -> Mono.empty());
                });
    }

    /** Ends an upload without touching the store: its row goes, its object (if any) is queued for the sweep. */
    private Mono<Void> forget(AssetStore.PendingUpload pending) {
        log.warn("Object storage unavailable during upload {}; its object is left to the sweep", pending.id());
        return store.discard(pending.id()).onErrorResume(ex -> Mono.empty());
    }

    // ---- presigned uploads

    /** {@code POST /api/projects/{id}/assets/uploads}: reserves the declared size and hands out a presigned PUT. */
    Mono<ServerResponse> presign(ServerRequest request) {
        return Ids.parse(request.pathVariable("id"), "Project")
                .flatMap(projectId -> access.uploader(request, projectId)
                        .flatMap(caller -> bodies.object(request).flatMap(body -> {
                            PresignRequest asked = PresignRequest.of(body, properties.maxUploadSize().toBytes());
                            long limit = properties.quota().toBytes();
                            return store.openPresigned(caller.id(), projectId, asked.filename(), asked.contentType(), asked.sizeBytes(),
                                            STAGING_PREFIX + UUID.randomUUID(), "assets/" + UUID.randomUUID(),
                                            properties.uploadUrlTtl().plus(properties.uploadTimeout()), limit)
                                    .switchIfEmpty(Mono.defer(() -> store.usage(caller.id())
                                            .flatMap(usage -> Mono.error(quotaExceeded(usage.usedBytes() + usage.reservedBytes(), limit)))))
                                    .map(pending -> presigned(pending, asked));
                        })))
                .flatMap(body -> ServerResponse.status(HttpStatus.CREATED)
                        .header(HttpHeaders.CACHE_CONTROL, "no-store")
                        .bodyValue(body));
    }

    private Map<String, Object> presigned(AssetStore.PendingUpload pending, PresignRequest asked) {
        // Both signed: the store refuses a PUT of another type or another length than the one reserved.
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(HttpHeaders.CONTENT_TYPE, asked.contentType());
        headers.put(HttpHeaders.CONTENT_LENGTH, Long.toString(asked.sizeBytes()));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("uploadId", pending.id());
        body.put("uploadUrl", storage.presignedPut(pending.objectKey(), properties.uploadUrlTtl(), headers));
        body.put("method", "PUT");
        body.put("headers", headers);
        body.put("expiresAt", Instant.now().plus(properties.uploadUrlTtl()));
        body.put("sizeBytes", asked.sizeBytes());
        body.put("completeUrl", "/api/assets/uploads/" + pending.id() + "/complete");
        return body;
    }

    /** The body of a presign request, validated. */
    record PresignRequest(String filename, long sizeBytes, String contentType) {

        static PresignRequest of(ObjectNode body, long maxBytes) {
            JsonFields fields = JsonFields.of(body).allowOnly(java.util.Set.of("filename", "sizeBytes", "contentType"));
            String filename = fields.requiredString("filename", 1, Filenames.MAX_LENGTH);
            String contentType = fields.requiredString("contentType", 3, 100);
            long size = -1;
            JsonNode sizeNode = body.get("sizeBytes");
            if (sizeNode == null || !sizeNode.isIntegralNumber() || !sizeNode.canConvertToLong() || sizeNode.asLong() < 1) {
                fields.reject("sizeBytes", "is required: the file's size in bytes, a whole number of at least 1");
            }
            else {
                size = sizeNode.asLong();
            }
            MediaType type = null;
            if (contentType != null) {
                try {
                    type = MediaType.parseMediaType(contentType);
                    if (type.isWildcardType() || type.isWildcardSubtype()) {
                        fields.reject("contentType", "must be a concrete media type such as audio/wav");
                    }
                }
                catch (IllegalArgumentException | IndexOutOfBoundsException ex) {
                    // Spring's parser can also fail with an index error on unbalanced quotes (found by the API fuzzer).
                    fields.reject("contentType", "must be a media type such as audio/wav");
                }
            }
            fields.validate();
            if (size > maxBytes) {
                throw ApiProblem.payloadTooLarge("The file is " + size + " bytes; the limit is " + maxBytes);
            }
            // The type is stored with the object and signed into the URL: only audio, or bytes of no declared kind.
            if (!"audio".equals(type.getType()) && !MediaType.APPLICATION_OCTET_STREAM.equalsTypeAndSubtype(type)) {
                throw ApiProblem.unsupportedMediaType("contentType must be an audio type (such as audio/wav) or application/octet-stream");
            }
            // Cleaned when the upload completes, with the extension of the format found then.
            return new PresignRequest(filename, size, contentType);
        }
    }

    /**
     * {@code POST /api/assets/uploads/{uploadId}/complete}: copies what was PUT to the asset's own key, checks it
     * there (of the declared size, real audio), reads its metadata and makes it an asset. A wrong object is removed
     * and the upload ends; a missing one leaves the upload open for another try.
     */
    Mono<ServerResponse> complete(ServerRequest request) {
        return Ids.parse(request.pathVariable("uploadId"), "Upload")
                .flatMap(uploadId -> callers.required(request, Scope.ASSETS_WRITE)
                        .flatMap(caller -> store.claim(uploadId, caller.id())
                                .switchIfEmpty(Mono.defer(() -> store.findUpload(uploadId)
                                        .filter(found -> found.ownerId().equals(caller.id()) && "presigned".equals(found.kind()))
                                        .flatMap(found -> Mono.<AssetStore.PendingUpload>error(
                                                ApiProblem.conflict("This upload is being completed by another request")))
                                        .switchIfEmpty(Mono.error(() -> ApiProblem.notFound("Upload not found")))))
                                .flatMap(pending -> completeClaimed(request, caller, pending))))
                .flatMap(AssetUploads::created);
    }

    private Mono<Asset> completeClaimed(ServerRequest request, CurrentUser caller, AssetStore.PendingUpload pending) {
        if (pending.expired(Instant.now())) {
            return end(pending).then(Mono.error(ApiProblem.gone("This upload expired; request a new upload URL")));
        }
        return projects.grant(java.util.Optional.of(caller), pending.projectId(), ProjectAccess.shareToken(request))
                .map(grant -> grant.require(AccessLevel.EDIT))
                // Access lost since the URL was handed out: the upload ends with it.
                .onErrorResume(ApiProblem.class, problem -> end(pending).then(Mono.error(problem)))
                .then(storage.stat(pending.objectKey()))
                .switchIfEmpty(Mono.defer(() -> store.unclaim(pending.id()).then(Mono.error(ApiProblem.conflict(
                        "Nothing has been uploaded to this upload's URL yet: PUT the file, then complete")))))
                .flatMap(staged -> checkSize(pending, staged)
                        .then(copyToAssetKey(pending))
                        // The URL may PUT again until it expires, even while this runs: every check that follows reads
                        // the copy, which only this server writes, so what was checked is what the asset holds.
                        .then(Mono.defer(() -> checkAndFinish(pending)))
                        .onErrorResume(ApiProblem.class, problem -> end(pending).then(Mono.error(problem))))
                .switchIfEmpty(Mono.error(() -> ApiProblem.conflict("The upload was discarded before it finished")))
                .flatMap(asset -> removeStaged(pending).thenReturn(asset))
                .onErrorResume(failure -> !(failure instanceof ApiProblem),
                        failure -> store.unclaim(pending.id()).onErrorResume(ex -> Mono.empty()).then(Mono.error(failure)));
    }

    /** Checks the bytes at the asset's key (size, real audio), reads their metadata and makes them the asset. */
    private Mono<Asset> checkAndFinish(AssetStore.PendingUpload pending) {
        return storage.stat(pending.finalKey())
                .switchIfEmpty(Mono.error(() -> new IllegalStateException("The copy of upload " + pending.id() + " is missing")))
                .flatMap(object -> checkSize(pending, object)
                        .then(inspector.probe(pending.finalKey(), object.size()))
                        .flatMap(info -> inspector.sha256(pending.finalKey(), object.size())
                                .flatMap(sha256 -> store.finish(pending.id(), Filenames.clean(pending.filename(), info.format()), null,
                                        object.size(), sha256, info))));
    }

    private Mono<Void> checkSize(AssetStore.PendingUpload pending, ObjectStorage.StoredObject object) {
        return object.size() == pending.declaredSize() ? Mono.empty()
                : Mono.error(ApiProblem.of(HttpStatus.UNPROCESSABLE_CONTENT, "UNPROCESSABLE", "The uploaded file is " + object.size()
                        + " bytes, not the " + pending.declaredSize() + " declared; upload it again"));
    }

    /** A presigned upload's bytes go to the asset's own key, which no URL can write (a streamed upload's are there already). */
    private Mono<Void> copyToAssetKey(AssetStore.PendingUpload pending) {
        return pending.assetKey() == null ? Mono.empty() : storage.copy(pending.objectKey(), pending.assetKey());
    }

    /** The staging object of a completed upload goes at once (or else with the orphan queue and the sweep). */
    private Mono<Void> removeStaged(AssetStore.PendingUpload pending) {
        if (pending.assetKey() == null) {
            return Mono.empty();
        }
        return storage.remove(pending.objectKey())
                .then(store.forgetOrphan(pending.objectKey()))
                .onErrorResume(ex -> {
                    log.warn("Could not remove the staging object of upload {} at once ({}); the sweep will", pending.id(), ex.toString());
                    return Mono.empty();
                });
    }

    /** Ends a presigned upload for good: its objects and its row go, and its reservation is given back. */
    private Mono<Void> end(AssetStore.PendingUpload pending) {
        return storage.remove(pending.objectKey())
                .then(pending.assetKey() == null ? Mono.<Void>empty() : storage.remove(pending.assetKey()))
                .then(store.discard(pending.id()))
                .then(store.forgetOrphan(pending.objectKey()))
                .then(pending.assetKey() == null ? Mono.<Void>empty() : store.forgetOrphan(pending.assetKey()))
                .onErrorResume(ex -> {
                    log.warn("Could not remove upload {} at once ({}); the sweep will", pending.id(), ex.toString());
                    return store.discard(pending.id()).onErrorResume(again -> Mono.empty());
                });
    }

    // ---- answers

    private static Mono<ServerResponse> created(Asset asset) {
        return ServerResponse.created(URI.create("/api/assets/" + asset.id())).bodyValue(asset.view());
    }

    static ApiProblem tooLarge() {
        return ApiProblem.payloadTooLarge("The file is larger than this server accepts");
    }

    static ApiProblem quotaExceeded(long used, long limit) {
        return ApiProblem.of(HttpStatus.CONTENT_TOO_LARGE, "QUOTA_EXCEEDED",
                        "This upload would take your storage past its limit of " + limit + " bytes (" + used + " in use)")
                .with("usedBytes", used).with("limitBytes", limit);
    }
}
