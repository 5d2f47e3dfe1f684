package dev.dawg.projects;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.util.RawValue;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

import dev.dawg.auth.CurrentUser;
import dev.dawg.platform.config.DawgProperties;
import dev.dawg.platform.web.JsonBodies;
import dev.dawg.platform.web.JsonFields;
import dev.dawg.sharing.ProjectAccess;
import dev.dawg.sharing.ProjectAccess.Grant;
import dev.dawg.sharing.Visibility;

/**
 * New projects made from existing ones: the owner's duplicate, someone's remix (with lineage), and the
 * self-contained export document that import turns back into a project. Every copy starts at version 1,
 * private, with a history of its own.
 */
@Component
class ProjectCopyHandler {

    static final String EXPORT_FORMAT = "dawg-project";
    static final int EXPORT_FORMAT_VERSION = 1;
    private static final Pattern UUID_TEXT = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Set<String> ASSET_REFERENCE_MEMBERS = Set.of("assetId", "sampleId", "systemAssetId");

    private final ProjectStore store;
    private final ProjectWrites writes;
    private final ProjectResponses responses;
    private final JsonBodies bodies;
    private final JsonMapper json;
    private final long maxDataBytes;

    ProjectCopyHandler(ProjectStore store, ProjectWrites writes, ProjectResponses responses, JsonBodies bodies, JsonMapper json,
            DawgProperties properties) {
        this.store = store;
        this.writes = writes;
        this.responses = responses;
        this.bodies = bodies;
        this.json = json;
        this.maxDataBytes = properties.projects().maxDataSize().toBytes();
    }

    Mono<ServerResponse> duplicate(ServerRequest request, Grant grant) {
        return original(grant).flatMap(original -> writes.duplicate(grant.user(), original)).flatMap(responses::created);
    }

    /** A remix, with the remixer's note when a JSON body is sent ({@code {changesSummary?, credits?}}); no body, no note. */
    Mono<ServerResponse> remix(ServerRequest request, Grant grant) {
        return RemixNote.of(request, bodies).flatMap(note -> writes.remix(grant, note)).flatMap(responses::created);
    }

    Mono<ServerResponse> export(ServerRequest request, Grant grant) {
        return original(grant).flatMap(project -> ServerResponse.ok()
                .contentType(MediaType.APPLICATION_JSON)
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + fileName(project.title()) + ".dawg.json\"")
                .bodyValue(json.writeValueAsBytes(exportOf(project))));
    }

    Mono<ServerResponse> importProject(ServerRequest request, CurrentUser user) {
        // The document's projectData is kept as the export wrote it: an import stores the same bytes.
        return bodies.objectKeepingRaw(request, "project", "projectData")
                .flatMap(document -> writes.create(user, importOf(document.members(), document.raw()).withVisibility(Visibility.PRIVATE), "imported"))
                .flatMap(responses::created);
    }

    /** The project on the path with its document. */
    private Mono<Project> original(Grant grant) {
        return store.findWithData(grant.projectId()).switchIfEmpty(Mono.error(ProjectAccess::notFound));
    }

    /**
     * The self-contained export document of {@code project}, its {@code projectData} being the stored text as it is
     * (parsed only to list the assets it names, never written out again).
     */
    private Map<String, Object> exportOf(Project project) {
        JsonNode data = json.readTree(project.projectData());
        // What a client writes, in the contract's order, but the visibility: an imported project starts private.
        Map<String, Object> content = new LinkedHashMap<>(responses.summary(project));
        content.keySet().retainAll(ProjectInput.WRITABLE);
        content.remove("visibility");
        content.put("projectData", new RawValue(project.projectData()));
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("format", EXPORT_FORMAT);
        document.put("formatVersion", EXPORT_FORMAT_VERSION);
        document.put("exportedAt", Instant.now());
        document.put("source", Map.of("id", project.id(), "version", project.version()));
        document.put("project", content);
        document.put("assets", assetManifest(data));
        return document;
    }

    /** The project an export document holds, validated like a new project's. */
    private ProjectInput importOf(ObjectNode document, byte[] rawData) {
        JsonFields fields = JsonFields.of(document).allowOnly(Set.of("format", "formatVersion", "exportedAt", "source", "assets", "project"));
        String format = fields.requiredString("format", 1, 50);
        if (format != null && !EXPORT_FORMAT.equals(format)) {
            fields.reject("format", "must be \"" + EXPORT_FORMAT + "\" (a document made by the export)");
        }
        JsonNode version = document.get("formatVersion");
        if (version == null || !version.isIntegralNumber() || !version.canConvertToInt() || version.asInt() != EXPORT_FORMAT_VERSION) {
            fields.reject("formatVersion", "must be " + EXPORT_FORMAT_VERSION);
        }
        ObjectNode project = fields.optionalObject("project").orElse(null);
        if (project == null) {
            fields.reject("project", "is required");
        }
        fields.validate();
        return ProjectInput.read(project, rawData, ProjectInput.Data.REQUIRED, maxDataBytes, json);
    }

    /** The assets the document refers to (members such as {@code assetId} holding an id), each listed once. */
    private static java.util.List<Map<String, Object>> assetManifest(JsonNode projectData) {
        Set<String> ids = new LinkedHashSet<>();
        collectAssetIds(projectData, ids, 0);
        return ids.stream().map(id -> Map.<String, Object>of("id", UUID.fromString(id))).toList();
    }

    private static void collectAssetIds(JsonNode node, Set<String> ids, int depth) {
        if (depth > 200) {
            return;
        }
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> member : node.properties()) {
                JsonNode value = member.getValue();
                if (ASSET_REFERENCE_MEMBERS.contains(member.getKey()) && value.isString() && UUID_TEXT.matcher(value.stringValue()).matches()) {
                    ids.add(value.stringValue().toLowerCase(java.util.Locale.ROOT));
                }
                else {
                    collectAssetIds(value, ids, depth + 1);
                }
            }
        }
        else if (node.isArray()) {
            for (JsonNode item : node) {
                collectAssetIds(item, ids, depth + 1);
            }
        }
    }

    private static String fileName(String title) {
        String safe = title.replaceAll("[^A-Za-z0-9._ -]", "").trim().replace(' ', '-');
        return safe.isEmpty() ? "project" : safe.length() > 80 ? safe.substring(0, 80) : safe;
    }
}
