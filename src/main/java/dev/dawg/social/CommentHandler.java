package dev.dawg.social;

import java.net.URI;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

import dev.dawg.auth.CurrentUser;
import dev.dawg.platform.config.DawgProperties;
import dev.dawg.platform.ratelimit.RateLimiter;
import dev.dawg.platform.ratelimit.UserWrites;
import dev.dawg.platform.web.ApiProblem;
import dev.dawg.platform.web.Ids;
import dev.dawg.platform.web.JsonBodies;
import dev.dawg.platform.web.JsonFields;
import dev.dawg.platform.web.Pages;
import dev.dawg.events.ProjectEvent;
import dev.dawg.events.ProjectEventPublisher;
import dev.dawg.sharing.ProjectAccess;
import dev.dawg.sharing.ProjectAccess.Grant;

/**
 * Comments: anyone signed in who may read a project comments on it; the listing is oldest first, so a reply
 * always comes after the comment it answers; the author or the project's owner deletes.
 */
@Component
class CommentHandler {

    static final int MAX_LENGTH = 2000;
    private static final Set<String> FIELDS = Set.of("text", "parentId");
    private static final Set<String> READ_ONLY = Set.of("id", "projectId", "author", "authorId", "createdAt");

    private final Comments comments;
    private final ProjectAccess access;
    private final JsonBodies bodies;
    private final RateLimiter rateLimiter;
    private final DawgProperties.RateLimits limits;
    private final ProjectEventPublisher events;

    CommentHandler(Comments comments, ProjectAccess access, JsonBodies bodies, RateLimiter rateLimiter, DawgProperties properties,
            ProjectEventPublisher events) {
        this.comments = comments;
        this.access = access;
        this.bodies = bodies;
        this.rateLimiter = rateLimiter;
        this.limits = properties.rateLimit();
        this.events = events;
    }

    /** A comment as a client writes it, validated. */
    private record Draft(String text, UUID parentId) {
    }

    Mono<ServerResponse> create(ServerRequest request, Grant grant) {
        return bodies.object(request).map(CommentHandler::draft)
                .flatMap(draft -> rateLimiter.consume(UserWrites.limitOf(grant.user().id(), limits))
                        .flatMap(decision -> comments.create(grant.projectId(), grant.user().id(), draft.parentId(), draft.text())
                                .flatMap(comment -> events.publish(ProjectEvent.commentAdded(grant.projectId(), grant.ownerId(),
                                        ProjectEvent.Actor.of(grant.user()), comment)).thenReturn(comment))
                                .flatMap(comment -> ServerResponse.created(URI.create("/api/comments/" + comment.id()))
                                        .headers(decision::writeTo).bodyValue(comment))));
    }

    Mono<ServerResponse> list(ServerRequest request, Grant grant) {
        int limit = Pages.limit(request);
        List<String> cursor = Pages.cursor(request, 2);
        Instant afterCreatedAt = cursor == null ? null : cursorPart(cursor.get(0), Instant::parse);
        UUID afterId = cursor == null ? null : cursorPart(cursor.get(1), UUID::fromString);
        return comments.list(grant.projectId(), limit + 1, afterCreatedAt, afterId).collectList()
                .flatMap(fetched -> ServerResponse.ok().bodyValue(Pages.keysetBody(fetched, limit,
                        last -> Pages.encodeCursor(last.createdAt().toString(), last.id().toString()))));
    }

    /** By the comment's author or the project's owner. */
    Mono<ServerResponse> delete(ServerRequest request, CurrentUser user) {
        return Ids.parse(request.pathVariable("id"), "Comment")
                .flatMap(commentId -> comments.placement(commentId)
                        .switchIfEmpty(Mono.error(CommentHandler::notFound))
                        .flatMap(placement -> permitDeletion(request, user, placement))
                        .then(Mono.defer(() -> comments.delete(commentId))))
                .flatMap(deleted -> deleted ? ServerResponse.noContent().build() : Mono.error(notFound()));
    }

    /** Anyone but the author or the project's owner gets 403 if they can read the project, else 404. */
    private Mono<Void> permitDeletion(ServerRequest request, CurrentUser user, Comments.Placement placement) {
        return access.grant(Optional.of(user), placement.projectId(), ProjectAccess.shareToken(request))
                .onErrorMap(ex -> ex instanceof ApiProblem problem && problem.status().value() == 404, ex -> notFound())
                .flatMap(grant -> grant.isOwner() || placement.authorId().equals(user.id()) ? Mono.empty()
                        : Mono.error(ApiProblem.forbidden("Only the comment's author or the project's owner may delete it")));
    }

    private static ApiProblem notFound() {
        return ApiProblem.notFound("Comment not found");
    }

    private static Draft draft(ObjectNode body) {
        JsonFields fields = JsonFields.of(body).allowOnly(FIELDS, READ_ONLY);
        String text = fields.requiredString("text", 1, MAX_LENGTH);
        if (text != null && text.isBlank()) {
            fields.reject("text", "must not be blank");
        }
        UUID parentId = parentId(fields, body.get("parentId"));
        fields.validate();
        return new Draft(text, parentId);
    }

    private static UUID parentId(JsonFields fields, JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isString()) {
            fields.reject("parentId", "must be the id of a comment of this project");
            return null;
        }
        try {
            return UUID.fromString(node.stringValue());
        }
        catch (IllegalArgumentException ex) {
            fields.reject("parentId", "must be the id of a comment of this project");
            return null;
        }
    }

    private static <T> T cursorPart(String value, Function<String, T> parse) {
        try {
            return parse.apply(value);
        }
        catch (DateTimeParseException | IllegalArgumentException ex) {
            throw ApiProblem.validation("cursor", "is not a cursor this list gave out");
        }
    }
}
