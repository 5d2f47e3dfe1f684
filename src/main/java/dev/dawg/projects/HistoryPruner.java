package dev.dawg.projects;

import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

import dev.dawg.platform.config.DawgProperties;

/**
 * Drops a project's old unlabelled snapshots after a write has been answered, detached from the request so that
 * pruning never holds a write up. At most {@link #MAX_RUNNING} prunes run at once on a node; past that a prune
 * is skipped, which loses nothing: each prune removes everything past the retention, so the project's next
 * batch catches up.
 */
@Component
class HistoryPruner {

    private static final Logger log = LoggerFactory.getLogger(HistoryPruner.class);
    /** Pruning old snapshots is batched: once every this many versions of a project. */
    static final int PRUNE_EVERY = 10;
    static final int MAX_RUNNING = 4;

    private final ProjectStore store;
    private final int versionRetention;
    private final AtomicInteger running = new AtomicInteger();

    HistoryPruner(ProjectStore store, DawgProperties properties) {
        this.store = store;
        this.versionRetention = properties.projects().versionRetention();
    }

    /** Starts pruning the history of {@code written} when its version is due, and returns at once. */
    void afterWrite(Project written) {
        if (written.version() % PRUNE_EVERY != 0 || written.version() <= versionRetention) {
            return;
        }
        if (running.incrementAndGet() > MAX_RUNNING) {
            running.decrementAndGet();
            log.debug("Pruning the history of project {} skipped: {} prunes already running", written.id(), MAX_RUNNING);
            return;
        }
        // Deliberately detached: the write is answered whatever pruning does, and a failure is only logged.
        store.prune(written.id(), written.version(), versionRetention)
                .doFinally(signal -> running.decrementAndGet())
                .subscribe(pruned -> log.debug("Pruned {} snapshots of project {}", pruned, written.id()),
                        ex -> log.warn("Could not prune the history of project {}: {}", written.id(), ex.toString()));
    }
}
