package dev.dawg.projects;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerResponse;

import dev.dawg.platform.config.DawgProperties;
import dev.dawg.platform.web.SplicedBody;

/**
 * Projects as the API answers them. The document is spliced into the response as stored JSON text:
 * a read never parses {@code projectData}, however large.
 */
@Component
public class ProjectResponses {

    private static final byte[] DATA_MEMBER = ",\"projectData\":".getBytes(StandardCharsets.UTF_8);
    private static final byte[] CLOSING_BRACE = { '}' };
    /** A project's answers may be kept by the caller's own cache only, and checked with its ETag before each use. */
    static final String CACHE_CONTROL = "private, no-cache";

    private final JsonMapper json;
    /**
     * Each project head's metadata as JSON, made once per head instead of once per read (the map and its
     * serialisation were ~2 % of a framework read's CPU). Keyed by the instance (weak keys compare identity): a head
     * never changes, and {@link ProjectMetadataCache} hands out the same one until its row changes.
     */
    private final Cache<Project, byte[]> openHeads;

    ProjectResponses(JsonMapper json, DawgProperties properties) {
        this.json = json;
        this.openHeads = Caffeine.newBuilder().weakKeys().maximumSize(properties.projects().headCacheEntries()).build();
    }

    /** The metadata members, in the contract's order. */
    public Map<String, Object> summary(Project project) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", project.id());
        view.put("ownerId", project.ownerId());
        view.put("title", project.title());
        view.put("description", project.description());
        view.put("tags", project.tags());
        view.put("bpm", project.bpm());
        view.put("keySignature", project.keySignature());
        view.put("timeSignature", project.timeSignature());
        view.put("visibility", project.visibility().wireName());
        view.put("version", project.version());
        view.put("remixedFromId", project.remixedFromId());
        view.put("likeCount", project.likeCount());
        view.put("commentCount", project.commentCount());
        view.put("playCount", project.playCount());
        view.put("remixCount", project.remixCount());
        view.put("createdAt", project.createdAt());
        view.put("updatedAt", project.updatedAt());
        RemixNote note = project.remixNote();
        if (note != null && !note.isEmpty()) {
            Map<String, Object> remix = new LinkedHashMap<>();
            remix.put("changesSummary", note.changesSummary());
            remix.put("credits", note.credits());
            view.put("remix", remix);
        }
        return view;
    }

    /** 200 with the full project just written. */
    Mono<ServerResponse> ok(ProjectWrites.Written written) {
        return full(ServerResponse.ok(), written.project(), written.document(), CACHE_CONTROL);
    }

    /** 201 with the full project just made. */
    Mono<ServerResponse> created(ProjectWrites.Written written) {
        Project project = written.project();
        return full(ServerResponse.created(URI.create("/api/projects/" + project.id())), project, written.document(), null);
    }

    /** 304: the client holds the project's version already. */
    Mono<ServerResponse> notModified(Project project) {
        return ServerResponse.status(HttpStatus.NOT_MODIFIED).eTag(project.etag())
                .header(HttpHeaders.CACHE_CONTROL, CACHE_CONTROL).build();
    }

    /**
     * A read of a project, whose answer depends on Accept-Encoding: {@code document} gzip-encoded as it is kept
     * (the same entity tag either way, see {@link ContentCodings}), or inflated; 304 when {@code document} is null. The caller
     * adds {@code Vary: Accept-Encoding} to the exchange (a response's own Vary would replace the CORS filter's).
     */
    Mono<ServerResponse> read(Project project, DeflatedDocument document, boolean gzip) {
        if (document == null) {
            return notModified(project);
        }
        if (!gzip) {
            return SplicedBody.json(headers(ServerResponse.ok(), project, CACHE_CONTROL), headParts(project), document, CLOSING_BRACE);
        }
        return send(ServerResponse.ok().header(HttpHeaders.CONTENT_ENCODING, ContentCodings.GZIP), project,
                gzipParts(project, document), CACHE_CONTROL);
    }

    /** The full project gzip-encoded, the document's compressed bytes sent as they are kept (the middle array). */
    byte[][] gzipParts(Project project, DeflatedDocument document) {
        return document.gzip(headParts(project), CLOSING_BRACE);
    }

    /** The full project in one direct buffer from {@code allocator}, the document inflated into it, for a writer below Spring. */
    ByteBuf inflatedDirect(ByteBufAllocator allocator, Project project, DeflatedDocument document) {
        return SplicedBody.direct(allocator, headParts(project), document, CLOSING_BRACE);
    }

    /** What comes before the document: the metadata without its closing brace, and the {@code projectData} member's name. */
    private byte[][] headParts(Project project) {
        return new byte[][] { openHeads.get(project, head -> openHead(summary(head))), DATA_MEMBER };
    }

    /**
     * The full project: its metadata, then the document bytes as they are (never parsed or re-encoded, only copied
     * once into the answer's buffer), with its total length (so it is not sent chunked).
     */
    private Mono<ServerResponse> full(ServerResponse.BodyBuilder answer, Project project, byte[] document, String cacheControl) {
        return send(answer, project, parts(summary(project), document), cacheControl);
    }

    /** The project's answer from {@code parts}, sent one after the other, with their total length. */
    private Mono<ServerResponse> send(ServerResponse.BodyBuilder answer, Project project, byte[][] parts, String cacheControl) {
        return SplicedBody.json(headers(answer, project, cacheControl), parts);
    }

    private static ServerResponse.BodyBuilder headers(ServerResponse.BodyBuilder answer, Project project, String cacheControl) {
        answer.eTag(project.etag());
        if (cacheControl != null) {
            answer.header(HttpHeaders.CACHE_CONTROL, cacheControl);
        }
        return answer;
    }

    /** {@code head}'s members followed by {@code "projectData"} with {@code document} as it is, as byte arrays to send in order. */
    public byte[][] parts(Map<String, Object> head, byte[] document) {
        return new byte[][] { openHead(head), DATA_MEMBER, document, CLOSING_BRACE };
    }

    /** {@code head} as JSON without its closing brace, for members to follow. */
    private byte[] openHead(Map<String, Object> head) {
        byte[] headBytes = json.writeValueAsBytes(head);
        return Arrays.copyOf(headBytes, headBytes.length - 1);
    }

    /** The members of {@code head} followed by {@code "projectData"} with {@code dataText}, which is JSON text. */
    byte[] splice(Map<String, Object> head, String dataText) {
        byte[] headBytes = json.writeValueAsBytes(head);
        byte[] data = dataText.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream(headBytes.length + DATA_MEMBER.length + data.length + 1);
        out.write(headBytes, 0, headBytes.length - 1);
        out.writeBytes(DATA_MEMBER);
        out.writeBytes(data);
        out.writeBytes(CLOSING_BRACE);
        return out.toByteArray();
    }

    /** The full project as a tree, for patching: its metadata, then {@code document}, the project's parsed (and given up). */
    ObjectNode tree(Project project, JsonNode document) {
        ObjectNode node = json.valueToTree(summary(project));
        node.set("projectData", document);
        return node;
    }
}
