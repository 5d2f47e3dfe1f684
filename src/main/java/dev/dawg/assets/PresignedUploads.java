package dev.dawg.assets;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
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
import dev.dawg.platform.web.RequestIds;
import dev.dawg.sharing.AccessLevel;
import dev.dawg.sharing.ProjectAccess;

/**
 * Presigned uploads: the browser PUTs the file straight to the store, then asks the server to complete the upload,
 * which checks the bytes and makes them an asset. The declared size is reserved against the quota when the URL is
 * handed out.
 */
@Component
public class PresignedUploads {

    private static final Logger log = LoggerFactory.getLogger(PresignedUploads.class);
    /**
     * Where presigned uploads land. Their URL works until it expires, whatever became of the upload, so it never
     * points at an asset: completion copies the checked bytes to the asset's own key, and the sweep removes what
     * no open upload owns here.
     */
    static final String STAGING_PREFIX = "uploads/";

    private final UploadStore store;
    private final CleanupStore cleanup;
    private final Uploads uploads;
    private final ProjectAccess projects;
    private final ObjectStorage storage;
    private final PresignedUrls urls;
    private final AudioInspector inspector;
    private final JsonBodies bodies;
    private final LibraryFolders folders;
    private final AssetProperties properties;

    PresignedUploads(UploadStore store, CleanupStore cleanup, Uploads uploads, ProjectAccess projects, ObjectStorage storage,
            PresignedUrls urls, AudioInspector inspector, JsonBodies bodies, LibraryFolders folders,
            AssetProperties properties) {
        this.store = store;
        this.cleanup = cleanup;
        this.uploads = uploads;
        this.projects = projects;
        this.storage = storage;
        this.urls = urls;
        this.inspector = inspector;
        this.bodies = bodies;
        this.folders = folders;
        this.properties = properties;
    }

    /** {@code POST /api/projects/{id}/assets/uploads}: reserves the declared size and hands out a presigned PUT. */
    Mono<ServerResponse> presign(ServerRequest request, ProjectAccess.Grant grant) {
        return bodies.object(request)
                .flatMap(body -> open(grant.user(), UploadStore.Target.project(grant.projectId()),
                        PresignRequest.of(body, properties.maxUploadSize().toBytes(), false)))
                .flatMap(PresignedUploads::created);
    }

    /**
     * {@code POST /api/assets/uploads}: the same into the caller's personal library, counted against their quota; an
     * optional {@code folderId} names one of their folders.
     */
    Mono<ServerResponse> presignToLibrary(ServerRequest request, CurrentUser user) {
        return bodies.object(request).flatMap(body -> presignToLibrary(user, body)).flatMap(PresignedUploads::created);
    }

    /** A presigned upload into the caller's library, from a body as {@code POST /api/assets/uploads} takes it. */
    public Mono<Presigned> presignToLibrary(CurrentUser user, ObjectNode body) {
        return Mono.fromCallable(() -> PresignRequest.of(body, properties.maxUploadSize().toBytes(), true))
                .flatMap(asked -> libraryTarget(user, asked).flatMap(target -> open(user, target, asked)))
                .onErrorMap(SqlErrors::isForeignKeyViolation, ex -> LibraryFolders.notFound());
    }

    /** The caller's library, or the folder of theirs the request names (404 for another's). */
    Mono<UploadStore.Target> libraryTarget(CurrentUser user, PresignRequest asked) {
        return (asked.folderId() == null ? Mono.<UUID>empty() : folders.find(user.id(), asked.folderId()).map(AssetFolder::id))
                .map(UploadStore.Target::personalLibrary)
                .defaultIfEmpty(UploadStore.Target.personalLibrary(null));
    }

    private static Mono<ServerResponse> created(Presigned body) {
        return ServerResponse.status(HttpStatus.CREATED).header(HttpHeaders.CACHE_CONTROL, "no-store").bodyValue(body);
    }

    /** Records the upload with its declared size reserved (413 past the quota) and answers where to PUT it. */
    private Mono<Presigned> open(CurrentUser caller, UploadStore.Target target, PresignRequest asked) {
        return store.openPresigned(caller.id(), target, asked.filename(), asked.contentType(), asked.sizeBytes(),
                        STAGING_PREFIX + UUID.randomUUID(), "assets/" + UUID.randomUUID(),
                        properties.uploadUrlTtl().plus(properties.uploadTimeout()), properties.quota().toBytes())
                .switchIfEmpty(Mono.defer(() -> uploads.quotaExceeded(caller.id())))
                .map(pending -> presigned(pending, asked));
    }

    /** The JSON body of a presigned upload: where and how to PUT the file, and where to complete it. */
    public record Presigned(UUID uploadId, String uploadUrl, String method, Map<String, String> headers, Instant expiresAt, long sizeBytes,
            String completeUrl) {
    }

    private Presigned presigned(UploadStore.PendingUpload pending, PresignRequest asked) {
        // Both signed: the store refuses a PUT of another type or another length than the one reserved.
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(HttpHeaders.CONTENT_TYPE, asked.contentType());
        headers.put(HttpHeaders.CONTENT_LENGTH, Long.toString(asked.sizeBytes()));
        return new Presigned(pending.id(), urls.put(pending.objectKey(), properties.uploadUrlTtl(), headers), "PUT", headers,
                Instant.now().plus(properties.uploadUrlTtl()), asked.sizeBytes(), "/api/assets/uploads/" + pending.id() + "/complete");
    }

    /** The body of a presign request, validated. */
    record PresignRequest(String filename, long sizeBytes, String contentType, UUID folderId) {

        /** The request; {@code folderId} (optional) only into a personal library ({@code library}). */
        static PresignRequest of(ObjectNode body, long maxBytes, boolean library) {
            JsonFields fields = JsonFields.of(body).allowOnly(library ? Set.of("filename", "sizeBytes", "contentType", "folderId")
                    : Set.of("filename", "sizeBytes", "contentType"));
            UUID folderId = LibraryFolders.idField(fields, "folderId");
            String filename = fields.requiredString("filename", 1, Filenames.MAX_LENGTH);
            String contentType = fields.requiredString("contentType", 3, 100);
            long size = size(fields, body.get("sizeBytes"));
            MediaType type = contentType == null ? null : mediaType(fields, contentType);
            fields.validate();
            if (size > maxBytes) {
                throw ApiProblem.payloadTooLarge("The file is " + size + " bytes; the limit is " + maxBytes);
            }
            // The type is stored with the object and signed into the URL: only audio, or bytes of no declared kind.
            if (!"audio".equals(type.getType()) && !MediaType.APPLICATION_OCTET_STREAM.equalsTypeAndSubtype(type)) {
                throw ApiProblem.unsupportedMediaType("contentType must be an audio type (such as audio/wav) or application/octet-stream");
            }
            // Cleaned when the upload completes, with the extension of the format found then.
            return new PresignRequest(filename, size, contentType, folderId);
        }

        /** The declared size; -1 (rejected) unless a whole number of at least 1. */
        private static long size(JsonFields fields, JsonNode node) {
            if (node == null || !node.isIntegralNumber() || !node.canConvertToLong() || node.asLong() < 1) {
                fields.reject("sizeBytes", "is required: the file's size in bytes, a whole number of at least 1");
                return -1;
            }
            return node.asLong();
        }

        /** The declared media type, rejected unless concrete; null when it does not parse. */
        private static MediaType mediaType(JsonFields fields, String contentType) {
            try {
                MediaType type = MediaType.parseMediaType(contentType);
                if (type.isWildcardType() || type.isWildcardSubtype()) {
                    fields.reject("contentType", "must be a concrete media type such as audio/wav");
                }
                return type;
            }
            catch (IllegalArgumentException | IndexOutOfBoundsException ex) {
                // Spring's parser can also fail with an index error on unbalanced quotes (found by the API fuzzer).
                fields.reject("contentType", "must be a media type such as audio/wav");
                return null;
            }
        }
    }

    /**
     * {@code POST /api/assets/uploads/{uploadId}/complete}: copies what was PUT to the asset's own key, checks it
     * there (of the declared size, real audio), reads its metadata and makes it an asset. A wrong object is removed
     * and the upload ends; a missing one leaves the upload open for another try.
     */
    Mono<ServerResponse> complete(ServerRequest request, CurrentUser user) {
        return Ids.parse(request.pathVariable("uploadId"), "Upload")
                .flatMap(uploadId -> complete(user, uploadId, ProjectAccess.shareToken(request)))
                .flatMap(Uploads::created);
    }

    /** Completes the caller's presigned upload (see {@link #complete(ServerRequest, CurrentUser)}); the share token may be null. */
    public Mono<Asset> complete(CurrentUser user, UUID uploadId, String shareToken) {
        return complete(user, uploadId, shareToken, UploadStore.PRESIGNED, this::putObject);
    }

    /**
     * Completes the caller's upload of {@code kind} whose bytes {@code staged} brings together at its staging key: the
     * presigned PUT's object, or a resumable upload's parts ({@link ResumableUploads}). Everything after is the same for
     * both: the copy to the asset's key, the checks there, and the asset. {@code staged} may end the upload
     * ({@link #endWith}) or give the claim back ({@link #unclaimAndRefuse}) with a problem of its own.
     */
    Mono<Asset> complete(CurrentUser user, UUID uploadId, String shareToken, String kind,
            Function<UploadStore.PendingUpload, Mono<ObjectStorage.StoredObject>> staged) {
        return claim(uploadId, user, kind).flatMap(pending -> completeClaimed(shareToken, user, pending, staged.apply(pending)));
    }

    /** The object PUT to a presigned upload's URL; none yet leaves the upload open for another try. */
    private Mono<ObjectStorage.StoredObject> putObject(UploadStore.PendingUpload pending) {
        return storage.stat(pending.objectKey()).switchIfEmpty(Mono.defer(() -> unclaimAndRefuse(pending, nothingUploaded())));
    }

    /** Takes the caller's upload of {@code kind} for completion (or removal), so two concurrent completions cannot both run. */
    Mono<UploadStore.PendingUpload> claim(UUID uploadId, CurrentUser caller, String kind) {
        return store.claim(uploadId, caller.id(), kind).switchIfEmpty(Mono.defer(() -> notClaimable(uploadId, caller, kind)));
    }

    /** 409 while another request completes the caller's upload; 404 for an upload that is not theirs (or not there). */
    private Mono<UploadStore.PendingUpload> notClaimable(UUID uploadId, CurrentUser caller, String kind) {
        return store.findUpload(uploadId)
                .filter(found -> found.ownerId().equals(caller.id()) && kind.equals(found.kind()))
                .flatMap(found -> Mono.<UploadStore.PendingUpload>error(ApiProblem.conflict("This upload is being completed by another request")))
                .switchIfEmpty(Mono.error(() -> ApiProblem.notFound("Upload not found")));
    }

    /**
     * A refusal (expired, access lost, wrong bytes) ends the upload; a failure of the store or the database gives
     * the claim back, so that the completion can be retried.
     */
    private Mono<Asset> completeClaimed(String shareToken, CurrentUser caller, UploadStore.PendingUpload pending,
            Mono<ObjectStorage.StoredObject> stagedObject) {
        if (pending.expired(Instant.now())) {
            return endWith(pending, ApiProblem.gone("This upload expired; request a new upload URL"));
        }
        return requireEdit(shareToken, caller, pending)
                .then(stagedObject)
                .flatMap(staged -> copyCheckAndFinish(pending, staged))
                .switchIfEmpty(Mono.error(Uploads::discardedMeanwhile))
                .flatMap(asset -> removeStaged(pending).thenReturn(asset))
                .onErrorResume(failure -> !(failure instanceof ApiProblem), failure -> unclaimAndFail(pending, failure));
    }

    private static ApiProblem nothingUploaded() {
        return ApiProblem.conflict("Nothing has been uploaded to this upload's URL yet: PUT the file, then complete");
    }

    /** Gives the claim back, the upload staying open as it was, and refuses the completion with {@code problem}. */
    <T> Mono<T> unclaimAndRefuse(UploadStore.PendingUpload pending, ApiProblem problem) {
        return store.unclaim(pending.id()).then(Mono.error(problem));
    }

    /** Gives the claim back so that the completion may be retried, then fails with {@code failure}. */
    private Mono<Asset> unclaimAndFail(UploadStore.PendingUpload pending, Throwable failure) {
        return store.unclaim(pending.id()).onErrorResume(ex -> Mono.empty()).then(Mono.error(failure));
    }

    /** The caller must still be able to edit the project: access lost since the URL was handed out ends the upload. */
    private Mono<Void> requireEdit(String shareToken, CurrentUser caller, UploadStore.PendingUpload pending) {
        if (pending.personal()) {
            return Mono.empty(); // the caller's own library: the claim already checked that the upload is theirs
        }
        return projects.grant(Optional.of(caller), pending.projectId(), shareToken)
                .map(grant -> grant.require(AccessLevel.EDIT))
                .onErrorResume(ApiProblem.class, problem -> endWith(pending, problem))
                .then();
    }

    /**
     * The URL may PUT again until it expires, even while this runs: once the staged object has the declared size it
     * is copied, and every check that follows reads the copy, which only this server writes, so what was checked is
     * what the asset holds.
     */
    private Mono<Asset> copyCheckAndFinish(UploadStore.PendingUpload pending, ObjectStorage.StoredObject staged) {
        return checkSize(pending, staged)
                .then(storage.copy(pending.objectKey(), pending.assetKey()))
                .then(Mono.defer(() -> checkAndFinish(pending)))
                .onErrorResume(ApiProblem.class, problem -> endWith(pending, problem));
    }

    /** Checks the bytes at the asset's key (size, real audio), reads their metadata and makes them the asset. */
    private Mono<Asset> checkAndFinish(UploadStore.PendingUpload pending) {
        String key = pending.assetKey();
        return storage.stat(key)
                .switchIfEmpty(Mono.error(() -> new IllegalStateException("The copy of upload " + pending.id() + " is missing")))
                .flatMap(object -> checkSize(pending, object).then(uploads.finish(pending, key, pending.filename(), null, null, object.size(),
                        Mono.defer(() -> inspector.sha256(key, object.size())))));
    }

    private Mono<Void> checkSize(UploadStore.PendingUpload pending, ObjectStorage.StoredObject object) {
        return object.size() == pending.declaredSize() ? Mono.empty()
                : Mono.error(ApiProblem.of(HttpStatus.UNPROCESSABLE_CONTENT, "UNPROCESSABLE", "The uploaded file is " + object.size()
                        + " bytes, not the " + pending.declaredSize() + " declared; upload it again"));
    }

    /** The staging object of a completed upload goes at once (or else with the orphan queue and the sweep). */
    private Mono<Void> removeStaged(UploadStore.PendingUpload pending) {
        return storage.remove(pending.objectKey())
                .then(cleanup.forgetOrphan(pending.objectKey()))
                .onErrorResume(ex -> RequestIds.logged(() ->
                        log.warn("Could not remove the staging object of upload {} at once ({}); the sweep will", pending.id(), ex.toString())));
    }

    /** Ends the upload for good (its objects and its row go, its reservation is given back), then fails with {@code problem}. */
    <T> Mono<T> endWith(UploadStore.PendingUpload pending, Throwable problem) {
        return end(pending).then(Mono.error(problem));
    }

    /** Ends the upload for good: its store-side multipart upload (if any) is aborted, its objects, row and reservation go. */
    Mono<Void> end(UploadStore.PendingUpload pending) {
        Mono<Void> abort = pending.s3UploadId() == null ? Mono.empty() : storage.abortMultipart(pending.objectKey(), pending.s3UploadId());
        return uploads.end(pending, abort.then(storage.remove(pending.objectKey())).then(storage.remove(pending.assetKey())));
    }
}
