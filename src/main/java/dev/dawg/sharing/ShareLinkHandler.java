package dev.dawg.sharing;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.http.CacheControl;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.util.UriComponentsBuilder;

import dev.dawg.auth.CurrentUser;
import dev.dawg.auth.Scope;
import dev.dawg.platform.config.DawgProperties;
import dev.dawg.platform.ratelimit.RateLimiter;
import dev.dawg.platform.ratelimit.UserWrites;
import dev.dawg.platform.web.ApiProblem;
import dev.dawg.platform.web.JsonBodies;
import dev.dawg.platform.web.JsonFields;
import dev.dawg.platform.web.Pages;
import dev.dawg.events.ProjectEvent;
import dev.dawg.events.ProjectEventPublisher;

/** Share links: the owner creates, lists, changes and revokes them; anyone holding one opens the project. */
@Component
class ShareLinkHandler {

    private static final Set<String> FIELDS = Set.of("accessLevel", "expiresAt");
    private static final Set<String> READ_ONLY = Set.of("token", "url", "projectId", "viewCount", "createdAt");
    /** Far enough for any real use; beyond it a date is more likely a mistake (or a unit error) than a plan. */
    private static final Duration MAX_LIFETIME = Duration.ofDays(3650);

    private final ShareLinks links;
    private final ProjectAccess access;
    private final JsonBodies bodies;
    private final RateLimiter rateLimiter;
    private final DawgProperties.RateLimits limits;
    private final ProjectEventPublisher events;
    private final ProjectDocuments documents;
    private final Clock clock = Clock.systemUTC();

    ShareLinkHandler(ShareLinks links, ProjectAccess access, JsonBodies bodies, RateLimiter rateLimiter,
            DawgProperties properties, ProjectEventPublisher events, ProjectDocuments documents) {
        this.links = links;
        this.access = access;
        this.bodies = bodies;
        this.rateLimiter = rateLimiter;
        this.limits = properties.rateLimit();
        this.events = events;
        this.documents = documents;
    }

    /** The owner's new link to their project. */
    Mono<ServerResponse> create(ServerRequest request, ProjectAccess.Grant grant) {
        CurrentUser user = grant.user();
        return bodies.object(request)
                .map(body -> settings(body, true))
                .doOnNext(settings -> requireScopesToGrant(user, settings.level()))
                .flatMap(settings -> rateLimiter.consume(UserWrites.limitOf(user.id(), limits))
                        .flatMap(decision -> shared(grant, settings)
                                .flatMap(link -> ServerResponse.created(URI.create("/api/shares/" + link.token()))
                                        .headers(decision::writeTo)
                                        .cacheControl(CacheControl.noStore())
                                        .bodyValue(view(request, link)))));
    }

    private Mono<ShareLink> shared(ProjectAccess.Grant grant, LinkSettings settings) {
        CurrentUser user = grant.user();
        return links.create(grant.projectId(), user.id(), settings.level(), settings.expiresAt().flatMap(e -> e).orElse(null))
                .flatMap(link -> events.publish(ProjectEvent.projectShared(grant.projectId(), grant.ownerId(),
                        ProjectEvent.Actor.of(user), settings.level().wireName())).thenReturn(link));
    }

    /** The owner's links to their project, newest first, a page at a time. */
    Mono<ServerResponse> list(ServerRequest request, ProjectAccess.Grant grant) {
        int limit = Pages.limit(request);
        List<String> cursor = Pages.cursor(request, 2);
        Instant afterCreatedAt = cursor == null ? null : cursorInstant(cursor.get(0));
        return links.list(grant.projectId(), limit + 1, afterCreatedAt, cursor == null ? null : cursor.get(1))
                .map(link -> view(request, link))
                .collectList()
                .flatMap(fetched -> ServerResponse.ok().cacheControl(CacheControl.noStore()).bodyValue(Pages.keysetBody(fetched, limit,
                        last -> Pages.encodeCursor(last.get("createdAt").toString(), (String) last.get("token")))));
    }

    /** Anyone holding the token: the project in full at the link's level; each opening counts a view. */
    Mono<ServerResponse> open(ServerRequest request) {
        String token = request.pathVariable("token");
        return links.open(token)
                .flatMap(opened -> documents.documentAt(opened.link().projectId(), opened.version())
                        .map(document -> new ShareLinks.Opened(opened.link(), SharedProject.withDocument(opened.project(), document),
                                opened.version())))
                .flatMap(opened -> {
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("accessLevel", opened.link().accessLevel().wireName());
                    body.put("expiresAt", opened.link().expiresAt());
                    body.put("viewCount", opened.link().viewCount());
                    body.put("project", opened.project());
                    return ServerResponse.ok().cacheControl(CacheControl.noStore()).bodyValue(body);
                })
                .switchIfEmpty(Mono.defer(() -> notOpened(token)));
    }

    /** Why a token opened nothing: 410 for an expired link, 404 for an unknown or revoked one. */
    private Mono<ServerResponse> notOpened(String token) {
        return links.findLive(token)
                .flatMap(found -> Mono.<ServerResponse>error(found.getKey().isExpired(clock.instant())
                        ? ApiProblem.gone("This share link has expired") : linkNotFound()))
                .switchIfEmpty(Mono.error(ShareLinkHandler::linkNotFound));
    }

    Mono<ServerResponse> update(ServerRequest request, CurrentUser user) {
        String token = request.pathVariable("token");
        return ownedLink(user, token)
                .flatMap(owned -> bodies.object(request)
                        .map(body -> settings(body, false))
                        .flatMap(settings -> changed(user, owned, settings)))
                .flatMap(link -> ServerResponse.ok().cacheControl(CacheControl.noStore()).bodyValue(view(request, link)));
    }

    private Mono<ShareLink> changed(CurrentUser user, OwnedLink owned, LinkSettings settings) {
        // Raising a link, or keeping one alive longer, hands out its level anew.
        requireScopesToGrant(user, settings.level() != null ? settings.level() : owned.link().accessLevel());
        return links.update(owned.link().token(), settings.level(), settings.expiresAt())
                .switchIfEmpty(Mono.error(ShareLinkHandler::linkNotFound))
                .flatMap(link -> accessChanged(owned.grant()).thenReturn(link));
    }

    Mono<ServerResponse> revoke(ServerRequest request, CurrentUser user) {
        String token = request.pathVariable("token");
        return ownedLink(user, token)
                .flatMap(owned -> links.revoke(token)
                        .flatMap(revoked -> revoked ? accessChanged(owned.grant()).then(ServerResponse.noContent().build())
                                : Mono.error(linkNotFound())));
    }

    /** A live link and the caller's grant on its project, which they must own: 404 for an unknown or revoked token, 403 otherwise. */
    private record OwnedLink(ShareLink link, ProjectAccess.Grant grant) {
    }

    private Mono<OwnedLink> ownedLink(CurrentUser user, String token) {
        return links.findLive(token)
                .switchIfEmpty(Mono.error(ShareLinkHandler::linkNotFound))
                .flatMap(found -> access.grant(Optional.of(user), found.getKey().projectId(), token)
                        .map(grant -> new OwnedLink(found.getKey(), grant.require(AccessLevel.OWNER))));
    }

    /** A link's settings as a request sends them: the level (required for a new link), and the expiry if given. */
    private record LinkSettings(AccessLevel level, Optional<Optional<Instant>> expiresAt) {
    }

    private LinkSettings settings(ObjectNode body, boolean creating) {
        JsonFields fields = JsonFields.of(body).allowOnly(FIELDS, READ_ONLY);
        AccessLevel level = accessLevel(fields, body, creating);
        Optional<Optional<Instant>> expiresAt = expiresAt(fields, body);
        if (!creating && level == null && expiresAt.isEmpty()) {
            fields.reject("accessLevel", "send accessLevel and/or expiresAt to change");
        }
        fields.validate();
        return new LinkSettings(level, expiresAt);
    }

    /**
     * A link is a credential for its level, so an API key hands out only what it may do itself: a view or remix
     * link needs {@code projects:read}, an edit link {@code projects:write} as well (403 {@code INSUFFICIENT_SCOPE}).
     */
    private static void requireScopesToGrant(CurrentUser user, AccessLevel level) {
        if (level.includes(AccessLevel.EDIT)) {
            user.require(Scope.PROJECTS_READ, Scope.PROJECTS_WRITE);
        }
        else {
            user.require(Scope.PROJECTS_READ);
        }
    }

    /** Live sessions opened with a changed or revoked link re-check their access before anything more. */
    private Mono<Void> accessChanged(ProjectAccess.Grant grant) {
        return events.publish(ProjectEvent.accessChanged(grant.projectId(), grant.ownerId()));
    }

    private static AccessLevel accessLevel(JsonFields fields, ObjectNode body, boolean required) {
        String value = required ? fields.requiredString("accessLevel", 1, 20) : fields.optionalString("accessLevel", 1, 20).orElse(null);
        if (value == null) {
            if (!required && body.has("accessLevel") && body.get("accessLevel").isNull()) {
                fields.reject("accessLevel", "must be one of view, remix, edit (a link always has a level)");
            }
            return null;
        }
        Optional<AccessLevel> level = AccessLevel.ofShareLevel(value);
        if (level.isEmpty()) {
            fields.reject("accessLevel", "must be one of view, remix, edit");
        }
        return level.orElse(null);
    }

    /** Absent: empty; JSON null: a present empty value (no expiry); otherwise a future ISO-8601 date-time. */
    private Optional<Optional<Instant>> expiresAt(JsonFields fields, ObjectNode body) {
        JsonNode node = body.get("expiresAt");
        if (node == null) {
            return Optional.empty();
        }
        if (node.isNull()) {
            return Optional.of(Optional.empty());
        }
        if (!node.isString()) {
            fields.reject("expiresAt", "must be an ISO-8601 date-time with an offset, e.g. 2030-01-31T12:00:00Z");
            return Optional.empty();
        }
        Instant expiresAt;
        try {
            expiresAt = OffsetDateTime.parse(node.stringValue()).toInstant();
        }
        catch (DateTimeParseException ex) {
            fields.reject("expiresAt", "must be an ISO-8601 date-time with an offset, e.g. 2030-01-31T12:00:00Z");
            return Optional.empty();
        }
        Instant now = clock.instant();
        if (!expiresAt.isAfter(now)) {
            fields.reject("expiresAt", "must be in the future");
        }
        else if (expiresAt.isAfter(now.plus(MAX_LIFETIME))) {
            fields.reject("expiresAt", "must be at most " + MAX_LIFETIME.toDays() + " days ahead; omit it for a link that never expires");
        }
        return Optional.of(Optional.of(expiresAt));
    }

    private static Instant cursorInstant(String value) {
        try {
            return Instant.parse(value);
        }
        catch (DateTimeParseException ex) {
            throw ApiProblem.validation("cursor", "is not a cursor this list gave out");
        }
    }

    private static Map<String, Object> view(ServerRequest request, ShareLink link) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("token", link.token());
        view.put("url", UriComponentsBuilder.fromUri(request.uri()).replacePath("/api/shares/" + link.token())
                .replaceQuery(null).fragment(null).build().toUriString());
        view.put("projectId", link.projectId());
        view.put("accessLevel", link.accessLevel().wireName());
        view.put("expiresAt", link.expiresAt());
        view.put("viewCount", link.viewCount());
        view.put("createdAt", link.createdAt());
        return view;
    }

    private static ApiProblem linkNotFound() {
        return ApiProblem.notFound("Share link not found");
    }
}
