package dev.dawg.sharing;

import java.util.UUID;

import reactor.core.publisher.Mono;

/**
 * The document of a project at a version, from the feature that keeps documents (projects): a share link shows the
 * project it opens, but how a document is stored (a snapshot and the deltas after it) is not the sharing feature's
 * business.
 */
public interface ProjectDocuments {

    /**
     * The JSON text of the project's document at {@code version}; an error when that version is no longer stored
     * (overtaken and pruned in the meantime).
     */
    Mono<String> documentAt(UUID projectId, int version);
}
