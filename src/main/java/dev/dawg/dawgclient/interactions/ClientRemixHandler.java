package dev.dawg.dawgclient.interactions;

import java.net.URI;

import reactor.core.publisher.Mono;

import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

import dev.dawg.dawgclient.DawgClientProperties;
import dev.dawg.dawgclient.projects.ClientProjectView;
import dev.dawg.platform.web.JsonBodies;
import dev.dawg.projects.ProjectWrites;
import dev.dawg.projects.RemixNote;
import dev.dawg.sharing.ProjectAccess.Grant;

/**
 * The DAWG client's remix button: {@code {changesSummary, credits}} (each possibly null) in, the native remix with
 * that note, and {@code {project}} out in the projects' dialect. A bodiless call has no note, as natively.
 */
@Component
class ClientRemixHandler {

    private final ProjectWrites writes;
    private final ClientProjectView view;
    private final JsonBodies bodies;
    private final String basePath;

    ClientRemixHandler(ProjectWrites writes, ClientProjectView view, JsonBodies bodies, DawgClientProperties properties) {
        this.writes = writes;
        this.view = view;
        this.bodies = bodies;
        this.basePath = properties.path();
    }

    Mono<ServerResponse> remix(ServerRequest request, Grant grant) {
        return RemixNote.of(request, bodies).flatMap(note -> writes.remix(grant, note))
                .flatMap(written -> view.full(ServerResponse.created(URI.create(basePath + "/projects/" + written.project().id())), request,
                        written.project(), written.document()));
    }
}
