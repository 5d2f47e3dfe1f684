package dev.dawg.dawgclient.interactions;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import reactor.core.publisher.Mono;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

import dev.dawg.auth.CurrentUser;
import dev.dawg.dawgclient.ClientPage;
import dev.dawg.platform.web.ApiProblem;
import dev.dawg.platform.web.Ids;
import dev.dawg.platform.web.JsonBodies;
import dev.dawg.platform.web.JsonFields;
import dev.dawg.sharing.ProjectAccess.Grant;
import dev.dawg.social.CommentDraft;
import dev.dawg.social.ProjectComments;
import dev.dawg.social.ProjectLikes;
import dev.dawg.social.ShareCounts;
import dev.dawg.social.SharePlatform;
import dev.dawg.social.follows.Follows;
import dev.dawg.social.follows.UserFollows;
import dev.dawg.users.UserAccounts;

/**
 * The DAWG client's {@code /interactions/...} calls, translated onto the social services the native API uses: the
 * like button toggles, comments are {@code {content, parentId?}} in and {@code {comment}} out, the comment list
 * pages through threads, and the share button counts a share per platform.
 */
@Component
class InteractionHandler {

    /** The platform DAWG's own server counts when the client names none (its share button sends {@code null}). */
    private static final SharePlatform UNNAMED_PLATFORM = SharePlatform.COPY_LINK;

    private final ProjectLikes likes;
    private final ProjectComments comments;
    private final ShareCounts shares;
    private final UserAccounts accounts;
    private final UserFollows userFollows;
    private final Follows follows;
    private final JsonBodies bodies;

    InteractionHandler(ProjectLikes likes, ProjectComments comments, ShareCounts shares, UserAccounts accounts, UserFollows userFollows,
            Follows follows, JsonBodies bodies) {
        this.likes = likes;
        this.comments = comments;
        this.shares = shares;
        this.accounts = accounts;
        this.userFollows = userFollows;
        this.follows = follows;
        this.bodies = bodies;
    }

    Mono<ServerResponse> toggleLike(ServerRequest request, Grant grant) {
        return likes.toggle(grant).flatMap(liking -> ServerResponse.ok().headers(liking.decision()::writeTo)
                .bodyValue(Map.of("liked", liking.liked(), "likeCount", liking.likeCount())));
    }

    Mono<ServerResponse> addComment(ServerRequest request, Grant grant) {
        return bodies.object(request).map(body -> CommentDraft.read(body, "content"))
                .flatMap(draft -> comments.post(grant, draft))
                .flatMap(posted -> ServerResponse.status(HttpStatus.CREATED).headers(posted.decision()::writeTo)
                        .bodyValue(Map.of("comment", ClientComment.of(posted.comment()))));
    }

    Mono<ServerResponse> listComments(ServerRequest request, Grant grant) {
        ClientPage page = ClientPage.of(request);
        return comments.threads(grant.projectId(), page.offset(), page.limit())
                .flatMap(threads -> ServerResponse.ok().bodyValue(page.body("comments", ClientComment.listed(threads.threads()), threads.total())));
    }

    Mono<ServerResponse> share(ServerRequest request, Grant grant) {
        return bodies.object(request).map(InteractionHandler::platform)
                .flatMap(platform -> shares.count(grant, platform).map(counted -> shared(platform, counted.tally())))
                .flatMap(body -> ServerResponse.ok().bodyValue(body));
    }

    /** Following is the community issue's; until it lands the client is told so, for users that exist. */
    Mono<ServerResponse> toggleFollow(ServerRequest request, CurrentUser user) {
        return Ids.parse(request.pathVariable("id"), "User")
                .flatMap(accounts::findById)
                .switchIfEmpty(Mono.error(() -> ApiProblem.notFound("User not found")))
                // A toggle, as the client's button is: the native follow or unfollow, each idempotent.
                .flatMap(followee -> follows.isFollowing(user.id(), followee.id())
                        .flatMap(following -> following ? userFollows.unfollow(user, followee.id()) : userFollows.follow(user, followee.id())))
                .flatMap(outcome -> {
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("following", outcome.following());
                    body.put("followerCount", outcome.followee().followers());
                    body.put("followingCount", outcome.followee().following());
                    return ServerResponse.ok().bodyValue(body);
                });
    }

    private static SharePlatform platform(ObjectNode body) {
        JsonFields fields = JsonFields.of(body).allowOnly(Set.of("platform"));
        String platform = fields.optionalString("platform", 1, 32).orElse(null);
        fields.validate();
        return platform == null ? UNNAMED_PLATFORM : SharePlatform.of(platform, "platform");
    }

    /** No {@code message}: the client would show it as a toast beside its own "Project shared!". */
    private static Map<String, Object> shared(SharePlatform platform, ShareCounts.ShareTally tally) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("success", true);
        body.put("platform", platform.wire());
        body.put("shareCount", tally.shareCount());
        body.put("byPlatform", tally.byPlatform());
        return body;
    }
}
