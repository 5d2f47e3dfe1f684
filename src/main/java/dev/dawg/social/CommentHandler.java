package dev.dawg.social;

import java.net.URI;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

import reactor.core.publisher.Mono;

import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

import dev.dawg.auth.CurrentUser;
import dev.dawg.platform.web.ApiProblem;
import dev.dawg.platform.web.Ids;
import dev.dawg.platform.web.JsonBodies;
import dev.dawg.platform.web.Pages;
import dev.dawg.sharing.ProjectAccess;
import dev.dawg.sharing.ProjectAccess.Grant;

/**
 * Comments: anyone signed in who may read a project comments on it; the listing is oldest first, so a reply
 * always comes after the comment it answers; the author or the project's owner deletes.
 */
@Component
class CommentHandler {

    private final Comments comments;
    private final ProjectComments posting;
    private final ProjectAccess access;
    private final JsonBodies bodies;

    CommentHandler(Comments comments, ProjectComments posting, ProjectAccess access, JsonBodies bodies) {
        this.comments = comments;
        this.posting = posting;
        this.access = access;
        this.bodies = bodies;
    }

    Mono<ServerResponse> create(ServerRequest request, Grant grant) {
        return bodies.object(request).map(body -> CommentDraft.read(body, "text"))
                .flatMap(draft -> posting.post(grant, draft))
                .flatMap(posted -> ServerResponse.created(URI.create("/api/comments/" + posted.comment().id()))
                        .headers(posted.decision()::writeTo).bodyValue(posted.comment()));
    }

    Mono<ServerResponse> list(ServerRequest request, Grant grant) {
        int limit = Pages.limit(request);
        List<String> cursor = Pages.cursor(request, 2);
        Instant afterCreatedAt = cursor == null ? null : cursorPart(cursor.get(0), Instant::parse);
        UUID afterId = cursor == null ? null : cursorPart(cursor.get(1), UUID::fromString);
        return comments.list(grant.projectId(), filter(request), limit + 1, afterCreatedAt, afterId).collectList()
                .flatMap(fetched -> ServerResponse.ok().bodyValue(Pages.keysetBody(fetched, limit,
                        last -> Pages.encodeCursor(last.createdAt().toString(), last.id().toString()))));
    }

    /** {@code ?topLevel=true} keeps the comments answering none, {@code ?parentId=} the direct replies of one. */
    private static Comments.Filter filter(ServerRequest request) {
        String topLevel = request.queryParam("topLevel").orElse("false");
        if (!topLevel.equals("true") && !topLevel.equals("false")) {
            throw ApiProblem.validation("topLevel", "must be true or false");
        }
        UUID parentId = request.queryParam("parentId").map(value -> parsed(value, UUID::fromString, "parentId", "must be a comment id"))
                .orElse(null);
        if (parentId != null && topLevel.equals("true")) {
            throw ApiProblem.validation("parentId", "cannot be combined with topLevel=true");
        }
        return parentId == null && topLevel.equals("false") ? Comments.Filter.ALL : new Comments.Filter(topLevel.equals("true"), parentId);
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

    private static <T> T cursorPart(String value, Function<String, T> parse) {
        return parsed(value, parse, "cursor", "is not a cursor this list gave out");
    }

    private static <T> T parsed(String value, Function<String, T> parse, String field, String message) {
        try {
            return parse.apply(value);
        }
        catch (DateTimeParseException | IllegalArgumentException ex) {
            throw ApiProblem.validation(field, message);
        }
    }
}
