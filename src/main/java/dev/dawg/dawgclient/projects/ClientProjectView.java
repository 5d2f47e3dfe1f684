package dev.dawg.dawgclient.projects;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.server.ServerResponse;

import dev.dawg.dawgclient.ClientPage;
import dev.dawg.platform.web.ApiProblem;
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

    ClientProjectView(ProjectResponses responses) {
        this.responses = responses;
    }

    /** The members the client reads of a project, without its document: ours, with the owner and visibility in its words. */
    Map<String, Object> summary(Project project) {
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
        return view;
    }

    /** {@code {"project": {..., "projectData": <the document's bytes>}}}, with its length (not chunked). */
    public Mono<ServerResponse> full(ServerResponse.BodyBuilder answer, Project project, byte[] document) {
        byte[][] inner = responses.parts(summary(project), document);
        byte[][] parts = new byte[inner.length + 2][];
        parts[0] = PROJECT_ENVELOPE;
        System.arraycopy(inner, 0, parts, 1, inner.length);
        parts[parts.length - 1] = CLOSING_BRACE;
        long length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        Flux<DataBuffer> buffers = Flux.fromArray(parts).map(DefaultDataBufferFactory.sharedInstance::wrap);
        return answer.contentType(MediaType.APPLICATION_JSON).contentLength(length)
                .header(HttpHeaders.CACHE_CONTROL, "private, no-cache")
                .body(BodyInserters.fromDataBuffers(buffers));
    }

    Map<String, Object> page(ProjectLists.Page page, ClientPage asked) {
        return asked.body("projects", page.projects().stream().map(this::summary).toList(), page.total());
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

    /** The preview members the client's publish flow sends with a project. */
    private static final List<String> PREVIEW_MEMBERS = List.of("previewAudioUrl", "previewAudioDuration", "previewAudioRenderedAt",
            "previewAudioStatus");

    /**
     * Takes out the preview members: project previews are not kept yet (feed items answer them null), and refusing
     * them would stop the client's publish flow, which sends its rendered preview's URL before making the project
     * public. The preview itself stays where the client uploaded it, in the musician's library.
     */
    static void dropPreview(ObjectNode members) {
        PREVIEW_MEMBERS.forEach(members::remove);
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
