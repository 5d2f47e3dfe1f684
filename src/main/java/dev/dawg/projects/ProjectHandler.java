package dev.dawg.projects;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

import reactor.core.publisher.Mono;
import reactor.util.function.Tuple2;
import reactor.util.function.Tuples;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

import dev.dawg.auth.Callers;
import dev.dawg.auth.CurrentUser;
import dev.dawg.auth.Scope;
import dev.dawg.platform.config.DawgProperties;
import dev.dawg.platform.web.ApiProblem;
import dev.dawg.platform.web.Ids;
import dev.dawg.platform.web.JsonBodies;
import dev.dawg.projects.patch.JsonEquality;
import dev.dawg.projects.patch.JsonMergePatch;
import dev.dawg.projects.patch.JsonPatch;
import dev.dawg.projects.patch.PatchException;
import dev.dawg.events.ProjectEvent;
import dev.dawg.events.ProjectEventPublisher;
import dev.dawg.sharing.AccessLevel;
import dev.dawg.sharing.ProjectAccess;
import dev.dawg.sharing.ProjectAccess.ShareFacts;

/**
 * Create, read, replace, patch and delete one project. Reads pass the stored document through untouched;
 * writes are conditional on the version the client holds (If-Match) and publish {@code project:updated}.
 */
@Component
class ProjectHandler {

    /** What a patched project may hold besides its projectData (title, description, tags...), while it is patched. */
    static final long DOCUMENT_ROOM = 1024 * 1024;
    static final MediaType MERGE_PATCH = MediaType.parseMediaType("application/merge-patch+json");
    static final MediaType JSON_PATCH = MediaType.parseMediaType("application/json-patch+json");

    private final ProjectStore store;
    private final ProjectResponses responses;
    private final ProjectDocumentCache documents;
    private final ProjectMetadataCache heads;
    private final ProjectAccess access;
    private final ProjectEventPublisher events;
    private final Callers callers;
    private final JsonBodies bodies;
    private final JsonMapper json;
    private final HistoryPruner pruner;
    private final ProjectWriteBudget budget;
    private final long maxDataBytes;

    ProjectHandler(ProjectStore store, ProjectResponses responses, ProjectDocumentCache documents, ProjectMetadataCache heads, ProjectAccess access,
            ProjectEventPublisher events, Callers callers, JsonBodies bodies, JsonMapper json, HistoryPruner pruner, ProjectWriteBudget budget,
            DawgProperties properties) {
        this.store = store;
        this.responses = responses;
        this.documents = documents;
        this.heads = heads;
        this.access = access;
        this.events = events;
        this.callers = callers;
        this.bodies = bodies;
        this.json = json;
        this.pruner = pruner;
        this.budget = budget;
        this.maxDataBytes = properties.projects().maxDataSize().toBytes();
    }

    Mono<ServerResponse> create(ServerRequest request) {
        return budget.create(request, user -> bodies.objectKeepingRaw(request, "projectData").flatMap(read -> {
            ObjectNode body = read.members();
            String label = label(request, body);
            ProjectInput content = ProjectInput.read(body, read.raw(), Set.of(), ProjectInput.Data.OPTIONAL, maxDataBytes, json);
            return store.create(user.id(), content, null, label)
                    .flatMap(project -> created(project));
        }));
    }

    /**
     * One light query for the version and the access facts; the document comes from the per-node cache of
     * immutable versions, or (on a miss) from a second query that also refreshes the facts.
     */
    Mono<ServerResponse> get(ServerRequest request) {
        return Ids.parse(request.pathVariable("id"), "Project").flatMap(id -> reader(request).flatMap(caller -> {
            int known = Preconditions.ifNoneMatch(request);
            String shareToken = ProjectAccess.shareToken(request);
            return head(id, shareToken)
                    .switchIfEmpty(Mono.error(ProjectAccess::notFound))
                    .flatMap(found -> {
                        Project project = found.getT1();
                        access.decide(caller, id, project.ownerId(), project.visibility(), found.getT2().orElse(null));
                        if (project.version() == known) {
                            return notModified(project);
                        }
                        byte[] cached = documents.get(id, project.version());
                        if (cached != null) {
                            return ok(project, cached);
                        }
                        return store.findForRead(id, shareToken, true)
                                .switchIfEmpty(Mono.error(ProjectAccess::notFound))
                                .flatMap(fresh -> {
                                    Project full = fresh.getT1();
                                    access.decide(caller, id, full.ownerId(), full.visibility(), fresh.getT2().orElse(null));
                                    return full.version() == known ? notModified(full) : ok(full, documents.remember(full));
                                });
                    });
        }));
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
        return heads.get(id, () -> store.findForRead(id, null, false).map(Tuple2::getT1))
                .map(project -> Tuples.of(project, Optional.<ShareFacts>empty()));
    }

    private static Mono<ServerResponse> notModified(Project project) {
        return ServerResponse.status(HttpStatus.NOT_MODIFIED).eTag(project.etag())
                .header(HttpHeaders.CACHE_CONTROL, "private, no-cache").build();
    }

    Mono<ServerResponse> replace(ServerRequest request) {
        // The document is kept as the bytes sent (validated, not rebuilt): an autosave PUT carries all of it.
        return writing(request, write -> bodies.objectKeepingRaw(request, "projectData").flatMap(read -> {
            ObjectNode body = read.members();
            int expected = Preconditions.expectedVersion(request, body);
            String label = label(request, body);
            ProjectInput content = ProjectInput.read(body, read.raw(), Set.of(), ProjectInput.Data.REQUIRED, maxDataBytes, json);
            return save(write, expected, content, label, null, null);
        }));
    }

    Mono<ServerResponse> patch(ServerRequest request) {
        MediaType type = request.headers().contentType().orElse(null);
        boolean merge = type != null && MERGE_PATCH.isCompatibleWith(type);
        boolean jsonPatch = type != null && JSON_PATCH.isCompatibleWith(type);
        if (!merge && !jsonPatch) {
            return Mono.error(ApiProblem.unsupportedMediaType("Send the patch as " + MERGE_PATCH + " (RFC 7396) or " + JSON_PATCH + " (RFC 6902)"));
        }
        return writing(request, write -> bodies.bytes(request).flatMap(bytes -> PatchWork.run(bytes.length, () -> parse(bytes))
                .flatMap(patch -> {
            int expected;
            if (merge) {
                if (!patch.isObject()) {
                    throw ApiProblem.malformed("A merge patch of a project must be a JSON object");
                }
                expected = Preconditions.expectedVersion(request, (ObjectNode) patch);
            }
            else {
                Integer ifMatch = Preconditions.ifMatch(request);
                if (ifMatch == null) {
                    throw Preconditions.required();
                }
                expected = ifMatch;
            }
            JsonPatch operations = merge ? null : parsePatch(patch);
            String label = label(request, null);
            return current(write.projectId())
                    .switchIfEmpty(Mono.error(ProjectAccess::notFound))
                    .flatMap(current -> {
                        if (current.version() != expected) {
                            return Mono.error(Preconditions.conflict(current.version()));
                        }
                        // Parsing the document, patching it and checking the result: off the event loop when large.
                        long input = bytes.length + (current.projectData() == null ? 0 : current.projectData().length());
                        return PatchWork.run(merge ? input : PatchWork.cost(operations, input), () -> patched(current, merge ? null : operations, merge ? patch : null))
                                .flatMap(content -> save(write, expected, content, label, patch, merge ? "merge-patch" : "json-patch"));
                    });
        })));
    }

    /**
     * The project with its document, for a patch. An autosaving client patches the version it wrote last, whose
     * document this node usually still holds: then only the (small) head is read, not the document.
     */
    private Mono<Project> current(UUID id) {
        return store.findForRead(id, null, false).flatMap(found -> {
            Project head = found.getT1();
            byte[] document = documents.get(id, head.version());
            return document != null ? Mono.just(head.withData(new String(document, StandardCharsets.UTF_8)))
                    : store.findWithData(id);
        });
    }

    Mono<ServerResponse> delete(ServerRequest request) {
        return callers.required(request, Scope.PROJECTS_WRITE)
                .flatMap(user -> access.grantOnPath(request, AccessLevel.OWNER))
                .flatMap(grant -> store.softDelete(grant.projectId())
                        .flatMap(deleted -> deleted ? accessChanged(grant).then(ServerResponse.noContent().build())
                                : Mono.error(ProjectAccess.notFound())));
    }

    /** A write in progress: who writes, and what the access rule granted them on which project. */
    record Write(CurrentUser user, ProjectAccess.Grant grant) {

        UUID projectId() {
            return grant.projectId();
        }
    }

    /**
     * Runs {@code action} as the signed-in caller (API keys need projects:write) with edit access to the project in
     * the path, once the write is within the caller's budget of project writes.
     */
    Mono<ServerResponse> writing(ServerRequest request, Function<Write, Mono<ServerResponse>> action) {
        return budget.write(request, user -> access.grantOnPath(request, AccessLevel.EDIT).flatMap(grant -> action.apply(new Write(user, grant))));
    }

    /**
     * Stores the next version if the project is still at {@code expected}, publishes {@code project:updated},
     * answers the new state and sets old snapshots pruning now and then (without waiting for it).
     */
    Mono<ServerResponse> save(Write write, int expected, ProjectInput content, String label, JsonNode patch, String patchType) {
        ProjectAccess.Grant grant = write.grant();
        if (content.visibility() != null && content.visibility() != grant.visibility() && !grant.isOwner()) {
            return Mono.error(ApiProblem.forbidden("Only the project's owner may change its visibility"));
        }
        return store.update(grant.projectId(), expected, content, write.user().id(), label)
                .switchIfEmpty(Mono.defer(() -> store.currentVersion(grant.projectId())
                        .switchIfEmpty(Mono.error(ProjectAccess::notFound))
                        .flatMap(current -> Mono.error(Preconditions.conflict(current)))))
                // Before this write's event, so that whoever it shut out does not receive it.
                .flatMap(updated -> (updated.visibility() != grant.visibility() ? accessChanged(grant) : Mono.<Void>empty())
                        .then(events.publish(ProjectEvent.projectUpdated(updated.id(), updated.ownerId(), ProjectEvent.Actor.of(write.user()),
                                updated.version(), patch, patchType)))
                        .then(ok(updated))
                        .doOnSuccess(answer -> pruner.afterWrite(updated)));
    }

    /** Live subscribers re-check their access (visibility changed, project deleted) before anything more. */
    private Mono<Void> accessChanged(ProjectAccess.Grant grant) {
        return events.publish(ProjectEvent.accessChanged(grant.projectId(), grant.ownerId()));
    }


    Mono<ServerResponse> ok(Project project) {
        return ok(project, documents.remember(project));
    }

    private Mono<ServerResponse> ok(Project project, byte[] document) {
        ProjectResponses.Body body = responses.full(project, document);
        return ServerResponse.ok()
                .contentType(MediaType.APPLICATION_JSON)
                .contentLength(body.contentLength())
                .eTag(project.etag())
                .header(HttpHeaders.CACHE_CONTROL, "private, no-cache")
                .body(BodyInserters.fromDataBuffers(body.parts()));
    }

    Mono<ServerResponse> created(Project project) {
        ProjectResponses.Body body = responses.full(project, documents.remember(project));
        return ServerResponse.created(URI.create("/api/projects/" + project.id()))
                .contentType(MediaType.APPLICATION_JSON)
                .contentLength(body.contentLength())
                .eTag(project.etag())
                .body(BodyInserters.fromDataBuffers(body.parts()));
    }

    /** The caller of a read, if any; an API key needs projects:read. */
    Mono<Optional<CurrentUser>> reader(ServerRequest request) {
        return callers.optional(request).map(caller -> {
            caller.ifPresent(user -> user.require(Scope.PROJECTS_READ));
            return caller;
        });
    }

    /** The project after the patch, validated like a PUT; the server's own members must come out unchanged. */
    private ProjectInput patched(Project current, JsonPatch operations, JsonNode mergePatch) {
        ObjectNode before = responses.tree(current);
        JsonNode after;
        try {
            // The document is bounded while the patch is applied (a copy of a copy doubles it), not only after.
            after = operations != null ? operations.apply(before, maxDataBytes + DOCUMENT_ROOM) : JsonMergePatch.apply(before, mergePatch);
        }
        catch (PatchException ex) {
            throw ex.reason() == PatchException.Reason.TOO_LARGE ? problem(ex).with("limitBytes", maxDataBytes) : problem(ex);
        }
        if (!(after instanceof ObjectNode result)) {
            throw ApiProblem.validation("", "the patched project must stay a JSON object");
        }
        java.util.List<ApiProblem.FieldError> changed = new java.util.ArrayList<>();
        for (String name : ProjectInput.READ_ONLY) {
            JsonNode was = before.get(name);
            JsonNode now = result.get(name);
            boolean same = was == null ? now == null : now != null && JsonEquality.equivalent(was, now);
            if (!same) {
                changed.add(new ApiProblem.FieldError(name, "is read-only and cannot be changed"));
            }
            result.remove(name);
        }
        if (!changed.isEmpty()) {
            throw ApiProblem.validation(changed);
        }
        return ProjectInput.read(result, Set.of(), ProjectInput.Data.REQUIRED, maxDataBytes, json);
    }

    private JsonNode parse(byte[] bytes) {
        try {
            return json.readTree(bytes);
        }
        catch (JacksonException ex) {
            throw ApiProblem.malformed("The patch is not valid JSON (" + ex.getOriginalMessage() + ")");
        }
    }

    private static JsonPatch parsePatch(JsonNode patch) {
        try {
            return JsonPatch.parse(patch);
        }
        catch (PatchException ex) {
            throw problem(ex);
        }
    }

    static ApiProblem problem(PatchException ex) {
        ApiProblem problem = switch (ex.reason()) {
            case MALFORMED_PATCH -> ApiProblem.malformed(ex.getMessage());
            case TEST_FAILED -> ApiProblem.of(HttpStatus.CONFLICT, "CONFLICT", ex.getMessage());
            case PATH_NOT_FOUND, INVALID_TARGET -> ApiProblem.of(HttpStatus.valueOf(422), "UNPROCESSABLE", ex.getMessage());
            case TOO_LARGE -> ApiProblem.payloadTooLarge(ex.getMessage());
        };
        ex.operationIndex().ifPresent(index -> problem.with("operationIndex", index));
        ex.pointer().ifPresent(pointer -> problem.with("path", pointer));
        return problem;
    }

    /** A version label from {@code ?label=} or a {@code label} member of the body (taken out of it). */
    static String label(ServerRequest request, ObjectNode body) {
        JsonNode fromBody = body == null ? null : body.remove("label");
        String value = request.queryParam("label").orElse(null);
        if (fromBody != null && !fromBody.isNull()) {
            if (!fromBody.isString()) {
                throw ApiProblem.validation("label", "must be a string");
            }
            value = fromBody.stringValue();
        }
        if (value == null) {
            return null;
        }
        value = value.trim();
        if (value.isEmpty() || value.length() > 100) {
            throw ApiProblem.validation("label", "must be 1 to 100 characters");
        }
        return value;
    }
}
