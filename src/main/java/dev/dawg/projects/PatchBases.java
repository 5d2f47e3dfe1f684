package dev.dawg.projects;

import java.util.UUID;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import tools.jackson.databind.JsonNode;

import org.springframework.stereotype.Component;

import dev.dawg.platform.config.DawgProperties;

/**
 * What the next patch of a project most likely starts from: the version this node wrote last, as its metadata, its
 * document's text and that document already parsed. An autosaving client patches the version it wrote a moment ago,
 * so its patch then reads nothing from the database before its conditional write, and parses nothing: parsing 50 KB
 * into a tree was the largest part of a small patch's work. A base is taken (removed) by the patch that uses it,
 * because the patch edits the tree in place; a failed patch loses it, and the next one parses again. A version never
 * changes, so a base cannot be stale but for its social counters, which a patch may only test (a test of a count
 * answers from the count as this node last wrote it).
 */
@Component
class PatchBases {

    /** A version's metadata (no document), document text and parsed document, owned by whoever holds the base. */
    record Base(Project head, String document, JsonNode tree) {
    }

    private final Cache<UUID, Base> bases;

    PatchBases(DawgProperties properties, MeterRegistry meters) {
        this.bases = Caffeine.newBuilder()
                // DAWG_PROJECT_PATCH_BASES_SIZE: a parsed tree takes about 8 bytes of heap per byte of its JSON text, and
                // the text is kept too, so 32 MB holds some 60 projects of 50 KB being autosaved on this node.
                .maximumWeight(properties.projects().patchBasesSize().toBytes())
                .weigher((UUID id, Base base) -> 10 * base.document().length() + 64)
                .expireAfterAccess(java.time.Duration.ofMinutes(10))
                .recordStats()
                .build();
        CaffeineCacheMetrics.monitor(meters, bases, "projectPatchBases");
    }

    /** The base of {@code projectId} at {@code version}, removed so that no one else edits its tree; null if none. */
    Base take(UUID projectId, int version) {
        Base base = bases.asMap().remove(projectId);
        return base != null && base.head().version() == version ? base : null;
    }

    /** Keeps what {@code written} (a project at its new version, without its document) was patched into. */
    void keep(Project written, String document, JsonNode tree) {
        bases.asMap().merge(written.id(), new Base(written.withData(null), document, tree),
                (kept, offered) -> kept.head().version() >= offered.head().version() ? kept : offered);
    }

    /** Forgets every base (for tests that start from the database). */
    void forgetAll() {
        bases.invalidateAll();
    }
}
