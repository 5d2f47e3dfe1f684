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
 * Project documents by project and version, kept compressed ({@link DeflatedDocument}): a gzip response sends the
 * stored bytes as they are, an identity one (and a patch) inflates them. A version's document
 * never changes, so a cached copy can never be stale and needs no invalidation across nodes; a read still
 * asks the database for the current version (and the access facts), just not for the document.
 */
@Component
class ProjectDocumentCache {

    /** The document of one version of one project. */
    record Key(UUID projectId, int version) {
    }

    private final Cache<Key, DeflatedDocument> documents;

    ProjectDocumentCache(DawgProperties properties, MeterRegistry meters) {
        this.documents = Caffeine.newBuilder()
                .maximumWeight(properties.projects().documentCacheSize().toBytes())
                .weigher((Key key, DeflatedDocument document) -> document.deflated().length + 96)
                .recordStats()
                .build();
        CaffeineCacheMetrics.monitor(meters, documents, "projectDocuments");
    }

    /** The UTF-8 bytes of the document, inflated from the cached copy; null when not cached. */
    byte[] get(UUID projectId, int version) {
        DeflatedDocument document = deflated(projectId, version);
        return document == null ? null : document.inflate();
    }

    /** The cached copy as it is kept (compressed); null when not cached. */
    DeflatedDocument deflated(UUID projectId, int version) {
        return documents.getIfPresent(new Key(projectId, version));
    }

    /** Remembers (and returns) the bytes of a project's document at its version. */
    byte[] remember(Project project) {
        byte[] bytes = project.projectData().getBytes(StandardCharsets.UTF_8);
        keep(project, DeflatedDocument.of(bytes));
        return bytes;
    }

    /** Remembers a project's document at its version, and returns it as kept. */
    DeflatedDocument rememberDeflated(Project project) {
        return keep(project, DeflatedDocument.of(project.projectData().getBytes(StandardCharsets.UTF_8)));
    }

    private DeflatedDocument keep(Project project, DeflatedDocument document) {
        documents.put(new Key(project.id(), project.version()), document);
        return document;
    }

    /** Forgets every document, as a node that has just started holds none (for tests that read from the database). */
    void forgetAll() {
        documents.invalidateAll();
    }
}
