package dev.dawg.projects;

import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.function.server.ServerRequest;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import dev.dawg.platform.web.ApiProblem;

/**
 * The version a write is based on: {@code If-Match: "<version>"} or a {@code version} member in the body.
 * There is no unconditional write (not even {@code If-Match: *}): that is how updates get lost.
 */
final class Preconditions {

    private Preconditions() {
    }

    /** The expected version, taking (and removing) a {@code version} member of {@code body} when no If-Match. */
    static int expectedVersion(ServerRequest request, ObjectNode body) {
        Integer fromHeader = ifMatch(request);
        JsonNode fromBody = body == null ? null : body.remove("version");
        if (fromHeader != null) {
            if (fromBody != null && !(fromBody.isIntegralNumber() && fromBody.canConvertToLong() && fromBody.asLong() == fromHeader)) {
                throw ApiProblem.validation("version", "differs from If-Match; send one precondition");
            }
            return fromHeader;
        }
        if (fromBody == null || fromBody.isNull()) {
            throw required();
        }
        if (!fromBody.isIntegralNumber() || !fromBody.canConvertToInt() || fromBody.asInt() < 1) {
            throw ApiProblem.validation("version", "must be the whole version number the change is based on");
        }
        return fromBody.asInt();
    }

    /** The version named by If-Match, or null when there is none. */
    static Integer ifMatch(ServerRequest request) {
        String header = request.headers().firstHeader(HttpHeaders.IF_MATCH);
        if (header == null || header.isBlank()) {
            return null;
        }
        Integer version = parseEntityTag(header);
        if (version == null) {
            throw ApiProblem.preconditionRequired("If-Match must name the version the change is based on, as in If-Match: \"3\"");
        }
        return version;
    }

    /** The version in an entity tag ({@code "3"}, {@code W/"3"} or a bare {@code 3}); null when it names none. */
    static Integer parseEntityTag(String value) {
        String tag = value.trim();
        if (tag.startsWith("W/")) {
            tag = tag.substring(2);
        }
        if (tag.length() >= 2 && tag.startsWith("\"") && tag.endsWith("\"")) {
            tag = tag.substring(1, tag.length() - 1);
        }
        if (tag.isEmpty() || tag.length() > 9 || !tag.chars().allMatch(Character::isDigit)) {
            return null;
        }
        return Integer.parseInt(tag);
    }

    /** The version the client already holds per If-None-Match (the first tag that names one), or -1. */
    static int ifNoneMatch(ServerRequest request) {
        String header = request.headers().firstHeader(HttpHeaders.IF_NONE_MATCH);
        if (header == null) {
            return -1;
        }
        for (String tag : header.split(",")) {
            Integer version = parseEntityTag(tag);
            if (version != null) {
                return version;
            }
        }
        return -1;
    }

    static ApiProblem required() {
        return ApiProblem.preconditionRequired("Send If-Match: \"<version>\" (or \"version\" in the body) so no one's change is overwritten");
    }

    static final String VERSION_CONFLICT = "VERSION_CONFLICT";

    static ApiProblem conflict(int currentVersion) {
        return ApiProblem.of(org.springframework.http.HttpStatus.CONFLICT, VERSION_CONFLICT,
                        "The project changed since the version you based this on; reload it (current version " + currentVersion + ") and apply your change again")
                .with("currentVersion", currentVersion)
                .withHeader(HttpHeaders.ETAG, "\"" + currentVersion + "\"");
    }
}
