package dev.dawg.dawgclient;

import java.net.URI;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import reactor.core.publisher.Mono;

import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;

import dev.dawg.assets.ProjectPreviews;
import dev.dawg.assets.ProjectPreviews.Preview;

/**
 * Project previews as the DAWG client reads them on a project or a feed card: {@code previewAudioUrl} (the dialect's
 * own file route, heard under the project's access rule), its duration, when it was rendered, and its status.
 */
@Component
public class ClientPreviews {

    private final ProjectPreviews previews;
    private final String basePath;

    ClientPreviews(ProjectPreviews previews, DawgClientProperties properties) {
        this.previews = previews;
        this.basePath = properties.path();
    }

    public Mono<Optional<Preview>> of(UUID projectId) {
        return previews.find(projectId).map(Optional::of).defaultIfEmpty(Optional.empty());
    }

    public Mono<Map<UUID, Preview>> of(Collection<UUID> projectIds) {
        return previews.findAll(projectIds);
    }

    /** The path of the project's preview file. */
    public String path(UUID projectId) {
        return basePath + "/projects/" + projectId + "/preview/file";
    }

    /**
     * Where the client plays the project's preview: an absolute URL on the host the request came to. The client uses
     * the URL as it is in an audio element (it rewrites only paths under {@code /api/}), so a path alone would be looked
     * up on the client's own origin when it is served from another one.
     */
    public String url(ServerRequest request, UUID projectId) {
        URI uri = request.uri();
        return uri.getScheme() + "://" + uri.getRawAuthority() + path(projectId);
    }

    /** Puts the preview members on {@code view}; null values when the project has no preview (the client then shows none). */
    public void put(Map<String, Object> view, ServerRequest request, UUID projectId, Preview preview) {
        view.put("previewAudioUrl", preview == null ? null : url(request, projectId));
        view.put("previewAudioDuration", preview == null ? null : preview.durationSeconds());
        view.put("previewAudioRenderedAt", preview == null ? null : preview.renderedAt());
        view.put("previewAudioStatus", preview == null ? null : "ready");
        // DAWG's client shows no thumbnail anywhere (only a skeleton's placeholder), and none is made here.
        view.put("thumbnailUrl", null);
    }
}
