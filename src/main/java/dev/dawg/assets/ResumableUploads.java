package dev.dawg.assets;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.minio.messages.Part;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

import dev.dawg.assets.storage.ObjectStorage;
import dev.dawg.assets.storage.PresignedUrls;
import dev.dawg.auth.CurrentUser;
import dev.dawg.platform.persistence.SqlErrors;
import dev.dawg.platform.web.ApiProblem;
import dev.dawg.platform.web.Ids;
import dev.dawg.platform.web.JsonBodies;
import dev.dawg.platform.web.JsonFields;
import dev.dawg.sharing.ProjectAccess;

/**
 * Resumable uploads (issue 19): an S3 multipart upload on a staging key whose parts the browser PUTs straight to the
 * store through presigned part URLs, asked for as needed. The parts the store holds can be listed at any time, so a
 * client resumes after a broken connection or a page reload by sending only the missing ones. Starting reserves the
 * declared size as a presigned upload does; completing assembles the parts and then goes the presigned upload's way
 * ({@link PresignedUploads#complete(CurrentUser, UUID, String, String, java.util.function.Function)}: copy, checks,
 * asset); aborting, or the sweep once it expired, aborts the store's upload and gives everything back.
 */
@Component
class ResumableUploads {

    private static final Logger log = LoggerFactory.getLogger(ResumableUploads.class);
    /** S3's limits: at most 10,000 parts, each at least 5 MiB but the last. */
    static final int MAX_PARTS = 10_000;
    static final long MIN_PART_SIZE = 5L * 1024 * 1024;
    /**
     * Part URLs handed out by one request: signing one took 0.3 to 5 ms of CPU on this (2-core, heavily shared) machine,
     * so a request signs at most this many, on a CPU worker rather than its event loop.
     */
    static final int MAX_URLS_PER_REQUEST = 100;
    /** Open resumable uploads listed for one user. */
    private static final int MAX_LISTED = 100;
    static final String BASE = "/api/assets/multipart-uploads/";

    private final UploadStore store;
    private final PresignedUploads presigned;
    private final Uploads uploads;
    private final ObjectStorage storage;
    private final PresignedUrls urls;
    private final JsonBodies bodies;
    private final AssetProperties properties;

    ResumableUploads(UploadStore store, PresignedUploads presigned, Uploads uploads, ObjectStorage storage, PresignedUrls urls,
            JsonBodies bodies, AssetProperties properties) {
        this.store = store;
        this.presigned = presigned;
        this.uploads = uploads;
        this.storage = storage;
        this.urls = urls;
        this.bodies = bodies;
        this.properties = properties;
    }

    /** The size of each part of a file of {@code size} bytes: the configured size, larger when it would take more than 10,000. */
    static long partSize(long size, long configured) {
        long needed = (size + MAX_PARTS - 1) / MAX_PARTS;
        long mebibyte = 1024 * 1024;
        return Math.max(configured, (needed + mebibyte - 1) / mebibyte * mebibyte);
    }

    static int partCount(long size, long partSize) {
        return (int) ((size + partSize - 1) / partSize);
    }

    /** The length of part {@code number} (1-based): the part size, the rest for the last. */
    static long partLength(long size, long partSize, int number) {
        return Math.min(partSize, size - (number - 1) * partSize);
    }

    /** {@code POST /api/projects/{id}/assets/multipart-uploads}: starts a resumable upload into the project. */
    Mono<ServerResponse> startInProject(ServerRequest request, ProjectAccess.Grant grant) {
        return bodies.object(request)
                .map(body -> PresignedUploads.PresignRequest.of(body, properties.maxUploadSize().toBytes(), false))
                .flatMap(asked -> start(grant.user(), UploadStore.Target.project(grant.projectId()), asked))
                .flatMap(ResumableUploads::created);
    }

    /** {@code POST /api/assets/multipart-uploads}: starts a resumable upload into the caller's library (optionally a folder of theirs). */
    Mono<ServerResponse> startInLibrary(ServerRequest request, CurrentUser user) {
        return bodies.object(request)
                .map(body -> PresignedUploads.PresignRequest.of(body, properties.maxUploadSize().toBytes(), true))
                .flatMap(asked -> presigned.libraryTarget(user, asked).flatMap(target -> start(user, target, asked)))
                .onErrorMap(SqlErrors::isForeignKeyViolation, ex -> LibraryFolders.notFound())
                .flatMap(ResumableUploads::created);
    }

    private static Mono<ServerResponse> created(ResumableUpload body) {
        return ServerResponse.status(HttpStatus.CREATED).header(HttpHeaders.CACHE_CONTROL, "no-store")
                .header(HttpHeaders.LOCATION, BASE + body.uploadId()).bodyValue(body);
    }

    /**
     * Records the upload with its declared size reserved (413 past the quota), then starts the store's multipart upload
     * on its staging key. The row comes first, so the sweep never takes the store's upload for a stray; a store that
     * fails to start it ends the upload at once.
     */
    private Mono<ResumableUpload> start(CurrentUser caller, UploadStore.Target target, PresignedUploads.PresignRequest asked) {
        long partSize = partSize(asked.sizeBytes(), properties.resumablePartSize().toBytes());
        return store.openMultipart(partSize, caller.id(), target, asked.filename(), asked.contentType(), asked.sizeBytes(),
                        PresignedUploads.STAGING_PREFIX + UUID.randomUUID(), "assets/" + UUID.randomUUID(),
                        properties.resumableUploadTimeout(), properties.quota().toBytes())
                .switchIfEmpty(Mono.defer(() -> uploads.quotaExceeded(caller.id())))
                .flatMap(pending -> storage.startMultipart(pending.objectKey(), asked.contentType())
                        .flatMap(s3UploadId -> store.recordMultipart(pending.id(), s3UploadId).thenReturn(pending))
                        .onErrorResume(failure -> presigned.end(pending).then(Mono.error(failure))))
                .map(pending -> view(pending, null));
    }

    /** A resumable upload as its owner sees it; {@code parts} (those the store holds) only when asked for its state. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ResumableUpload(UUID uploadId, String filename, String contentType, long sizeBytes, long partSize, int partCount,
            Instant expiresAt, String partsUrl, String completeUrl, List<StoredPart> parts, Long uploadedBytes,
            List<Integer> missingPartNumbers) {
    }

    /** A part the store holds. */
    record StoredPart(int partNumber, long sizeBytes, String etag) {
    }

    private static ResumableUpload view(UploadStore.PendingUpload pending, List<Part> stored) {
        long size = pending.declaredSize();
        int count = partCount(size, pending.partSize());
        List<StoredPart> parts = null;
        Long uploaded = null;
        List<Integer> missing = null;
        if (stored != null) {
            parts = stored.stream().map(part -> new StoredPart(part.partNumber(), part.partSize(), part.etag())).toList();
            uploaded = stored.stream().mapToLong(Part::partSize).sum();
            Set<Integer> have = new TreeSet<>(stored.stream().map(Part::partNumber).toList());
            missing = new ArrayList<>();
            for (int number = 1; number <= count; number++) {
                if (!have.contains(number)) {
                    missing.add(number);
                }
            }
        }
        return new ResumableUpload(pending.id(), pending.filename(), pending.declaredType(), size, pending.partSize(), count,
                pending.expiresAt(), BASE + pending.id() + "/parts", BASE + pending.id() + "/complete", parts, uploaded, missing);
    }

    /** {@code GET /api/assets/multipart-uploads}: the caller's open resumable uploads, oldest first (a reloaded page that lost its id). */
    Mono<ServerResponse> list(ServerRequest request, CurrentUser user) {
        return store.openMultiparts(user.id(), MAX_LISTED).map(pending -> view(pending, null)).collectList()
                .flatMap(items -> ServerResponse.ok().header(HttpHeaders.CACHE_CONTROL, "no-store").bodyValue(Map.of("items", items)));
    }

    /** {@code GET /api/assets/multipart-uploads/{uploadId}}: the upload with the parts the store holds, and those still missing. */
    Mono<ServerResponse> get(ServerRequest request, CurrentUser user) {
        return open(request, user)
                .flatMap(pending -> storage.listParts(pending.objectKey(), pending.s3UploadId()).collectList()
                        .map(parts -> view(pending, parts))
                        // The store completed or aborted it a moment ago: a completion or abort is under way.
                        .onErrorMap(ObjectStorage::isMissing, gone -> ApiProblem.conflict("This upload is being completed or aborted")))
                .flatMap(body -> ServerResponse.ok().header(HttpHeaders.CACHE_CONTROL, "no-store").bodyValue(body));
    }

    /** The caller's open resumable upload on the path: 404 when not theirs (or not there), 409 while completing, 410 once expired. */
    private Mono<UploadStore.PendingUpload> open(ServerRequest request, CurrentUser user) {
        return Ids.parse(request.pathVariable("uploadId"), "Upload")
                .flatMap(id -> store.findMultipart(id, user.id()))
                .switchIfEmpty(Mono.error(() -> ApiProblem.notFound("Upload not found")))
                .flatMap(pending -> pending.expired(Instant.now()) ? Mono.error(ApiProblem.gone("This upload expired; start a new one"))
                        : pending.s3UploadId() == null ? Mono.error(ApiProblem.conflict("This upload is still starting; try again"))
                        : Mono.just(pending));
    }

    /** A presigned part URL: PUT exactly {@code sizeBytes} bytes to it (the length is signed). */
    record PartUrl(int partNumber, String url, String method, Map<String, String> headers, long sizeBytes) {
    }

    record PartUrls(UUID uploadId, Instant expiresAt, List<PartUrl> parts) {
    }

    /** {@code POST /api/assets/multipart-uploads/{uploadId}/parts}: presigned URLs for the parts named ({@code partNumbers}). */
    Mono<ServerResponse> partUrls(ServerRequest request, CurrentUser user) {
        return open(request, user)
                .flatMap(pending -> bodies.object(request)
                        .map(body -> partNumbers(body, partCount(pending.declaredSize(), pending.partSize())))
                        .publishOn(Schedulers.parallel())
                        .map(numbers -> partUrls(pending, numbers)))
                .flatMap(body -> ServerResponse.ok().header(HttpHeaders.CACHE_CONTROL, "no-store").bodyValue(body));
    }

    private PartUrls partUrls(UploadStore.PendingUpload pending, List<Integer> numbers) {
        Instant now = Instant.now();
        // A URL never outlives its upload: parts PUT after it expired would be aborted anyway.
        Duration ttl = Duration.between(now, pending.expiresAt());
        if (ttl.compareTo(properties.uploadUrlTtl()) > 0) {
            ttl = properties.uploadUrlTtl();
        }
        if (ttl.toSeconds() < 1) {
            throw ApiProblem.gone("This upload expired; start a new one");
        }
        List<PartUrl> parts = new ArrayList<>(numbers.size());
        for (int number : numbers) {
            long length = partLength(pending.declaredSize(), pending.partSize(), number);
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put(HttpHeaders.CONTENT_LENGTH, Long.toString(length));
            parts.add(new PartUrl(number, urls.putPart(pending.objectKey(), pending.s3UploadId(), number, ttl, headers), "PUT", headers,
                    length));
        }
        return new PartUrls(pending.id(), now.plus(ttl), parts);
    }

    /** The part numbers asked for: 1 to {@code count}, each once, at most {@link #MAX_URLS_PER_REQUEST}. */
    static List<Integer> partNumbers(ObjectNode body, int count) {
        JsonFields fields = JsonFields.of(body).allowOnly(Set.of("partNumbers"));
        JsonNode node = body.get("partNumbers");
        List<Integer> numbers = new ArrayList<>();
        if (node == null || !node.isArray() || node.isEmpty() || node.size() > MAX_URLS_PER_REQUEST) {
            fields.reject("partNumbers", "is required: a list of 1 to " + MAX_URLS_PER_REQUEST + " part numbers");
        }
        else {
            Set<Integer> seen = new TreeSet<>();
            for (JsonNode item : node) {
                if (!item.isIntegralNumber() || !item.canConvertToInt() || item.asInt() < 1 || item.asInt() > count) {
                    fields.reject("partNumbers", "must hold whole numbers from 1 to " + count + " (this upload's part count)");
                    break;
                }
                if (!seen.add(item.asInt())) {
                    fields.reject("partNumbers", "must not name a part twice");
                    break;
                }
                numbers.add(item.asInt());
            }
        }
        fields.validate();
        return numbers;
    }

    /**
     * {@code POST /api/assets/multipart-uploads/{uploadId}/complete}: assembles the stored parts (every part from 1 to the
     * part count, each of its size; 409 naming the missing ones, the upload staying open) and completes the upload as a
     * presigned one: the copy to the asset's key, the checks there (size, real audio, SHA-256) and the asset.
     */
    Mono<ServerResponse> complete(ServerRequest request, CurrentUser user) {
        return Ids.parse(request.pathVariable("uploadId"), "Upload")
                .flatMap(uploadId -> presigned.complete(user, uploadId, ProjectAccess.shareToken(request), UploadStore.MULTIPART, this::assemble))
                .flatMap(Uploads::created);
    }

    /**
     * The store's multipart upload completed with the parts it holds, when they are exactly the upload's parts; the
     * object it leaves at the staging key. A completion retried after the store had completed the upload finds the
     * object already there.
     */
    private Mono<ObjectStorage.StoredObject> assemble(UploadStore.PendingUpload pending) {
        if (pending.s3UploadId() == null) {
            return presigned.unclaimAndRefuse(pending, ApiProblem.conflict("This upload is still starting; try again"));
        }
        // Only the store's completion writes a resumable upload's staging key (no URL PUTs whole objects to it).
        return storage.stat(pending.objectKey())
                .switchIfEmpty(Mono.defer(() -> storage.listParts(pending.objectKey(), pending.s3UploadId()).collectList()
                        .flatMap(parts -> checkParts(pending, parts)
                                .then(storage.completeListedParts(pending.objectKey(), pending.s3UploadId(), parts)))
                        .onErrorResume(ObjectStorage::isMissing, gone -> Mono.empty())
                        .then(storage.stat(pending.objectKey()))))
                .switchIfEmpty(Mono.defer(() -> presigned.endWith(pending,
                        ApiProblem.gone("The store no longer holds this upload's parts; start a new upload"))));
    }

    /**
     * Every part from 1 to the part count, each of the length its URL was signed for (so the whole is the declared size).
     * Missing parts leave the upload open (409, naming them); parts of another length or number end it (422).
     */
    private Mono<Void> checkParts(UploadStore.PendingUpload pending, List<Part> parts) {
        long size = pending.declaredSize();
        int count = partCount(size, pending.partSize());
        long total = parts.stream().mapToLong(Part::partSize).sum();
        boolean[] present = new boolean[count + 1];
        for (Part part : parts) {
            if (part.partNumber() < 1 || part.partNumber() > count
                    || part.partSize() != partLength(size, pending.partSize(), part.partNumber())) {
                return presigned.endWith(pending, wrongSize(pending, total, "part " + part.partNumber() + " is " + part.partSize() + " bytes"));
            }
            present[part.partNumber()] = true;
        }
        List<Integer> missing = new ArrayList<>();
        for (int number = 1; number <= count; number++) {
            if (!present[number]) {
                missing.add(number);
            }
        }
        if (!missing.isEmpty()) {
            return presigned.unclaimAndRefuse(pending, ApiProblem.of(HttpStatus.CONFLICT, "PARTS_MISSING", missing.size() + " of the "
                    + count + " parts have not been uploaded yet: upload them, then complete")
                    .with("missingPartNumbers", missing.size() > 100 ? missing.subList(0, 100) : missing));
        }
        return total == size ? Mono.empty() : presigned.endWith(pending, wrongSize(pending, total, "the parts add up to " + total + " bytes"));
    }

    private static ApiProblem wrongSize(UploadStore.PendingUpload pending, long total, String what) {
        return ApiProblem.of(HttpStatus.UNPROCESSABLE_CONTENT, "UNPROCESSABLE", "The uploaded parts do not make the " + pending.declaredSize()
                + " bytes declared (" + what + "); upload the file again").with("uploadedBytes", total);
    }

    /**
     * {@code DELETE /api/assets/multipart-uploads/{uploadId}}: aborts the store's upload and removes everything of it: its
     * parts, row and reservation. 409 while it is being completed.
     */
    Mono<ServerResponse> abort(ServerRequest request, CurrentUser user) {
        return Ids.parse(request.pathVariable("uploadId"), "Upload")
                .flatMap(uploadId -> presigned.claim(uploadId, user, UploadStore.MULTIPART))
                .flatMap(pending -> presigned.end(pending)
                        .doOnSuccess(ended -> log.debug("Resumable upload {} aborted by its owner", pending.id())))
                .then(ServerResponse.noContent().build());
    }
}
