package dev.dawg.projects;

import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import reactor.core.publisher.Mono;

import org.springframework.stereotype.Component;

import dev.dawg.platform.config.DawgProperties;

/**
 * The heads of recently read projects (everything but the document: owner, visibility, version, counters) kept
 * in memory, so that a read of a popular project asks the database nothing at all: its document comes from
 * {@link ProjectDocumentCache}, which is keyed by version.
 *
 * <p>A head is only served while {@link ProjectChangeListener} is listening to the database's change
 * notifications, which drop a head on every node when its row changes; a head is also dropped at once on the
 * node that made the change, so a client always reads its own writes there. If the listener loses its
 * connection the cache is emptied and switched off until it listens again: a head is never served when a
 * change to it could have gone unheard. Entries also expire after {@code DAWG_PROJECT_HEAD_TTL} as a last
 * line of defence.
 */
@Component
class ProjectMetadataCache {

    private final Cache<UUID, Project> heads;
    /** Counts invalidations: a head read from the database is kept only if none happened meanwhile. */
    private final AtomicLong invalidations = new AtomicLong();
    private volatile boolean listening;

    ProjectMetadataCache(DawgProperties properties, MeterRegistry meters) {
        DawgProperties.Projects settings = properties.projects();
        this.heads = Caffeine.newBuilder()
                .maximumSize(settings.headCacheEntries())
                // From when the head was read: a play counted into it (playCounted) must not make it live longer.
                .expireAfter(Expiry.<UUID, Project>creating((id, head) -> settings.headTtl()))
                .recordStats()
                .build();
        CaffeineCacheMetrics.monitor(meters, heads, "projectHeads");
    }

    /** The head of a live project: from memory when that is safe, else {@code load}ed (and remembered). */
    Mono<Project> get(UUID id, Supplier<Mono<Project>> load) {
        if (!listening) {
            return load.get();
        }
        Project cached = heads.getIfPresent(id);
        if (cached != null) {
            return Mono.just(cached);
        }
        long before = invalidations.get();
        return load.get().doOnNext(head -> remember(head, before));
    }

    /** The head of {@code id} if it is in memory and may be served, else null (never reads the database). */
    Project peek(UUID id) {
        return listening ? heads.getIfPresent(id) : null;
    }

    private void remember(Project head, long invalidationsBeforeTheRead) {
        if (!listening || invalidations.get() != invalidationsBeforeTheRead) {
            return;
        }
        heads.put(head.id(), head.withData(null));
        // An invalidation between the check and the put must not be lost: look again.
        if (invalidations.get() != invalidationsBeforeTheRead) {
            heads.invalidate(head.id());
        }
    }

    /**
     * Drops the head of a project whose row changed. Called by whoever has just committed such a change (a write,
     * a counter), before answering, so the caller's next read on this node shows it; and by the listener when
     * PostgreSQL announces a change made anywhere.
     */
    void changed(UUID projectId) {
        invalidations.incrementAndGet();
        heads.invalidate(projectId);
    }

    /**
     * A play was counted: the count goes into this node's copy, if it has one, without dropping it. Plays are
     * announced to no other node (each would otherwise drop the head everywhere); theirs catch up within
     * {@code DAWG_PROJECT_HEAD_TTL}.
     */
    void playCounted(UUID projectId, long playCount) {
        heads.asMap().computeIfPresent(projectId, (id, head) -> head.playCount() >= playCount ? head : head.withPlayCount(playCount));
    }

    void startServing() {
        invalidations.incrementAndGet();
        heads.invalidateAll();
        listening = true;
    }

    void stopServing() {
        listening = false;
        invalidations.incrementAndGet();
        heads.invalidateAll();
    }

    boolean serving() {
        return listening;
    }
}
