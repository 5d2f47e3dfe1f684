package dev.dawg.assets;

import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

import dev.dawg.assets.storage.ObjectStorage;
import dev.dawg.assets.storage.StorageFailures;
import dev.dawg.auth.CurrentUser;
import dev.dawg.platform.ratelimit.ConcurrencySlots;
import dev.dawg.platform.persistence.SqlErrors;
import dev.dawg.platform.web.ApiProblem;
import dev.dawg.platform.web.Ids;
import dev.dawg.platform.web.RequestIds;
import dev.dawg.sharing.ProjectAccess;

/**
 * Streamed multipart uploads into a project, the caller's personal library or the system library: the file is stored
 * as it arrives. The upload's
 * row (and with it the reservation) exists before the first byte is stored; success turns it into an asset, any
 * failure or a client that goes away removes the object and then the row.
 */
@Component
public class StreamedUploads {

    private static final Logger log = LoggerFactory.getLogger(StreamedUploads.class);
    /** Room for the multipart boundaries and part headers around the file in a request's Content-Length. */
    private static final long MULTIPART_OVERHEAD = 64 * 1024;

    private final UploadStore store;
    private final Uploads uploads;
    private final ObjectStorage storage;
    private final UploadBodyReader bodies;
    private final LibraryFolders folders;
    private final AssetProperties properties;
    private final Semaphore streams;
    /** The caller's share comes before the node's, so one user's stalled uploads cannot take every permit of the node. */
    private final ConcurrencySlots<UUID> streamsByUser;

    StreamedUploads(UploadStore store, Uploads uploads, ObjectStorage storage, UploadBodyReader bodies, LibraryFolders folders,
            AssetProperties properties) {
        this.store = store;
        this.uploads = uploads;
        this.storage = storage;
        this.bodies = bodies;
        this.folders = folders;
        this.properties = properties;
        this.streams = new Semaphore(properties.maxConcurrentUploads());
        this.streamsByUser = new ConcurrencySlots<>(Math.min(properties.maxConcurrentUploadsPerUser(), properties.maxConcurrentUploads()));
    }

    /** {@code POST /api/projects/{id}/assets}: one multipart part {@code file}, stored as it arrives. */
    Mono<ServerResponse> uploadToProject(ServerRequest request, ProjectAccess.Grant grant) {
        return upload(request, grant.user(), UploadStore.Target.project(grant.projectId()), null).flatMap(Uploads::created);
    }

    /**
     * {@code POST /api/assets}: one multipart part {@code file} into the caller's personal library, counted against
     * their quota; an optional part {@code folderId} names one of their folders.
     */
    public Mono<ServerResponse> uploadToLibrary(ServerRequest request, CurrentUser user) {
        return upload(request, user, UploadStore.Target.personalLibrary(null), null).flatMap(Uploads::created);
    }

    /**
     * An administrator adds to the sample library: the parts {@code file} and the form fields that {@code entry} reads
     * (at most {@link UploadBodyReader#MAX_LIBRARY_PARTS} parts); 403 for anyone else, before a byte is read.
     */
    public Mono<Asset> uploadToSystemLibrary(ServerRequest request, CurrentUser user, LibraryEntry entry) {
        return Mono.fromCallable(user::requireAdmin).flatMap(admin -> upload(request, admin, UploadStore.Target.SYSTEM_LIBRARY, entry));
    }

    /** An upload into a project or a personal library (counted against the quota), or into the system library (not). */
    private Mono<Asset> upload(ServerRequest request, CurrentUser caller, UploadStore.Target target, LibraryEntry entry) {
        return received(request, caller, target, entry).map(Stored::asset);
    }

    /** The stored asset and the form fields sent beside its file. */
    record Stored(Asset asset, java.util.Map<String, String> fields) {
    }

    /**
     * A project's rendered preview ({@link ProjectPreviews}): one part {@code file} into the project, counted against
     * the uploader's quota like any of its assets, with its form fields (such as the duration).
     */
    Mono<Stored> uploadPreview(ServerRequest request, ProjectAccess.Grant grant) {
        return received(request, grant.user(), UploadStore.Target.project(grant.projectId()), null);
    }

    private Mono<Stored> received(ServerRequest request, CurrentUser caller, UploadStore.Target target, LibraryEntry entry) {
        boolean quota = target.projectId() != null || target.personal();
        return Mono.defer(() -> precheck(request, caller, quota))
                .then(Mono.defer(() -> receive(request, caller, target, entry)));
    }

    /** Refusals that need no byte of the body: wrong content type, a declared length over the size limit or the quota. */
    private Mono<Void> precheck(ServerRequest request, CurrentUser caller, boolean quota) {
        UploadBodyReader.checkContentType(request);
        long declared = request.headers().contentLength().orElse(-1);
        if (declared > properties.maxUploadSize().toBytes() + MULTIPART_OVERHEAD) {
            return Mono.error(ApiProblem.payloadTooLarge("The file is larger than this server accepts"));
        }
        if (!quota || declared < 0) {
            return Mono.empty();
        }
        long limit = properties.quota().toBytes();
        return store.usage(caller.id())
                .flatMap(usage -> declared - MULTIPART_OVERHEAD > limit - usage.inUse() ? Mono.error(uploads.quotaExceeded(usage)) : Mono.empty());
    }

    /** An upload in flight: its row and the writer streaming its bytes to the store. */
    private record InFlight(UploadStore.PendingUpload pending, StreamedObjectWriter writer) {
    }

    /** Call inside {@code Mono.defer}: see {@link #withSlots}. */
    private Mono<Stored> receive(ServerRequest request, CurrentUser caller, UploadStore.Target target, LibraryEntry entry) {
        return withSlots(caller.id(), () -> Mono.usingWhen(
                store.openStreamed(caller.id(), target, "assets/" + UUID.randomUUID(), properties.uploadTimeout())
                        .map(pending -> new InFlight(pending, writer(pending))),
                upload -> bodies.read(request, upload.writer(), entry != null)
                        .flatMap(received -> finish(upload.pending(), received, entry).map(asset -> new Stored(asset, received.fields))),
                upload -> Mono.empty(),
                (upload, failure) -> StorageFailures.isUnreachable(failure)
                        // The store is down: trying it again would only hold the answer back by a timeout or
                        // two. The row goes now (its reservation with it) and the sweep removes the object.
                        ? forget(upload.pending())
                        : discard(upload),
                this::discard));
    }

    /**
     * Call inside {@code Mono.defer}: runs {@code work} holding one of the user's upload slots and one of the node's
     * upload permits, both given back when it ends (429 or 503 when none is free).
     */
    private <T> Mono<T> withSlots(UUID userId, Supplier<Mono<T>> work) {
        ConcurrencySlots<UUID>.Slot slot = streamsByUser.take(userId).orElse(null);
        if (slot == null) {
            return Mono.error(ApiProblem.of(HttpStatus.TOO_MANY_REQUESTS, "RATE_LIMITED", "You are already uploading "
                            + streamsByUser.limit() + " files at once; send this one when one of them has finished")
                    .withHeader(HttpHeaders.RETRY_AFTER, "5").with("retryAfterSeconds", 5));
        }
        if (!streams.tryAcquire()) {
            slot.release();
            return Mono.error(ApiProblem.serviceUnavailable("This server is receiving as many uploads as it can; retry shortly"));
        }
        return work.get().doFinally(signal -> {
            streams.release();
            slot.release();
        });
    }

    /**
     * The raw body of a PUT streamed to a presigned upload's staging key, as the store would have taken it: at most
     * the declared size (413), audio by its first bytes (415), under the same slots and idle timeout as every streamed
     * upload. Completion then checks it as any presigned upload. Any failure ends the upload for good: its object,
     * row and reservation all go.
     */
    Mono<Void> receiveIntoStaging(ServerRequest request, UploadStore.PendingUpload pending) {
        long declared = request.headers().contentLength().orElse(-1);
        if (declared > pending.declaredSize()) {
            return uploads.end(pending, Mono.empty()).then(Mono.error(ApiProblem.payloadTooLarge(
                    "The body is " + declared + " bytes; this upload was declared as " + pending.declaredSize())));
        }
        return Mono.defer(() -> withSlots(pending.ownerId(), () -> Mono.usingWhen(
                Mono.fromSupplier(() -> stagingWriter(pending)),
                writer -> writer.write(ReceiveTimeout.of(request.bodyToFlux(DataBuffer.class), properties.uploadIdleTimeout(),
                        () -> ApiProblem.of(HttpStatus.REQUEST_TIMEOUT, "REQUEST_TIMEOUT", "Nothing of the upload arrived for "
                                + properties.uploadIdleTimeout().toSeconds() + " s; send it again"))).then(),
                writer -> Mono.empty(),
                (writer, failure) -> uploads.end(pending, writer.discard()),
                writer -> uploads.end(pending, writer.discard()))));
    }

    /** A writer to a presigned upload's staging key: its whole declared size is reserved already. */
    private StreamedObjectWriter stagingWriter(UploadStore.PendingUpload pending) {
        return new StreamedObjectWriter(storage, pending.objectKey(), (int) properties.partSize().toBytes(), pending.declaredSize(),
                new StreamedObjectWriter.Hooks() {
                    @Override
                    public Mono<Void> reserve(long bytes) {
                        return Mono.empty();
                    }

                    @Override
                    public Mono<Void> multipartStarted(String s3UploadId) {
                        return store.recordMultipart(pending.id(), s3UploadId);
                    }
                });
    }

    private StreamedObjectWriter writer(UploadStore.PendingUpload pending) {
        return new StreamedObjectWriter(storage, pending.objectKey(), (int) properties.partSize().toBytes(), properties.maxUploadSize().toBytes(),
                new StreamedObjectWriter.Hooks() {
                    @Override
                    public Mono<Void> reserve(long bytes) {
                        if (pending.intoSystemLibrary()) {
                            // The sample library counts against no one's quota; this only keeps the upload alive.
                            return store.reserve(pending.id(), 0, Long.MAX_VALUE, properties.uploadTimeout()).then();
                        }
                        return store.reserve(pending.id(), bytes, properties.quota().toBytes(), properties.uploadTimeout())
                                .flatMap(granted -> granted ? Mono.<Void>empty() : uploads.quotaExceeded(pending.ownerId()));
                    }

                    @Override
                    public Mono<Void> multipartStarted(String s3UploadId) {
                        return store.recordMultipart(pending.id(), s3UploadId);
                    }
                });
    }

    /**
     * The stored file becomes the asset. An upload into the system library has its form fields checked by its
     * {@code entry} first (a refusal discards the upload) and recorded after; one into a personal library may name its
     * folder ({@code folderId}, one of the owner's).
     */
    private Mono<Asset> finish(UploadStore.PendingUpload pending, UploadBodyReader.Received received, LibraryEntry entry) {
        String folderField = received.fields.get("folderId");
        if (pending.personal() && folderField != null && !folderField.isBlank()) {
            return Ids.parse(folderField.strip(), "Folder")
                    .flatMap(folderId -> folders.find(pending.ownerId(), folderId))
                    .flatMap(folder -> finish(pending, received, null, folder.id()))
                    .onErrorMap(SqlErrors::isForeignKeyViolation, ex -> LibraryFolders.notFound());
        }
        if (entry == null) {
            return finish(pending, received, null, null);
        }
        return entry.check(received.fields).flatMap(checked -> finish(pending, received, checked.category(), null)
                .flatMap(asset -> checked.record(asset.id()).thenReturn(asset)));
    }

    private Mono<Asset> finish(UploadStore.PendingUpload pending, UploadBodyReader.Received received, String category, UUID folderId) {
        StreamedObjectWriter.Written written = received.written;
        return uploads.finish(pending, pending.objectKey(), received.filename, category, folderId, written.size(),
                        Mono.just(written.sha256()))
                .switchIfEmpty(Mono.error(Uploads::discardedMeanwhile));
    }

    /** Removes the object (or the multipart upload), then the row; a store that fails leaves the object to the sweep. */
    private Mono<Void> discard(InFlight upload) {
        return uploads.end(upload.pending(), upload.writer().discard());
    }

    /** Ends an upload without touching the store: its row goes, its object (if any) is queued for the sweep. */
    private Mono<Void> forget(UploadStore.PendingUpload pending) {
        return RequestIds.logged(() -> log.warn("Object storage unavailable during upload {}; its object is left to the sweep", pending.id()))
                .then(store.discard(pending.id()).onErrorResume(ex -> Mono.empty()));
    }
}
