package dev.dawg.dawgclient.projects;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import reactor.core.publisher.Mono;

import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

import dev.dawg.assets.Asset;
import dev.dawg.assets.ProjectPreviews;
import dev.dawg.auth.CurrentUser;
import dev.dawg.auth.RouteAccess;
import dev.dawg.dawgclient.ClientPage;
import dev.dawg.dawgclient.ClientPreviews;
import dev.dawg.dawgclient.DawgClientProperties;
import dev.dawg.platform.web.ApiProblem;
import dev.dawg.platform.web.Ids;
import dev.dawg.platform.web.JsonBodies;
import dev.dawg.projects.ProjectLists;
import dev.dawg.projects.ProjectReads;
import dev.dawg.projects.ProjectWrites;
import dev.dawg.sharing.ProjectAccess;
import dev.dawg.sharing.ProjectAccess.Grant;
import dev.dawg.sharing.Visibility;

/**
 * The DAWG client's project calls on our project services: lists by page number, reads and writes in
 * {@code {project}} envelopes, and a PUT without a version saved as {@link ProjectWrites#saveNamed} (into history,
 * only the members it names).
 */
@Component
class ClientProjectHandler {

    private static final Map<String, ProjectLists.Order> ORDERS = Map.of("updated_at", ProjectLists.Order.UPDATED,
            "updatedAt", ProjectLists.Order.UPDATED, "created_at", ProjectLists.Order.CREATED, "createdAt", ProjectLists.Order.CREATED,
            "title", ProjectLists.Order.TITLE);

    private final ProjectLists lists;
    private final ProjectReads reads;
    private final ProjectWrites writes;
    private final ClientProjectView view;
    private final JsonBodies bodies;
    private final ProjectPreviews previews;
    private final ClientPreviews clientPreviews;
    private final String basePath;

    ClientProjectHandler(ProjectLists lists, ProjectReads reads, ProjectWrites writes, ClientProjectView view, JsonBodies bodies,
            ProjectPreviews previews, ClientPreviews clientPreviews, DawgClientProperties properties) {
        this.lists = lists;
        this.reads = reads;
        this.writes = writes;
        this.view = view;
        this.bodies = bodies;
        this.previews = previews;
        this.clientPreviews = clientPreviews;
        this.basePath = properties.path();
    }

    /** {@code ?userId=}: that user's list (all of it for its owner, the public projects for anyone else); else the caller's own. */
    Mono<ServerResponse> list(ServerRequest request, Optional<CurrentUser> caller) {
        ClientPage page = ClientPage.of(request);
        ProjectLists.Order order = order(request);
        boolean ascending = ascending(request, order);
        return owner(request, caller)
                .flatMap(ownerId -> lists.ownedBy(caller, ownerId, order, ascending, page.offset(), page.limit()))
                .flatMap(found -> view.page(request, found, page))
                .flatMap(body -> ServerResponse.ok().bodyValue(body));
    }

    Mono<ServerResponse> get(ServerRequest request, Optional<CurrentUser> caller) {
        return Ids.parse(request.pathVariable("id"), "Project")
                .flatMap(id -> reads.read(caller, id, ProjectAccess.shareToken(request), -1))
                .flatMap(read -> view.full(ServerResponse.ok(), request, read.project(), read.document()));
    }

    Mono<ServerResponse> create(ServerRequest request, CurrentUser user) {
        return bodies.objectKeepingRaw(request, "projectData")
                .doOnNext(body -> ClientProjectView.translateVisibility(body.members(), Visibility.PRIVATE))
                .flatMap(body -> writes.create(user, body.members(), body.raw()))
                .flatMap(written -> view.full(ServerResponse.created(URI.create(basePath + "/projects/" + written.project().id())), request,
                        written.project(), written.document()));
    }

    /**
     * A PUT holds no version: saved over the project as it is now, the members it names and only those. Its preview
     * members set or remove the project's preview (not a project change); a body of those alone saves no version.
     * A preview that cannot be set is refused before anything is saved.
     */
    Mono<ServerResponse> update(ServerRequest request, Grant grant) {
        return bodies.objectKeepingRaw(request, "projectData").flatMap(body -> {
            ClientProjectView.PreviewChange preview = view.takePreview(body.members(), grant.projectId());
            ClientProjectView.translateVisibility(body.members(), grant.visibility());
            Mono<Asset> referable = preview instanceof ClientProjectView.Referenced referenced
                    ? previews.referable(grant, referenced.assetId(), "previewAudioUrl") : Mono.empty();
            return referable.map(Optional::of).defaultIfEmpty(Optional.empty())
                    .flatMap(asset -> saved(grant, body).flatMap(shown -> changePreview(grant, preview, asset).thenReturn(shown)));
        }).flatMap(shown -> view.full(ServerResponse.ok(), request, shown.project(), shown.document()));
    }

    /** The project after the PUT's members are saved, or as it is when the PUT named none. */
    private Mono<ProjectReads.Read> saved(Grant grant, JsonBodies.ObjectWithRawMember body) {
        if (body.members().isEmpty() && body.raw() == null) {
            return reads.read(grant.caller(), grant.projectId(), null, -1);
        }
        return writes.saveNamed(grant, body.members(), body.raw()).map(written -> new ProjectReads.Read(written.project(), written.document()));
    }

    private Mono<Void> changePreview(Grant grant, ClientProjectView.PreviewChange change, Optional<Asset> asset) {
        if (change instanceof ClientProjectView.Referenced referenced) {
            return previews.reference(grant, asset.orElseThrow(), referenced.durationSeconds()).then();
        }
        return change instanceof ClientProjectView.Removed ? previews.remove(grant).then() : Mono.empty();
    }

    /**
     * {@code POST /projects/:id/upload-preview}: multipart {@code duration} and {@code file} (the rendered WAV) become
     * the project's preview, stored and checked as any of its audio; answered as DAWG's server does.
     */
    Mono<ServerResponse> uploadPreview(ServerRequest request, Grant grant) {
        return previews.upload(request, grant, "duration").flatMap(preview -> {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("message", "Preview uploaded successfully");
            body.put("previewAudioUrl", clientPreviews.url(request, grant.projectId()));
            body.put("duration", Math.round(preview.durationSeconds()));
            return ServerResponse.ok().bodyValue(body);
        });
    }

    /** {@code GET /projects/:id/preview/file}: the preview's audio with ranges, to whoever may read the project. */
    Mono<ServerResponse> previewFile(ServerRequest request, Grant grant) {
        return previews.content(request, grant);
    }

    Mono<ServerResponse> delete(ServerRequest request, Grant grant) {
        return writes.delete(grant).then(ServerResponse.ok().bodyValue(Map.of("message", "Project deleted")));
    }

    private static Mono<UUID> owner(ServerRequest request, Optional<CurrentUser> caller) {
        Optional<String> userId = request.queryParam("userId").filter(value -> !value.isBlank());
        if (userId.isPresent()) {
            return Ids.parse(userId.get().trim(), "User");
        }
        return caller.map(user -> Mono.just(user.id())).orElseGet(() -> Mono.error(RouteAccess.signInRequired()));
    }

    private static ProjectLists.Order order(ServerRequest request) {
        String sortBy = request.queryParam("sortBy").map(String::trim).filter(value -> !value.isEmpty()).orElse("updated_at");
        ProjectLists.Order order = ORDERS.get(sortBy);
        if (order == null) {
            throw ApiProblem.validation("sortBy", "must be updated_at, created_at or title");
        }
        return order;
    }

    /** {@code ?sortOrder=asc|desc}; without it, dates newest first and titles from A. */
    private static boolean ascending(ServerRequest request, ProjectLists.Order order) {
        String sortOrder = request.queryParam("sortOrder").map(String::trim).filter(value -> !value.isEmpty()).orElse(null);
        if (sortOrder == null) {
            return order == ProjectLists.Order.TITLE;
        }
        if (!sortOrder.equalsIgnoreCase("asc") && !sortOrder.equalsIgnoreCase("desc")) {
            throw ApiProblem.validation("sortOrder", "must be asc or desc");
        }
        return sortOrder.equalsIgnoreCase("asc");
    }
}
