package dev.dawg.projects;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.regex.Pattern;

import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

import dev.dawg.auth.CurrentUser;
import dev.dawg.platform.config.DawgProperties;
import dev.dawg.platform.web.ApiProblem;
import dev.dawg.platform.web.Ids;
import dev.dawg.platform.web.JsonBodies;
import dev.dawg.platform.web.JsonFields;
import dev.dawg.events.ProjectEvent;
import dev.dawg.events.ProjectEventPublisher;
import dev.dawg.sharing.AccessLevel;
import dev.dawg.sharing.ProjectAccess;
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
    private final ProjectHandler projects;
    private final ProjectAccess access;
    private final ProjectEventPublisher events;
    private final JsonBodies bodies;
    private final JsonMapper json;
    private final ProjectWriteBudget budget;
    private final long maxDataBytes;

    ProjectCopyHandler(ProjectStore store, ProjectHandler projects, ProjectAccess access, ProjectEventPublisher events,
            JsonBodies bodies, JsonMapper json, ProjectWriteBudget budget, DawgProperties properties) {
        this.store = store;
        this.projects = projects;
        this.access = access;
        this.events = events;
        this.bodies = bodies;
        this.json = json;
        this.budget = budget;
        this.maxDataBytes = properties.projects().maxDataSize().toBytes();
    }

    Mono<ServerResponse> duplicate(ServerRequest request) {
        return copy(request, AccessLevel.OWNER, (user, original) -> store.create(user.id(), copyOf(original, " (copy)"), null, null));
    }

    Mono<ServerResponse> remix(ServerRequest request) {
        return copy(request, AccessLevel.REMIX, (user, original) -> store.create(user.id(), copyOf(original, " (remix)"), original.id(), null)
                .flatMap(remix -> store.currentRemixCount(original.id())
                        .flatMap(count -> events.publish(ProjectEvent.projectRemixed(original.id(), original.ownerId(),
                                ProjectEvent.Actor.of(user), remix.id(), count)))
                        .thenReturn(remix)));
    }

    /** A new project made by {@code making} from the one in the path, which the caller may access at {@code needed}. */
    private Mono<ServerResponse> copy(ServerRequest request, AccessLevel needed, BiFunction<CurrentUser, Project, Mono<Project>> making) {
        return budget.create(request, user -> access.grantOnPath(request, needed)
                .flatMap(grant -> store.findWithData(grant.projectId()))
                .switchIfEmpty(Mono.error(ProjectAccess::notFound))
                .flatMap(original -> making.apply(user, original))
                .flatMap(projects::created));
    }

    Mono<ServerResponse> export(ServerRequest request) {
        return Ids.parse(request.pathVariable("id"), "Project")
                .flatMap(id -> projects.reader(request)
                        .flatMap(caller -> access.grant(caller, id, ProjectAccess.shareToken(request)))
                        .flatMap(grant -> store.findWithData(id)))
                .switchIfEmpty(Mono.error(ProjectAccess::notFound))
                .flatMap(project -> {
                    JsonNode data = json.readTree(project.projectData());
                    Map<String, Object> content = new LinkedHashMap<>();
                    content.put("title", project.title());
                    content.put("description", project.description());
                    content.put("tags", project.tags());
                    content.put("bpm", project.bpm());
                    content.put("keySignature", project.keySignature());
                    content.put("timeSignature", project.timeSignature());
                    content.put("projectData", data);
                    Map<String, Object> document = new LinkedHashMap<>();
                    document.put("format", EXPORT_FORMAT);
                    document.put("formatVersion", EXPORT_FORMAT_VERSION);
                    document.put("exportedAt", Instant.now());
                    document.put("source", Map.of("id", project.id(), "version", project.version()));
                    document.put("project", content);
                    document.put("assets", assetManifest(data));
                    return ServerResponse.ok()
                            .contentType(MediaType.APPLICATION_JSON)
                            .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + fileName(project.title()) + ".dawg.json\"")
                            .bodyValue(json.writeValueAsBytes(document));
                });
    }

    Mono<ServerResponse> importProject(ServerRequest request) {
        return budget.create(request, user -> bodies.object(request).flatMap(document -> {
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
            ProjectInput content = ProjectInput.read(project, Set.of(), ProjectInput.Data.REQUIRED, maxDataBytes, json)
                    .withVisibility(Visibility.PRIVATE);
            return store.create(user.id(), content, null, "imported").flatMap(projects::created);
        }));
    }

    private static ProjectInput copyOf(Project original, String suffix) {
        String title = original.title().length() + suffix.length() <= 200 ? original.title() + suffix : original.title();
        return new ProjectInput(title, original.description(), original.tags(), original.bpm(), original.keySignature(),
                original.timeSignature(), Visibility.PRIVATE, original.projectData());
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
