package dev.dawg.projects;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.UUID;

import reactor.core.publisher.Mono;
import reactor.util.function.Tuple2;
import reactor.util.function.Tuples;

import org.springframework.stereotype.Component;

import dev.dawg.auth.CurrentUser;
import dev.dawg.sharing.ProjectAccess;
import dev.dawg.sharing.ProjectAccess.ShareFacts;
import dev.dawg.sharing.ProjectDocuments;

/**
 * Reads of one whole project. One light query for the version and the access facts (none at all when the metadata
 * is cached); the document comes from the per-node cache of immutable versions, or (on a miss) from a second query
 * that also refreshes the facts.
 */
@Component
public class ProjectReads implements ProjectDocuments {

    /** A project as read, with its document's bytes; null bytes when the client holds this version already. */
    public record Read(Project project, byte[] document) {
    }

    /** A project as read, with its document as cached (compressed); null when the client holds this version already. */
    record Kept(Project project, DeflatedDocument document) {
    }

    private final ProjectStore store;
    private final ProjectMetadataCache metadata;
    private final ProjectDocumentCache documents;
    private final ProjectAccess access;

    ProjectReads(ProjectStore store, ProjectMetadataCache metadata, ProjectDocumentCache documents, ProjectAccess access) {
        this.store = store;
        this.metadata = metadata;
        this.documents = documents;
        this.access = access;
    }

    /** The project, if the caller may read it (404/410 otherwise), without its document when at {@code knownVersion}. */
    public Mono<Read> read(Optional<CurrentUser> caller, UUID id, String shareToken, int knownVersion) {
        return readKept(caller, id, shareToken, knownVersion)
                .map(kept -> new Read(kept.project(), kept.document() == null ? null : kept.document().inflate()));
    }

    /** As {@link #read}, with the document as cached: compressed, for a gzip answer to send as it is. */
    Mono<Kept> readKept(Optional<CurrentUser> caller, UUID id, String shareToken, int knownVersion) {
        return head(id, shareToken)
                .switchIfEmpty(Mono.error(ProjectAccess::notFound))
                .map(found -> readable(caller, found))
                .flatMap(project -> project.version() == knownVersion ? Mono.just(new Kept(project, null))
                        : Mono.justOrEmpty(documents.deflated(id, project.version())).map(cached -> new Kept(project, cached))
                                .switchIfEmpty(Mono.defer(() -> withDocument(caller, id, shareToken, knownVersion))));
    }

    /**
     * A project's head and the facts of the share token sent, if any. Without a token (nearly every read) the
     * head may come from memory: the access rule needs nothing more than owner and visibility. A token's
     * facts (revoked, expired, level) are always read from the database, so revoking one takes effect at once.
     */
    private Mono<Tuple2<Project, Optional<ShareFacts>>> head(UUID id, String shareToken) {
        if (shareToken != null) {
            return store.findForRead(id, shareToken, false);
        }
        return metadata.get(id, () -> store.findForRead(id, null, false).map(Tuple2::getT1))
                .map(project -> Tuples.of(project, Optional.<ShareFacts>empty()));
    }

    private Mono<Kept> withDocument(Optional<CurrentUser> caller, UUID id, String shareToken, int knownVersion) {
        return store.findForRead(id, shareToken, true)
                .switchIfEmpty(Mono.error(ProjectAccess::notFound))
                .map(found -> {
                    Project project = readable(caller, found);
                    return new Kept(project, project.version() == knownVersion ? null : documents.rememberDeflated(project));
                });
    }

    /**
     * The document at {@code version}: from this node's cache, else the head's (remembered) when the project is still
     * at that version, else the version's from history. Access is the caller's to check.
     */
    @Override
    public Mono<String> documentAt(UUID projectId, int version) {
        byte[] cached = documents.get(projectId, version);
        if (cached != null) {
            return Mono.just(new String(cached, StandardCharsets.UTF_8));
        }
        return store.findWithData(projectId)
                .switchIfEmpty(Mono.error(ProjectAccess::notFound))
                .flatMap(head -> {
                    if (head.version() == version) {
                        documents.remember(head);
                        return Mono.just(head.projectData());
                    }
                    return store.version(head, version).map(found -> found.getT2().projectData())
                            .switchIfEmpty(Mono.error(() -> ProjectWrites.versionNotFound(version)));
                });
    }

    /** The project found, once the access rule lets the caller read it. */
    private Project readable(Optional<CurrentUser> caller, Tuple2<Project, Optional<ShareFacts>> found) {
        Project project = found.getT1();
        access.decide(caller, project.id(), project.ownerId(), project.visibility(), found.getT2().orElse(null));
        return project;
    }
}
