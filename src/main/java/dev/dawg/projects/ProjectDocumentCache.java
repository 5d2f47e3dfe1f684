package dev.dawg.projects;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;

import org.springframework.stereotype.Component;

import dev.dawg.platform.config.DawgProperties;

/**
 * Project documents by project and version, as the UTF-8 bytes answered to clients. A version's document
 * never changes, so a cached copy can never be stale and needs no invalidation across nodes; a read still
 * asks the database for the current version (and the access facts), just not for the document.
 */
@Component
class ProjectDocumentCache {

    /** The document of one version of one project. */
    record Key(UUID projectId, int version) {
    }

    private final Cache<Key, byte[]> documents;

    ProjectDocumentCache(DawgProperties properties, MeterRegistry meters) {
        this.documents = Caffeine.newBuilder()
                .maximumWeight(properties.projects().documentCacheSize().toBytes())
                .weigher((Key key, byte[] document) -> document.length + 64)
                .recordStats()
                .build();
        CaffeineCacheMetrics.monitor(meters, documents, "projectDocuments");
    }

    byte[] get(UUID projectId, int version) {
        return documents.getIfPresent(new Key(projectId, version));
    }

    /** Remembers (and returns) the bytes of a project's document at its version. */
    byte[] remember(Project project) {
        byte[] bytes = project.projectData().getBytes(StandardCharsets.UTF_8);
        documents.put(new Key(project.id(), project.version()), bytes);
        return bytes;
    }

    /** Forgets every document, as a node that has just started holds none (for tests that read from the database). */
    void forgetAll() {
        documents.invalidateAll();
    }
}
