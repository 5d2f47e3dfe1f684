package dev.dawg.projects;

import java.util.Optional;

import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

import dev.dawg.auth.CurrentUser;
import dev.dawg.platform.config.DawgProperties;
import dev.dawg.platform.web.Ids;
import dev.dawg.platform.web.JsonBodies;
import dev.dawg.sharing.ProjectAccess;
import dev.dawg.sharing.ProjectAccess.Grant;

/**
 * Create, read, replace, patch and delete one project. Reads pass the stored document through untouched;
 * writes are conditional on the version the client holds (If-Match) and publish {@code project:updated}.
 */
@Component
class ProjectHandler {

    private final ProjectReads reads;
    private final ProjectWrites writes;
    private final ProjectResponses responses;
    private final JsonBodies bodies;
    private final JsonMapper json;
    private final long maxDataBytes;

    ProjectHandler(ProjectReads reads, ProjectWrites writes, ProjectResponses responses, JsonBodies bodies, JsonMapper json,
            DawgProperties properties) {
        this.reads = reads;
        this.writes = writes;
        this.responses = responses;
        this.bodies = bodies;
        this.json = json;
        this.maxDataBytes = properties.projects().maxDataSize().toBytes();
    }

    Mono<ServerResponse> create(ServerRequest request, CurrentUser user) {
        return bodies.objectKeepingRaw(request, "projectData").flatMap(read -> {
            String label = ProjectInput.versionLabel(request, read.members());
            ProjectInput input = ProjectInput.read(read.members(), read.raw(), ProjectInput.Data.OPTIONAL, maxDataBytes, json);
            return writes.create(user, input, label);
        }).flatMap(responses::created);
    }

    Mono<ServerResponse> get(ServerRequest request, Optional<CurrentUser> caller) {
        return Ids.parse(request.pathVariable("id"), "Project")
                .flatMap(id -> reads.readKept(caller, id, ProjectAccess.shareToken(request), Preconditions.ifNoneMatch(request)))
                .flatMap(read -> {
                    request.exchange().getResponse().getHeaders().add(HttpHeaders.VARY, HttpHeaders.ACCEPT_ENCODING);
                    return responses.read(read.project(), read.document(), ContentCodings.acceptsGzip(request.headers().firstHeader(HttpHeaders.ACCEPT_ENCODING)));
                });
    }

    /** The document is kept as the bytes sent (validated, not rebuilt): an autosave PUT carries all of it. */
    Mono<ServerResponse> replace(ServerRequest request, Grant grant) {
        return bodies.objectKeepingRaw(request, "projectData").flatMap(read -> {
            ObjectNode body = read.members();
            int expected = Preconditions.expectedVersion(request, body);
            String label = ProjectInput.versionLabel(request, body);
            ProjectInput input = ProjectInput.read(body, read.raw(), ProjectInput.Data.REQUIRED, maxDataBytes, json);
            return writes.save(grant, expected, input, label, null, null, DocumentCheck.plainlyStorable(read.raw(), json));
        }).flatMap(responses::ok);
    }

    /** A merge patch (RFC 7396) or JSON patch (RFC 6902), parsed off the event loop when large. */
    Mono<ServerResponse> patch(ServerRequest request, Grant grant) {
        boolean merge = ProjectPatch.isMergePatch(request);
        return bodies.bytes(request)
                .flatMap(bytes -> PatchWork.run(bytes.length, () -> ProjectPatch.parse(request, bytes, merge, json)))
                .flatMap(patch -> writes.patch(grant, patch, ProjectInput.versionLabel(request, null)))
                .flatMap(responses::ok);
    }

    Mono<ServerResponse> delete(ServerRequest request, Grant grant) {
        return writes.delete(grant).then(ServerResponse.noContent().build());
    }
}
