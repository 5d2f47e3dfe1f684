package dev.dawg.assets;

import java.net.URI;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerResponse;

import dev.dawg.events.AssetProcessingQueue;
import dev.dawg.platform.web.ApiProblem;
import dev.dawg.platform.web.RequestIds;

/**
 * What streamed ({@link StreamedUploads}) and presigned ({@link PresignedUploads}) uploads share: turning checked
 * bytes into an asset, ending an upload for good (its objects, row and reservation all go), and their answers.
 * Every upload is recorded (and its bytes reserved against the quota) before a byte is stored.
 */
@Component
class Uploads {

    private static final Logger log = LoggerFactory.getLogger(Uploads.class);

    private final UploadStore store;
    private final CleanupStore cleanup;
    private final AudioInspector inspector;
    private final AssetProperties properties;
    private final AssetProcessingQueue processing;

    Uploads(UploadStore store, CleanupStore cleanup, AudioInspector inspector, AssetProperties properties, AssetProcessingQueue processing) {
        this.store = store;
        this.cleanup = cleanup;
        this.inspector = inspector;
        this.properties = properties;
        this.processing = processing;
    }

    /**
     * Reads the metadata of the bytes at {@code key} (415/422 when they are not audio) and makes them the upload's
     * asset, named after the format found, and queues its processing. Empty if the upload was discarded meanwhile.
     */
    Mono<Asset> finish(UploadStore.PendingUpload pending, String key, String filename, String category, UUID folderId, long size,
            Mono<String> sha256) {
        return inspector.probe(key, size)
                .flatMap(info -> sha256.flatMap(digest -> store.finish(pending.id(), Filenames.clean(filename, info.format()), category,
                        folderId, size, digest, info)))
                .flatMap(asset -> processing.enqueue(asset.id()).thenReturn(asset));
    }

    /**
     * Ends an upload for good: {@code removeObjects} runs first, then its row goes (its reservation with it) and its
     * keys leave the orphan queue. A store that fails leaves the objects to the sweep.
     */
    Mono<Void> end(UploadStore.PendingUpload pending, Mono<Void> removeObjects) {
        return removeObjects
                .then(store.discard(pending.id()))
                .then(cleanup.forgetOrphan(pending.objectKey()))
                .then(pending.assetKey() == null ? Mono.<Void>empty() : cleanup.forgetOrphan(pending.assetKey()))
                .onErrorResume(ex -> RequestIds.logged(() -> log.warn("Could not remove upload {} at once ({}); the sweep will", pending.id(), ex.toString()))
                        .then(store.discard(pending.id()).onErrorResume(again -> Mono.empty())));
    }

    /** Fails with 413 {@code QUOTA_EXCEEDED}, naming what the owner has in use now. */
    <T> Mono<T> quotaExceeded(UUID ownerId) {
        return store.usage(ownerId).flatMap(usage -> Mono.error(quotaExceeded(usage)));
    }

    ApiProblem quotaExceeded(UploadStore.Usage usage) {
        long limit = properties.quota().toBytes();
        return ApiProblem.of(HttpStatus.CONTENT_TOO_LARGE, "QUOTA_EXCEEDED",
                        "This upload would take your storage past its limit of " + limit + " bytes (" + usage.inUse() + " in use)")
                .with("usedBytes", usage.inUse()).with("limitBytes", limit);
    }

    static ApiProblem discardedMeanwhile() {
        return ApiProblem.conflict("The upload was discarded before it finished");
    }

    static Mono<ServerResponse> created(Asset asset) {
        return ServerResponse.created(URI.create("/api/assets/" + asset.id())).bodyValue(asset.view());
    }
}
