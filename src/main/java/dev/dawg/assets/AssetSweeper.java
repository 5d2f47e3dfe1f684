package dev.dawg.assets;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import dev.dawg.assets.storage.ObjectStorage;

/**
 * The periodic, non-blocking sweep each node runs: uploads past their time are discarded (giving their
 * reservation back and queueing their objects), then queued objects are removed from the store, aborting
 * unfinished multipart uploads. Nodes share the work through leases ({@code FOR UPDATE SKIP LOCKED}).
 */
@Component
class AssetSweeper implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(AssetSweeper.class);
    private static final int BATCH = 100;

    private final AssetStore store;
    private final ObjectStorage storage;
    private final Duration interval;
    private volatile Disposable running;

    AssetSweeper(AssetStore store, ObjectStorage storage, AssetProperties properties) {
        this.store = store;
        this.storage = storage;
        this.interval = properties.sweepInterval();
    }

    /** One pass: how many uploads were discarded and objects removed. */
    Mono<Long> sweep() {
        return store.discardExpiredUploads(BATCH)
                .flatMap(expired -> store.leaseOrphans(BATCH).collectList()
                        .flatMap(this::removeOrphans)
                        .map(removed -> expired + removed))
                .doOnNext(total -> {
                    if (total > 0) {
                        log.info("Asset sweep discarded or removed {} uploads and objects", total);
                    }
                });
    }

    /**
     * Removes leased orphans one by one. Once the store proves unreachable the rest are not tried (each would
     * wait out the same timeout) and their leases are given back, so the next pass after the store returns
     * removes them instead of one five minutes later. Other failures keep their lease: tried again after it.
     */
    private Mono<Long> removeOrphans(List<AssetStore.Orphan> orphans) {
        AtomicBoolean storeDown = new AtomicBoolean();
        return Flux.fromIterable(orphans)
                .concatMap(orphan -> storeDown.get() ? store.releaseOrphan(orphan.objectKey()).thenReturn(0L)
                        : (orphan.s3UploadId() == null ? Mono.<Void>empty() : storage.abortMultipart(orphan.objectKey(), orphan.s3UploadId()))
                                .then(storage.remove(orphan.objectKey()))
                                .then(store.forgetOrphan(orphan.objectKey()))
                                .thenReturn(1L)
                                .onErrorResume(ex -> {
                                    log.warn("Could not remove orphaned object {}: {}", orphan.objectKey(), ex.toString());
                                    if (!ObjectStorage.isUnreachable(ex)) {
                                        return Mono.just(0L);
                                    }
                                    storeDown.set(true);
                                    return store.releaseOrphan(orphan.objectKey()).thenReturn(0L);
                                }))
                .reduce(0L, Long::sum);
    }

    @Override
    public void start() {
        running = Flux.interval(interval, interval)
                .onBackpressureDrop()
                .concatMap(tick -> sweep().onErrorResume(ex -> {
                    log.warn("Asset sweep failed; it runs again in {}", interval, ex);
                    return Mono.empty();
                }), 0)
                .subscribe();
    }

    @Override
    public void stop() {
        Disposable current = running;
        if (current != null) {
            current.dispose();
        }
        running = null;
    }

    @Override
    public boolean isRunning() {
        return running != null && !running.isDisposed();
    }
}
