package dev.dawg.projects;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import reactor.core.publisher.Mono;

import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

import dev.dawg.platform.web.ApiProblem;
import dev.dawg.platform.web.Ids;
import dev.dawg.platform.web.JsonBodies;
import dev.dawg.platform.web.JsonFields;
import dev.dawg.platform.web.Pages;
import dev.dawg.sharing.AccessLevel;
import dev.dawg.sharing.ProjectAccess;

/** A project's version history: list, fetch a snapshot, label it, and restore it as a new version. */
@Component
class ProjectHistoryHandler {

    private final ProjectStore store;
    private final ProjectHandler projects;
    private final ProjectResponses responses;
    private final ProjectAccess access;
    private final JsonBodies bodies;

    ProjectHistoryHandler(ProjectStore store, ProjectHandler projects, ProjectResponses responses, ProjectAccess access, JsonBodies bodies) {
        this.store = store;
        this.projects = projects;
        this.responses = responses;
        this.access = access;
        this.bodies = bodies;
    }

    Mono<ServerResponse> list(ServerRequest request) {
        int limit = Pages.limit(request);
        List<String> cursor = Pages.cursor(request, 1);
        Integer before = cursor == null ? null : versionNumber(cursor.get(0), "cursor");
        return readable(request)
                .flatMap(grant -> store.versions(grant.projectId(), before, limit + 1).map(ProjectHistoryHandler::view).collectList())
                .flatMap(found -> ServerResponse.ok().bodyValue(
                        Pages.keysetBody(found, limit, last -> Pages.encodeCursor(String.valueOf(last.get("version"))))));
    }

    Mono<ServerResponse> get(ServerRequest request) {
        int version = versionNumber(request.pathVariable("version"), null);
        return readable(request)
                .flatMap(grant -> store.find(grant.projectId()))
                .switchIfEmpty(Mono.error(ProjectAccess::notFound))
                .flatMap(current -> store.version(current, version))
                .switchIfEmpty(Mono.error(() -> ApiProblem.notFound("Version " + version + " not found (it may have been pruned)")))
                .flatMap(found -> {
                    Map<String, Object> head = new LinkedHashMap<>(responses.summary(found.getT2()));
                    head.put("authorId", found.getT1().authorId());
                    head.put("sizeBytes", found.getT1().sizeBytes());
                    head.put("label", found.getT1().label());
                    return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON)
                            .eTag("\"v" + version + "\"")
                            .bodyValue(responses.splice(head, found.getT2().projectData()));
                });
    }

    /** {@code PATCH .../versions/{v}} with {@code {"label": "..."}} (null removes it): labelled versions are kept forever. */
    Mono<ServerResponse> label(ServerRequest request) {
        int version = versionNumber(request.pathVariable("version"), null);
        return projects.writing(request, write -> bodies.object(request).flatMap(body -> {
            JsonFields fields = JsonFields.of(body).allowOnly(Set.of("label"));
            if (!fields.has("label")) {
                fields.reject("label", "is required (null removes the label)");
            }
            String label = fields.optionalString("label", 1, 100).map(String::trim).orElse(null);
            fields.validate();
            return store.label(write.projectId(), version, label)
                    .switchIfEmpty(Mono.error(() -> ApiProblem.notFound("Version " + version + " not found")))
                    .flatMap(summary -> ServerResponse.ok().bodyValue(view(summary)));
        }));
    }

    /**
     * Makes a new version whose content equals version {@code v}. If-Match is honoured when sent; without it
     * the restore is based on the version current now, still conditionally, so a concurrent write wins or loses
     * cleanly (409) and is never overwritten silently.
     */
    Mono<ServerResponse> restore(ServerRequest request) {
        int version = versionNumber(request.pathVariable("version"), null);
        Integer ifMatch = Preconditions.ifMatch(request);
        String label = ProjectHandler.label(request, null);
        return projects.writing(request, write -> store.find(write.projectId())
                .switchIfEmpty(Mono.error(ProjectAccess::notFound))
                .flatMap(current -> store.version(current, version)
                        .switchIfEmpty(Mono.error(() -> ApiProblem.notFound("Version " + version + " not found (it may have been pruned)")))
                        .flatMap(found -> {
                            Project snapshot = found.getT2();
                            ProjectInput content = new ProjectInput(snapshot.title(), snapshot.description(), snapshot.tags(),
                                    snapshot.bpm(), snapshot.keySignature(), snapshot.timeSignature(), null, snapshot.projectData());
                            int expected = ifMatch != null ? ifMatch : current.version();
                            return projects.save(write, expected, content, label, null, null);
                        })));
    }

    private Mono<ProjectAccess.Grant> readable(ServerRequest request) {
        return Ids.parse(request.pathVariable("id"), "Project")
                .flatMap(id -> projects.reader(request).flatMap(caller -> access.grant(caller, id, ProjectAccess.shareToken(request))))
                .map(grant -> grant.require(AccessLevel.VIEW));
    }

    private static Map<String, Object> view(ProjectStore.VersionSummary summary) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("version", summary.version());
        view.put("createdAt", summary.createdAt());
        view.put("authorId", summary.authorId());
        view.put("sizeBytes", summary.sizeBytes());
        view.put("label", summary.label());
        return view;
    }

    private static int versionNumber(String raw, String field) {
        try {
            int version = Integer.parseInt(raw);
            if (version >= 1) {
                return version;
            }
        }
        catch (NumberFormatException ignored) {
            // Falls through to the same answer as a version that never existed.
        }
        throw field == null ? ApiProblem.notFound("Version not found") : ApiProblem.validation(field, "is not a cursor this list gave out");
    }
}
