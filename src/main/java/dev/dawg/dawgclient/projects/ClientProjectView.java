package dev.dawg.dawgclient.projects;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

import dev.dawg.assets.ProjectPreviews;
import dev.dawg.assets.ProjectPreviews.Preview;
import dev.dawg.dawgclient.ClientPage;
import dev.dawg.dawgclient.ClientPreviews;
import dev.dawg.platform.web.ApiProblem;
import dev.dawg.platform.web.SplicedBody;
import dev.dawg.projects.Project;
import dev.dawg.projects.ProjectLists;
import dev.dawg.projects.ProjectResponses;
import dev.dawg.sharing.Visibility;

/**
 * A project in the DAWG client's words, both ways: {@code userId} for the owner, {@code isPublic} / {@code isUnlisted}
 * for our visibility, and {@code {"project": ...}} around it with the document spliced in as it is stored.
 */
@Component
public class ClientProjectView {

    private static final byte[] PROJECT_ENVELOPE = "{\"project\":".getBytes(StandardCharsets.UTF_8);
    private static final byte[] CLOSING_BRACE = { '}' };

    private final ProjectResponses responses;
    private final ClientPreviews previews;

    ClientProjectView(ProjectResponses responses, ClientPreviews previews) {
        this.responses = responses;
        this.previews = previews;
    }

    /**
     * The members the client reads of a project, without its document: ours, with the owner and visibility in its
     * words, and its preview ({@code null} for none).
     */
    Map<String, Object> summary(ServerRequest request, Project project, Preview preview) {
        Map<String, Object> view = new LinkedHashMap<>();
        responses.summary(project).forEach((name, value) -> {
            switch (name) {
                case "ownerId" -> view.put("userId", value);
                case "visibility" -> {
                    view.put("isPublic", project.visibility() == Visibility.PUBLIC);
                    view.put("isUnlisted", project.visibility() == Visibility.UNLISTED);
                }
                default -> view.put(name, value);
            }
        });
        previews.put(view, request, project.id(), preview);
        return view;
    }

    /** {@code {"project": {..., "projectData": <the document's bytes>}}}, with its length (not chunked). */
    public Mono<ServerResponse> full(ServerResponse.BodyBuilder answer, ServerRequest request, Project project, byte[] document) {
        return previews.of(project.id()).flatMap(preview -> full(answer, request, project, document, preview.orElse(null)));
    }

    private Mono<ServerResponse> full(ServerResponse.BodyBuilder answer, ServerRequest request, Project project, byte[] document,
            Preview preview) {
        byte[][] inner = responses.parts(summary(request, project, preview), document);
        byte[][] parts = new byte[inner.length + 2][];
        parts[0] = PROJECT_ENVELOPE;
        System.arraycopy(inner, 0, parts, 1, inner.length);
        parts[parts.length - 1] = CLOSING_BRACE;
        return SplicedBody.json(answer.header(HttpHeaders.CACHE_CONTROL, "private, no-cache"), parts);
    }

    Mono<Map<String, Object>> page(ServerRequest request, ProjectLists.Page page, ClientPage asked) {
        return previews.of(page.projects().stream().map(Project::id).toList())
                .map(found -> asked.body("projects", page.projects().stream()
                        .map(project -> summary(request, project, found.get(project.id()))).toList(), page.total()));
    }

    /**
     * Replaces the client's {@code isPublic} / {@code isUnlisted} in {@code members} by our {@code visibility}, from
     * {@code current}: public is (true, false), unlisted (false, true), private (false, false); the flags named are
     * laid over the current pair. Both true means the flag this body named wins ({@code {isPublic: true}} publishes an
     * unlisted project, {@code {isUnlisted: true}} unlists a public one; both named true: unlisted, reachable by link
     * and listed nowhere).
     */
    static void translateVisibility(ObjectNode members, Visibility current) {
        Boolean isPublic = flag(members, "isPublic");
        Boolean isUnlisted = flag(members, "isUnlisted");
        if (isPublic == null && isUnlisted == null) {
            return;
        }
        boolean listed = isPublic != null ? isPublic : current == Visibility.PUBLIC;
        boolean unlisted = isUnlisted != null ? isUnlisted : current == Visibility.UNLISTED;
        Visibility wanted = listed && unlisted ? (isUnlisted != null ? Visibility.UNLISTED : Visibility.PUBLIC)
                : unlisted ? Visibility.UNLISTED : listed ? Visibility.PUBLIC : Visibility.PRIVATE;
        members.put("visibility", wanted.wireName());
    }

    /** What a PUT asks of the project's preview through {@code previewAudioUrl}. */
    sealed interface PreviewChange {
    }

    /** Not named: the preview stays as it is. */
    record Unchanged() implements PreviewChange {
    }

    /** Named null: the preview goes. */
    record Removed() implements PreviewChange {
    }

    /** The URL of a file of the caller's library (as its upload answered it) becomes the preview. */
    record Referenced(UUID assetId, Double durationSeconds) implements PreviewChange {
    }

    private static final Pattern LIBRARY_FILE = Pattern.compile(".*/assets/([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})/file");

    /**
     * Takes out the preview members the client's publish flow sends ({@code previewAudioUrl}, {@code previewAudioDuration},
     * and its own {@code previewAudioRenderedAt} / {@code previewAudioStatus}, which the server sets instead): the URL
     * is the library file it uploaded the rendered preview as, or the project's own preview URL (nothing to change). A
     * URL of somewhere else is refused: a listener's browser would fetch it.
     */
    PreviewChange takePreview(ObjectNode members, UUID projectId) {
        JsonNode url = members.remove("previewAudioUrl");
        JsonNode duration = members.remove("previewAudioDuration");
        members.remove("previewAudioRenderedAt");
        members.remove("previewAudioStatus");
        if (url == null) {
            return new Unchanged();
        }
        if (url.isNull()) {
            return new Removed();
        }
        String path = url.isString() ? pathOf(url.stringValue()) : null;
        if (path != null && path.equals(previews.path(projectId))) {
            return new Unchanged();
        }
        Matcher file = path == null ? null : LIBRARY_FILE.matcher(path);
        if (file == null || !file.matches()) {
            throw ApiProblem.validation("previewAudioUrl", "must be the URL of an audio file in your library, as its upload answered it");
        }
        return new Referenced(UUID.fromString(file.group(1)), ProjectPreviews.seconds(duration, "previewAudioDuration"));
    }

    /** The path of a URL, absolute or not; null when it is not one. */
    private static String pathOf(String url) {
        try {
            return URI.create(url.strip()).getRawPath();
        }
        catch (IllegalArgumentException ex) {
            return null;
        }
    }

    /** The flag's value, taken out of {@code members}; null when not named (or named null). */
    private static Boolean flag(ObjectNode members, String name) {
        JsonNode value = members.remove(name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isBoolean()) {
            throw ApiProblem.validation(name, "must be true or false");
        }
        return value.booleanValue();
    }
}
