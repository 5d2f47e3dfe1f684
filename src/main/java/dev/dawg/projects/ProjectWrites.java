package dev.dawg.projects;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

import dev.dawg.auth.CurrentUser;
import dev.dawg.events.Activity;
import dev.dawg.events.ActivityNotifier;
import dev.dawg.events.ProjectDeleted;
import dev.dawg.events.ProjectEvent;
import dev.dawg.events.ProjectEventPublisher;
import dev.dawg.platform.config.DawgProperties;
import dev.dawg.platform.web.ApiProblem;
import dev.dawg.sharing.ProjectAccess;
import dev.dawg.sharing.ProjectAccess.Grant;
import dev.dawg.sharing.Visibility;

/**
 * Every write of a project, whichever route asks for it. A write stores its version (conditional on the version the
 * writer holds), then keeps this node's caches true to it (the changed metadata dropped at once, so the writer reads
 * their own write here; the new document remembered), publishes what happened, and sets old history pruning now and
 * then. Access and the write budget are checked by the routes, before a write gets here.
 */
@Component
public class ProjectWrites {

    /**
     * How many times an unconditional save ({@link #saveNamed}) tries its conditional write before it gives up with
     * the 409 of the last try: each try loses only to a write that landed in between, so running out of tries means
     * that many writers are saving this project at this moment.
     */
    static final int UNCONDITIONAL_TRIES = 8;

    /** A project as written, with its document as the bytes answered (and cached). */
    public record Written(Project project, byte[] document) {
    }

    private final ProjectStore store;
    private final ProjectMetadataCache metadata;
    private final ProjectDocumentCache documents;
    private final ProjectResponses responses;
    private final HistoryPruner pruner;
    private final PatchBases bases;
    private final ProjectEventPublisher events;
    private final ActivityNotifier notifier;
    private final ApplicationEventPublisher localEvents;
    private final JsonMapper json;
    private final long maxDataBytes;

    ProjectWrites(ProjectStore store, ProjectMetadataCache metadata, ProjectDocumentCache documents, ProjectResponses responses,
            HistoryPruner pruner, PatchBases bases, ProjectEventPublisher events, ActivityNotifier notifier,
            ApplicationEventPublisher localEvents, JsonMapper json, DawgProperties properties) {
        this.store = store;
        this.metadata = metadata;
        this.documents = documents;
        this.responses = responses;
        this.pruner = pruner;
        this.bases = bases;
        this.events = events;
        this.notifier = notifier;
        this.localEvents = localEvents;
        this.json = json;
        this.maxDataBytes = properties.projects().maxDataSize().toBytes();
    }

    /** A new project of the user's at version 1; {@code label} names that version. */
    Mono<Written> create(CurrentUser user, ProjectInput input, String label) {
        return store.create(user.id(), input, label).map(this::remembered);
    }

    /**
     * A new project of the user's from the writable members of a body ({@code rawData}: its document as sent),
     * validated; {@code projectData} may be left out (an empty document).
     */
    public Mono<Written> create(CurrentUser user, ObjectNode members, byte[] rawData) {
        return Mono.fromSupplier(() -> ProjectInput.read(members, rawData, ProjectInput.Data.OPTIONAL, maxDataBytes, json))
                .flatMap(input -> create(user, input, null));
    }

    /**
     * Saves the members {@code named} (with {@code rawData}, the document as sent, if it was) over the project as it
     * is now, without a version from the writer: what a client that holds no version (the DAWG web client's
     * autosave) saves. It is still the conditional write of {@link #save}, based on the version just read, so it
     * stores a version in history and publishes {@code project:updated} like any write; when another write lands
     * in between, it reads again and tries again ({@link #UNCONDITIONAL_TRIES} in all), so of writers saving at once
     * each lands as a version of its own, the last to land current. Members left out keep their stored value.
     */
    public Mono<Written> saveNamed(Grant grant, ObjectNode named, byte[] rawData) {
        boolean documentSent = rawData != null || named.has("projectData");
        return Mono.defer(() -> (documentSent ? store.find(grant.projectId()) : current(grant.projectId()))
                        .switchIfEmpty(Mono.error(ProjectAccess::notFound))
                        .flatMap(current -> save(grant, current.version(),
                                ProjectInput.over(current, named, rawData, maxDataBytes, json), null, null)))
                .retryWhen(Retry.max(UNCONDITIONAL_TRIES - 1).filter(ProjectWrites::lostTheRace)
                        .onRetryExhaustedThrow((spec, signal) -> signal.failure()));
    }

    private static boolean lostTheRace(Throwable failure) {
        return failure instanceof ApiProblem problem && Preconditions.VERSION_CONFLICT.equals(problem.code());
    }

    /** The owner's private copy of {@code original}. */
    Mono<Written> duplicate(CurrentUser user, Project original) {
        return create(user, copyOf(original, " (copy)"), null);
    }

    /**
     * The caller's private remix of the project on the grant (read with its document), with the remixer's {@code note}
     * stored in the same statement, counted on the original and announced to its watchers ({@code project:remixed}).
     * Access (remix level) and the creation budget are checked by the routes.
     */
    public Mono<Written> remix(Grant grant, RemixNote note) {
        return store.findWithData(grant.projectId())
                .switchIfEmpty(Mono.error(ProjectAccess::notFound))
                .flatMap(original -> remix(grant.user(), original, note));
    }

    private Mono<Written> remix(CurrentUser user, Project original, RemixNote note) {
        return store.create(user.id(), copyOf(original, " (remix)"), original.id(), note, null)
                .doOnNext(remix -> metadata.changed(original.id()))
                .flatMap(remix -> store.currentRemixCount(original.id())
                        .flatMap(count -> events.publish(ProjectEvent.projectRemixed(original.id(), original.ownerId(),
                                ProjectEvent.Actor.of(user), remix.id(), count)))
                        .doOnSuccess(done -> notifier.tell(Activity.remixed(user.id(), original.ownerId(), original.id())))
                        .then(Mono.fromSupplier(() -> remembered(remix))));
    }

    /**
     * Applies {@code patch} to the project as it is now and saves the result like a PUT. Reading the document, patching
     * it and checking the result run off the event loop when large ({@link PatchWork}). When this node wrote the
     * version patched, it patches what it kept of it ({@link PatchBases}): nothing is read or parsed first.
     */
    Mono<Written> patch(Grant grant, ProjectPatch patch, String label) {
        Mono<ProjectPatch.Patched> patched = Mono.defer(() -> {
            PatchBases.Base base = bases.take(grant.projectId(), patch.expectedVersion());
            if (base != null) {
                Project current = base.head().withData(base.document());
                return PatchWork.run(patch.cost(current), () -> applied(patch, current, responses.tree(base.head(), base.tree())));
            }
            return current(grant.projectId())
                    .switchIfEmpty(Mono.error(ProjectAccess::notFound))
                    .flatMap(current -> current.version() != patch.expectedVersion() ? Mono.error(Preconditions.conflict(current.version()))
                            : PatchWork.run(patch.cost(current), () -> applied(patch, current,
                                    responses.tree(current, json.readTree(current.projectData())))));
        });
        return patched.flatMap(result -> save(grant, patch.expectedVersion(), result.input(), label, patch,
                        DocumentDelta.of(patch, result.input().projectData(), json), result.documentChecked())
                .doOnNext(written -> bases.keep(written.project(), result.input().projectData(), result.document())));
    }

    /** {@code patch} applied to {@code tree}, the whole of {@code current} (whose document it holds parsed), given up to it. */
    private ProjectPatch.Patched applied(ProjectPatch patch, Project current, ObjectNode tree) {
        ProjectPatch.Patched patched = patch.applyTo(tree, utf8Length(current.projectData()), maxDataBytes, json);
        // A patch that leaves the document keeps the stored text, which was checked when written.
        return patch.touchesDocument() ? patched
                : new ProjectPatch.Patched(patched.input().withData(current.projectData()), true, patched.document());
    }

    /**
     * The length of {@code text} in UTF-8, at most (a lone surrogate counts two bytes), without encoding it. Our own:
     * Guava's {@code Utf8.encodedLength} throws on a lone surrogate, and Guava is here only through MinIO.
     */
    static long utf8Length(String text) {
        long bytes = text.length();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= 0x80) {
                bytes += c < 0x800 || Character.isSurrogate(c) ? 1 : 2;
            }
        }
        return bytes;
    }

    /**
     * A new version whose content is that of {@code version}. Based on {@code ifMatch} when sent, else on the version
     * current now, still conditionally: a concurrent write wins or loses cleanly (409), never overwritten silently.
     */
    Mono<Written> restore(Grant grant, int version, Integer ifMatch, String label) {
        return store.find(grant.projectId())
                .switchIfEmpty(Mono.error(ProjectAccess::notFound))
                .flatMap(current -> store.version(current, version)
                        .switchIfEmpty(Mono.error(() -> versionNotFound(version)))
                        .flatMap(found -> save(grant, ifMatch != null ? ifMatch : current.version(),
                                ProjectInput.of(found.getT2(), found.getT2().title(), null), label, null)));
    }

    /** Labels (or, with null, unlabels) a version: labelled versions are kept forever. */
    Mono<ProjectStore.VersionSummary> label(Grant grant, int version, String label) {
        return store.label(grant.projectId(), version, label)
                .switchIfEmpty(Mono.error(() -> ApiProblem.notFound("Version " + version + " not found")));
    }

    /** Deletes the project (its assets follow) and has live subscribers re-check their access. */
    public Mono<Void> delete(Grant grant) {
        return store.softDelete(grant.projectId())
                .doOnNext(deleted -> {
                    metadata.changed(grant.projectId());
                    if (deleted) {
                        localEvents.publishEvent(new ProjectDeleted(grant.projectId()));
                    }
                })
                .flatMap(deleted -> deleted ? accessChanged(grant) : Mono.error(ProjectAccess.notFound()));
    }

    /** A project's social counters (likes, comments) changed in its row: this node's copy of its metadata is stale. */
    public void socialCountersChanged(UUID projectId) {
        metadata.changed(projectId);
    }

    /** A play was counted: see {@link ProjectMetadataCache#playCounted}, which keeps the metadata rather than drop it. */
    public void playCounted(UUID projectId, long playCount) {
        metadata.playCounted(projectId, playCount);
    }

    static ApiProblem versionNotFound(int version) {
        return ApiProblem.notFound("Version " + version + " not found (it may have been pruned)");
    }

    /**
     * Stores the next version if the project is still at {@code expected} (409 if not), publishes
     * {@code project:updated} (with the patch, if the write was one) and sets old snapshots pruning now and then.
     */
    Mono<Written> save(Grant grant, int expected, ProjectInput input, String label, ProjectPatch patch) {
        return save(grant, expected, input, label, patch, null, false);
    }

    /**
     * The same, with the version stored in history as {@code delta} when it may be, and the document stored without
     * PostgreSQL's jsonb check when {@code documentChecked} ({@link ProjectStore#update}).
     */
    Mono<Written> save(Grant grant, int expected, ProjectInput input, String label, ProjectPatch patch, DocumentDelta delta,
            boolean documentChecked) {
        if (input.visibility() != null && input.visibility() != grant.visibility() && !grant.isOwner()) {
            return Mono.error(ApiProblem.forbidden("Only the project's owner may change its visibility"));
        }
        return store.update(grant.projectId(), expected, input, grant.user().id(), label, delta, documentChecked)
                .switchIfEmpty(Mono.defer(() -> store.currentVersion(grant.projectId())
                        .switchIfEmpty(Mono.error(ProjectAccess::notFound))
                        .flatMap(current -> Mono.error(Preconditions.conflict(current)))))
                // Each statement commits by itself: once its answer is here, this node's copy of the metadata is stale.
                .doOnNext(updated -> metadata.changed(updated.id()))
                .flatMap(updated -> announce(grant, updated, patch).then(Mono.fromSupplier(() -> remembered(updated))))
                .doOnNext(written -> pruner.afterWrite(written.project()));
    }

    /** {@code project:updated}, after {@code access:changed} when the visibility changed so that whoever it shut out does not receive it. */
    private Mono<Void> announce(Grant grant, Project updated, ProjectPatch patch) {
        Mono<Void> accessChanged = updated.visibility() != grant.visibility() ? accessChanged(grant) : Mono.empty();
        return accessChanged.then(events.publish(ProjectEvent.projectUpdated(updated.id(), updated.ownerId(),
                ProjectEvent.Actor.of(grant.user()), updated.version(), patch == null ? null : patch.body(),
                patch == null ? null : patch.type())));
    }

    /** Live subscribers re-check their access (visibility changed, project deleted) before anything more. */
    private Mono<Void> accessChanged(Grant grant) {
        return events.publish(ProjectEvent.accessChanged(grant.projectId(), grant.ownerId()));
    }

    /**
     * The project with its document, for a patch. An autosaving client patches the version it wrote last, whose
     * document this node usually still holds: then only the (small) metadata is read, not the document.
     */
    private Mono<Project> current(UUID id) {
        return store.findForRead(id, null, false).flatMap(found -> {
            Project head = found.getT1();
            byte[] document = documents.get(id, head.version());
            return document != null ? Mono.just(head.withData(new String(document, StandardCharsets.UTF_8)))
                    : store.findWithData(id);
        });
    }

    private Written remembered(Project project) {
        return new Written(project, documents.remember(project));
    }

    private static ProjectInput copyOf(Project original, String suffix) {
        String title = original.title().length() + suffix.length() <= 200 ? original.title() + suffix : original.title();
        return ProjectInput.of(original, title, Visibility.PRIVATE);
    }
}
