package dev.dawg.projects;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import reactor.core.publisher.Mono;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

import dev.dawg.platform.web.ApiProblem;
import dev.dawg.platform.web.JsonBodies;
import dev.dawg.platform.web.JsonFields;
import dev.dawg.platform.web.Pages;
import dev.dawg.sharing.ProjectAccess;
import dev.dawg.sharing.ProjectAccess.Grant;

/** A project's version history: list, fetch a snapshot, label it, and restore it as a new version. */
@Component
class ProjectHistoryHandler {

    private final ProjectStore store;
    private final ProjectWrites writes;
    private final ProjectResponses responses;
    private final JsonBodies bodies;

    ProjectHistoryHandler(ProjectStore store, ProjectWrites writes, ProjectResponses responses, JsonBodies bodies) {
        this.store = store;
        this.writes = writes;
        this.responses = responses;
        this.bodies = bodies;
    }

    Mono<ServerResponse> list(ServerRequest request, Grant grant) {
        int limit = Pages.limit(request);
        List<String> cursor = Pages.cursor(request, 1);
        Integer before = cursor == null ? null : versionNumber(cursor.get(0), "cursor");
        return store.versions(grant.projectId(), before, limit + 1).map(ProjectHistoryHandler::view).collectList()
                .flatMap(found -> ServerResponse.ok().bodyValue(
                        Pages.keysetBody(found, limit, last -> Pages.encodeCursor(String.valueOf(last.get("version"))))));
    }

    Mono<ServerResponse> get(ServerRequest request, Grant grant) {
        int version = versionNumber(request.pathVariable("version"), null);
        return store.find(grant.projectId())
                .switchIfEmpty(Mono.error(ProjectAccess::notFound))
                .flatMap(current -> store.version(current, version))
                .switchIfEmpty(Mono.error(() -> ProjectWrites.versionNotFound(version)))
                .flatMap(found -> ServerResponse.ok().contentType(MediaType.APPLICATION_JSON)
                        .eTag("\"v" + version + "\"")
                        .bodyValue(snapshot(found.getT1(), found.getT2())));
    }

    /** {@code PATCH .../versions/{v}} with {@code {"label": "..."}} (null removes it): labelled versions are kept forever. */
    Mono<ServerResponse> label(ServerRequest request, Grant grant) {
        int version = versionNumber(request.pathVariable("version"), null);
        return bodies.object(request)
                .flatMap(body -> writes.label(grant, version, labelOf(body)))
                .flatMap(summary -> ServerResponse.ok().bodyValue(view(summary)));
    }

    /** Makes a new version whose content equals version {@code v} ({@link ProjectWrites#restore}). */
    Mono<ServerResponse> restore(ServerRequest request, Grant grant) {
        int version = versionNumber(request.pathVariable("version"), null);
        Integer ifMatch = Preconditions.ifMatch(request);
        String label = ProjectInput.versionLabel(request, null);
        return writes.restore(grant, version, ifMatch, label).flatMap(responses::ok);
    }

    private static String labelOf(ObjectNode body) {
        JsonFields fields = JsonFields.of(body).allowOnly(Set.of("label"));
        if (!fields.has("label")) {
            fields.reject("label", "is required (null removes the label)");
        }
        String label = fields.optionalString("label", 1, 100).map(String::trim).orElse(null);
        fields.validate();
        return label;
    }

    /** A snapshot as the project it was, with who wrote it, its size and label. */
    private byte[] snapshot(ProjectStore.VersionSummary summary, Project snapshot) {
        Map<String, Object> head = new LinkedHashMap<>(responses.summary(snapshot));
        head.put("authorId", summary.authorId());
        head.put("sizeBytes", summary.sizeBytes());
        head.put("label", summary.label());
        return responses.splice(head, snapshot.projectData());
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
