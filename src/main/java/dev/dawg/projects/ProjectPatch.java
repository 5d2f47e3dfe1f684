package dev.dawg.projects;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerRequest;

import dev.dawg.platform.web.ApiProblem;
import dev.dawg.projects.patch.JsonEquality;
import dev.dawg.projects.patch.JsonMergePatch;
import dev.dawg.projects.patch.JsonPatch;
import dev.dawg.projects.patch.JsonPointer;
import dev.dawg.projects.patch.JsonSize;
import dev.dawg.projects.patch.PatchException;
import dev.dawg.projects.patch.PatchOperation;

/**
 * A patch of a project as the client sent it: an RFC 7396 merge patch ({@code operations} null) or RFC 6902
 * operations, with the version it is based on and its size in bytes.
 */
record ProjectPatch(JsonNode body, JsonPatch operations, int expectedVersion, long sizeBytes) {

    /** What a patched project may hold besides its projectData (title, description, tags...), while it is patched. */
    static final long DOCUMENT_ROOM = 1024 * 1024;
    static final MediaType MERGE_PATCH = MediaType.parseMediaType("application/merge-patch+json");
    static final MediaType JSON_PATCH = MediaType.parseMediaType("application/json-patch+json");

    /** Whether the request carries a merge patch (else operations); 415 for any other content type. */
    static boolean isMergePatch(ServerRequest request) {
        return request.headers().contentType().filter(type -> MERGE_PATCH.isCompatibleWith(type) || JSON_PATCH.isCompatibleWith(type))
                .map(MERGE_PATCH::isCompatibleWith).orElseThrow(() -> ApiProblem.unsupportedMediaType(
                        "Send the patch as " + MERGE_PATCH + " (RFC 7396) or " + JSON_PATCH + " (RFC 6902)"));
    }

    /** Parses the patch: a merge patch may carry the version it is based on, operations need If-Match. */
    static ProjectPatch parse(ServerRequest request, byte[] bytes, boolean merge, JsonMapper json) {
        JsonNode body;
        try {
            body = json.readTree(bytes);
        }
        catch (JacksonException ex) {
            throw ApiProblem.malformed("The patch is not valid JSON (" + ex.getOriginalMessage() + ")");
        }
        if (merge) {
            if (!(body instanceof ObjectNode object)) {
                throw ApiProblem.malformed("A merge patch of a project must be a JSON object");
            }
            return new ProjectPatch(body, null, Preconditions.expectedVersion(request, object), bytes.length);
        }
        Integer ifMatch = Preconditions.ifMatch(request);
        if (ifMatch == null) {
            throw Preconditions.required();
        }
        try {
            return new ProjectPatch(body, JsonPatch.parse(body), ifMatch, bytes.length);
        }
        catch (PatchException ex) {
            throw problem(ex);
        }
    }

    /** The patch type as {@code project:updated} names it. */
    String type() {
        return operations == null ? "merge-patch" : "json-patch";
    }

    /**
     * Whether the patch may change {@code projectData}. One that cannot (a new title, a visibility) stores the document
     * as it is stored now, as written, rather than the server's serialisation of its parsed form.
     */
    boolean touchesDocument() {
        if (operations == null) {
            return body.has("projectData");
        }
        for (PatchOperation operation : operations.operations()) {
            boolean touches;
            if (operation instanceof PatchOperation.Move move) {
                touches = underDocument(move.from()) || underDocument(move.path());
            }
            else if (operation instanceof PatchOperation.Add add) {
                touches = underDocument(add.path());
            }
            else if (operation instanceof PatchOperation.Remove remove) {
                touches = underDocument(remove.path());
            }
            else if (operation instanceof PatchOperation.Replace replace) {
                touches = underDocument(replace.path());
            }
            else if (operation instanceof PatchOperation.Copy copy) {
                touches = underDocument(copy.path());
            }
            else {
                touches = false; // a test changes nothing
            }
            if (touches) {
                return true;
            }
        }
        return false;
    }

    private static boolean underDocument(JsonPointer path) {
        return path.isRoot() || path.tokens().get(0).equals("projectData");
    }

    /** What applying the patch to {@code current} may cost ({@link PatchWork#cost}). */
    long cost(Project current) {
        long input = sizeBytes + (current.projectData() == null ? 0 : current.projectData().length());
        return operations == null ? input : PatchWork.cost(operations, input);
    }

    /**
     * A project after a patch, its document as a tree, and whether that is plainly storable ({@link DocumentCheck}): then, when it is
     * stored whole, it is stored as json without PostgreSQL parsing it a second time as jsonb. A patched document is
     * not checked here: most are stored as deltas ({@link DocumentDelta}), checked by the database as every document is.
     */
    record Patched(ProjectInput input, boolean documentChecked, JsonNode document) {
    }

    /**
     * The project after the patch, validated like a PUT; the server's own members must come out unchanged. The patch
     * edits {@code before} itself (the caller's tree, built for this patch, is given up), whose {@code projectData}
     * was parsed from {@code documentBytes} bytes of JSON text.
     */
    Patched applyTo(ObjectNode before, long documentBytes, long maxDataBytes, JsonMapper json) {
        Map<String, JsonNode> readOnly = new HashMap<>();
        for (String name : ProjectInput.READ_ONLY) {
            JsonNode was = before.get(name);
            if (was != null) {
                readOnly.put(name, was.deepCopy());
            }
        }
        JsonNode after;
        try {
            // The document is bounded while the patch is applied (a copy of a copy doubles it), not only after.
            after = operations != null ? operations.applyInPlace(before, maxDataBytes + DOCUMENT_ROOM, compactSizeAtMost(before, documentBytes))
                    : JsonMergePatch.mergeInPlace(before, (ObjectNode) body);
        }
        catch (PatchException ex) {
            throw ex.reason() == PatchException.Reason.TOO_LARGE ? problem(ex).with("limitBytes", maxDataBytes) : problem(ex);
        }
        if (!(after instanceof ObjectNode result)) {
            throw ApiProblem.validation("", "the patched project must stay a JSON object");
        }
        List<ApiProblem.FieldError> changed = new ArrayList<>();
        for (String name : ProjectInput.READ_ONLY) {
            JsonNode was = readOnly.get(name);
            JsonNode now = result.remove(name);
            if (was == null ? now != null : now == null || !JsonEquality.equivalent(was, now)) {
                changed.add(new ApiProblem.FieldError(name, "is read-only and cannot be changed"));
            }
        }
        if (!changed.isEmpty()) {
            throw ApiProblem.validation(changed);
        }
        return new Patched(ProjectInput.read(result, ProjectInput.Data.REQUIRED, maxDataBytes, json), false, result.get("projectData"));
    }

    /**
     * The project's size written compactly, at most: its members measured, but its document counted as the text it was
     * parsed from (never less than the compact form), rather than walked.
     */
    private static long compactSizeAtMost(ObjectNode project, long documentBytes) {
        JsonNode data = project.remove("projectData");
        if (data == null) {
            return JsonSize.of(project);
        }
        long size = JsonSize.of(project) + ",\"projectData\":".length() + documentBytes;
        project.set("projectData", data);
        return size;
    }

    private static ApiProblem problem(PatchException ex) {
        ApiProblem problem = switch (ex.reason()) {
            case MALFORMED_PATCH -> ApiProblem.malformed(ex.getMessage());
            case TEST_FAILED -> ApiProblem.of(HttpStatus.CONFLICT, "CONFLICT", ex.getMessage());
            case PATH_NOT_FOUND, INVALID_TARGET -> ApiProblem.of(HttpStatus.valueOf(422), "UNPROCESSABLE", ex.getMessage());
            case TOO_LARGE -> ApiProblem.payloadTooLarge(ex.getMessage());
        };
        ex.operationIndex().ifPresent(index -> problem.with("operationIndex", index));
        ex.pointer().ifPresent(pointer -> problem.with("path", pointer));
        return problem;
    }
}
