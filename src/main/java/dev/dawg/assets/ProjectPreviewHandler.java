package dev.dawg.assets;

import java.util.Set;

import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

import dev.dawg.platform.web.ApiProblem;
import dev.dawg.platform.web.Ids;
import dev.dawg.platform.web.JsonBodies;
import dev.dawg.platform.web.JsonFields;
import dev.dawg.sharing.ProjectAccess.Grant;

/** The native routes of a project's preview ({@link ProjectPreviews}). */
@Component
class ProjectPreviewHandler {

    private final ProjectPreviews previews;
    private final JsonBodies bodies;

    ProjectPreviewHandler(ProjectPreviews previews, JsonBodies bodies) {
        this.previews = previews;
        this.bodies = bodies;
    }

    /** {@code POST /api/projects/{id}/preview}: multipart {@code file} (and {@code durationSeconds}) becomes the preview. */
    Mono<ServerResponse> upload(ServerRequest request, Grant grant) {
        return previews.upload(request, grant, "durationSeconds").flatMap(this::answer);
    }

    /** {@code PUT /api/projects/{id}/preview} {@code {assetId, durationSeconds?}}: an existing asset becomes the preview. */
    Mono<ServerResponse> reference(ServerRequest request, Grant grant) {
        return bodies.object(request).flatMap(body -> {
            JsonFields fields = JsonFields.of(body).allowOnly(Set.of("assetId", "durationSeconds"));
            String assetId = fields.requiredString("assetId", 36, 36);
            JsonNode seconds = body.get("durationSeconds");
            if (seconds != null && !seconds.isNull() && !seconds.isNumber()) {
                fields.reject("durationSeconds", "must be a number of seconds");
            }
            fields.validate();
            Double declared = ProjectPreviews.seconds(seconds, "durationSeconds");
            return Ids.parse(assetId, "Asset")
                    .onErrorMap(ApiProblem.class, ex -> ApiProblem.validation("assetId", "must be an asset's id"))
                    .flatMap(id -> previews.reference(grant, id, declared));
        }).flatMap(this::answer);
    }

    Mono<ServerResponse> get(ServerRequest request, Grant grant) {
        return previews.find(grant.projectId()).switchIfEmpty(Mono.error(ProjectPreviews::notFound)).flatMap(this::answer);
    }

    Mono<ServerResponse> content(ServerRequest request, Grant grant) {
        return previews.content(request, grant);
    }

    Mono<ServerResponse> delete(ServerRequest request, Grant grant) {
        return previews.remove(grant).flatMap(removed -> removed ? ServerResponse.noContent().build() : Mono.error(ProjectPreviews.notFound()));
    }

    private Mono<ServerResponse> answer(ProjectPreviews.Preview preview) {
        return ServerResponse.ok().header(HttpHeaders.CACHE_CONTROL, "private, no-cache").bodyValue(preview.view());
    }
}
