package dev.dawg.assets;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import dev.dawg.assets.storage.ObjectStorage;
import dev.dawg.assets.storage.StorageFailures;
import dev.dawg.platform.scheduling.PeriodicPass;
import dev.dawg.events.ProjectDeleted;

/**
 * The periodic, non-blocking sweep each node runs: uploads past their time are discarded (giving their
 * reservation back and queueing their objects), then queued objects are removed from the store, aborting
 * unfinished multipart uploads, and objects under the presigned uploads' staging prefix that no open upload owns
 * (PUT again through a URL that outlived its upload) are removed, and the store's multipart uploads that no upload in
 * flight owns are aborted. Nodes share the work through leases
 * ({@code FOR UPDATE SKIP LOCKED}). A deleted
 * project's objects are not left to the next tick: its deletion starts a pass at once.
 */
@Component
class AssetSweeper extends PeriodicPass {

    private static final Logger log = LoggerFactory.getLogger(AssetSweeper.class);
    private static final int BATCH = 100;

    private final CleanupStore store;
    private final ObjectStorage storage;
    private final Duration interval;
    /** Passes asked for between ticks; one waiting is enough, however many asked (see start). */
    private final Sinks.Many<Long> soon = Sinks.many().multicast().directBestEffort();

    AssetSweeper(CleanupStore store, ObjectStorage storage, AssetProperties properties) {
        this.store = store;
        this.storage = storage;
        this.interval = properties.sweepInterval();
    }

    /** One pass: how many uploads were discarded and objects removed. */
    Mono<Long> sweep() {
        return store.discardExpiredUploads(BATCH)
                .flatMap(expired -> removeQueuedOrphans().map(removed -> expired + removed))
                .flatMap(removed -> removeUnownedStagedObjects().map(stray -> removed + stray))
                .flatMap(removed -> abortUnownedMultipartUploads().map(stray -> removed + stray))
                .doOnNext(total -> {
                    if (total > 0) {
                        log.info("Asset sweep discarded or removed {} uploads and objects", total);
                    }
                });
    }

    /** Removes queued orphans batch after batch while whole batches go (a deleted project may queue many). */
    private Mono<Long> removeQueuedOrphans() {
        return store.leaseOrphans(BATCH).collectList()
                .flatMap(batch -> removeOrphans(batch).flatMap(removed -> batch.size() == BATCH && removed == BATCH
                        ? removeQueuedOrphans().map(more -> removed + more) : Mono.just(removed)));
    }

    /**
     * A presigned URL works until it expires, whatever became of its upload: bytes PUT to it after the upload was
     * completed, refused, discarded or its asset deleted belong to no one and count against no quota. Every staging
     * object that no open upload owns goes (an upload's row exists before its URL is handed out, so one listed here
     * without a row is not one being started).
     */
    private Mono<Long> removeUnownedStagedObjects() {
        return storage.list(PresignedUploads.STAGING_PREFIX)
                .buffer(BATCH)
                .concatMap(keys -> store.ownedUploadKeys(keys).collect(HashSet<String>::new, HashSet::add)
                        .flatMapMany(owned -> Flux.fromIterable(keys).filter(key -> !owned.contains(key)))
                        .concatMap(key -> storage.remove(key).thenReturn(1L)))
                .reduce(0L, Long::sum)
                .onErrorResume(ex -> {
                    log.warn("Could not look for unowned staging objects: {}", ex.toString());
                    return Mono.just(0L);
                });
    }

    /**
     * A store-side multipart upload outlives its row when the row went without the orphan queue knowing its upload id
     * (a node stopped between starting the store's upload and recording its id) or when the abort failed and its
     * orphan was forgotten: the store keeps its parts, unseen by any listing of objects, until it is aborted. Every
     * incomplete upload under the keys uploads write to (the staging prefix of presigned and resumable uploads, and the
     * asset keys streamed uploads write to) that no upload in flight owns, or whose owner recorded another upload id,
     * is aborted. An upload's row exists before its store-side upload is started, so one listed here without a row is
     * not one being started.
     */
    private Mono<Long> abortUnownedMultipartUploads() {
        return Flux.just(PresignedUploads.STAGING_PREFIX, "assets/")
                .concatMap(storage::listIncompleteUploads)
                .buffer(BATCH)
                .concatMap(incomplete -> store.ownedUploads(incomplete.stream().map(ObjectStorage.IncompleteUpload::key).toList())
                        .collectMap(CleanupStore.OwnedKey::objectKey, owned -> java.util.Optional.ofNullable(owned.s3UploadId()))
                        .flatMapMany(owned -> Flux.fromIterable(incomplete).filter(upload -> !owned.containsKey(upload.key())
                                || owned.get(upload.key()).filter(id -> !id.equals(upload.uploadId())).isPresent()))
                        .concatMap(upload -> storage.abortMultipart(upload.key(), upload.uploadId()).thenReturn(1L)))
                .reduce(0L, Long::sum)
                .onErrorResume(ex -> {
                    log.warn("Could not look for unowned multipart uploads: {}", ex.toString());
                    return Mono.just(0L);
                });
    }

    /** A deleted project's assets were queued in the deleting statement: their objects go now rather than at the next tick. */
    @EventListener
    void projectDeleted(ProjectDeleted deleted) {
        // Fails only when another thread asks at the same moment (its pass starts after this deletion's commit, so
        // it removes these objects too) or before the sweep started (its first tick will).
        soon.tryEmitNext(0L);
    }

    /**
     * Removes leased orphans one by one. Once the store proves unreachable the rest are not tried (each would
     * wait out the same timeout) and their leases are given back, so the next pass after the store returns
     * removes them instead of one five minutes later. Other failures keep their lease: tried again after it.
     */
    private Mono<Long> removeOrphans(List<CleanupStore.Orphan> orphans) {
        AtomicBoolean storeDown = new AtomicBoolean();
        return Flux.fromIterable(orphans)
                .concatMap(orphan -> storeDown.get() ? store.releaseOrphan(orphan.objectKey()).thenReturn(0L) : removeOrphan(orphan, storeDown))
                .reduce(0L, Long::sum);
    }

    /** 1 when the orphan went; 0 when it stays queued (its lease given back if the store proved unreachable). */
    private Mono<Long> removeOrphan(CleanupStore.Orphan orphan, AtomicBoolean storeDown) {
        return (orphan.s3UploadId() == null ? Mono.<Void>empty() : storage.abortMultipart(orphan.objectKey(), orphan.s3UploadId()))
                .then(storage.remove(orphan.objectKey()))
                .then(store.forgetOrphan(orphan.objectKey()))
                .thenReturn(1L)
                .onErrorResume(ex -> {
                    log.warn("Could not remove orphaned object {}: {}", orphan.objectKey(), ex.toString());
                    if (!StorageFailures.isUnreachable(ex)) {
                        return Mono.just(0L);
                    }
                    storeDown.set(true);
                    return store.releaseOrphan(orphan.objectKey()).thenReturn(0L);
                });
    }

    @Override
    protected Flux<?> ticks() {
        // A pass asked for runs on a worker, not on the thread of the request that deleted the project.
        return Flux.merge(Flux.interval(interval, interval), soon.asFlux().publishOn(Schedulers.parallel()));
    }

    @Override
    protected Mono<Long> pass() {
        return sweep();
    }

    @Override
    protected String nextRun() {
        return "in " + interval;
    }
}
