package dev.dawg.social.follows;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

import dev.dawg.auth.CurrentUser;
import dev.dawg.platform.web.ApiProblem;
import dev.dawg.platform.web.Pages;

/**
 * Follow and unfollow (idempotent, 200 with whether the caller follows now and the followed user's exact counts),
 * and the public followers / following lists in keyset pages.
 */
@Component
class FollowHandler {

    private final UserFollows follows;
    private final Follows store;
    private final UserPaths users;

    FollowHandler(UserFollows follows, Follows store, UserPaths users) {
        this.follows = follows;
        this.store = store;
        this.users = users;
    }

    Mono<ServerResponse> follow(ServerRequest request, CurrentUser caller) {
        return users.resolve(request.pathVariable("id"))
                .flatMap(user -> follows.follow(caller, user.id()))
                .flatMap(FollowHandler::answer);
    }

    Mono<ServerResponse> unfollow(ServerRequest request, CurrentUser caller) {
        return users.resolve(request.pathVariable("id"))
                .flatMap(user -> follows.unfollow(caller, user.id()))
                .flatMap(FollowHandler::answer);
    }

    Mono<ServerResponse> followers(ServerRequest request) {
        return page(request, store::followers);
    }

    Mono<ServerResponse> following(ServerRequest request) {
        return page(request, store::following);
    }

    /** A list's query: the user, how many rows to fetch, and the keyset to continue after (null on the first page). */
    @FunctionalInterface
    interface ListQuery {
        Flux<Follows.FollowEntry> fetch(UUID userId, int fetch, Instant afterFollowedAt, UUID afterId);
    }

    private Mono<ServerResponse> page(ServerRequest request, ListQuery query) {
        int limit = Pages.limit(request);
        List<String> cursor = Pages.cursor(request, 2);
        Instant afterFollowedAt;
        UUID afterId;
        try {
            afterFollowedAt = cursor == null ? null : Instant.parse(cursor.get(0));
            afterId = cursor == null ? null : UUID.fromString(cursor.get(1));
        }
        catch (DateTimeParseException | IllegalArgumentException ex) {
            return Mono.error(ApiProblem.validation("cursor", "is not a cursor this list gave out"));
        }
        return users.resolve(request.pathVariable("id"))
                .flatMap(user -> query.fetch(user.id(), limit + 1, afterFollowedAt, afterId).collectList())
                .flatMap(fetched -> ServerResponse.ok().bodyValue(Pages.keysetBody(fetched, limit,
                        last -> Pages.encodeCursor(last.followedAt().toString(), last.id().toString()))));
    }

    private static Mono<ServerResponse> answer(UserFollows.Following following) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("following", following.following());
        body.put("followerCount", following.followee().followers());
        body.put("followingCount", following.followee().following());
        return ServerResponse.ok().headers(following.decision()::writeTo).bodyValue(body);
    }
}
