package dev.dawg.social.feed;

import java.util.Optional;

import reactor.core.publisher.Mono;

import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

import dev.dawg.auth.CurrentUser;
import dev.dawg.platform.web.Pages;
import dev.dawg.social.follows.UserPaths;

/** The feed of public projects and a user's public projects: keyset pages, one query each. */
@Component
class FeedHandler {

    private final FeedStore feed;
    private final UserPaths users;

    FeedHandler(FeedStore feed, UserPaths users) {
        this.feed = feed;
        this.users = users;
    }

    Mono<ServerResponse> feed(ServerRequest request, Optional<CurrentUser> caller) {
        return Mono.fromCallable(() -> FeedQuery.feed(request, caller)).flatMap(this::page);
    }

    Mono<ServerResponse> trending(ServerRequest request, Optional<CurrentUser> caller) {
        return Mono.fromCallable(() -> FeedQuery.trending(request, caller)).flatMap(this::page);
    }

    Mono<ServerResponse> projectsOf(ServerRequest request, Optional<CurrentUser> caller) {
        return Mono.fromCallable(() -> FeedQuery.ofOwner(request, caller, null))
                .flatMap(query -> users.resolve(request.pathVariable("id"))
                        .map(owner -> new FeedQuery(query.sort(), query.genre(), false, owner.id(), query.callerId(), query.limit(), query.after(), null)))
                .flatMap(this::page);
    }

    private Mono<ServerResponse> page(FeedQuery query) {
        return feed.page(query).collectList()
                .flatMap(fetched -> ServerResponse.ok().bodyValue(Pages.keysetBody(fetched, query.limit(), query::cursorAfter)));
    }
}
