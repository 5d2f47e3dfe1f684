package dev.dawg.social;

import java.util.Map;

import reactor.core.publisher.Mono;

import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

import dev.dawg.auth.Callers;
import dev.dawg.auth.CurrentUser;
import dev.dawg.auth.Scope;
import dev.dawg.platform.config.DawgProperties;
import dev.dawg.platform.ratelimit.RateLimiter;
import dev.dawg.platform.ratelimit.UserWrites;
import dev.dawg.events.ProjectEvent;
import dev.dawg.events.ProjectEventPublisher;
import dev.dawg.sharing.AccessLevel;
import dev.dawg.sharing.ProjectAccess;

/** Like and unlike: idempotent, for anyone signed in who may read the project; a new like is announced. */
@Component
class LikeHandler {

    private final Likes likes;
    private final ProjectAccess access;
    private final Callers callers;
    private final RateLimiter rateLimiter;
    private final DawgProperties.RateLimits limits;
    private final ProjectEventPublisher events;

    LikeHandler(Likes likes, ProjectAccess access, Callers callers, RateLimiter rateLimiter, DawgProperties properties,
            ProjectEventPublisher events) {
        this.likes = likes;
        this.access = access;
        this.callers = callers;
        this.rateLimiter = rateLimiter;
        this.limits = properties.rateLimit();
        this.events = events;
    }

    Mono<ServerResponse> like(ServerRequest request) {
        return callers.required(request, Scope.SOCIAL_WRITE).flatMap(user -> access.grantOnPath(request, AccessLevel.VIEW)
                .flatMap(grant -> rateLimiter.consume(UserWrites.limitOf(user.id(), limits))
                        .flatMap(decision -> likes.like(grant.projectId(), user.id())
                                .flatMap(outcome -> (outcome.changed()
                                        ? events.publish(ProjectEvent.likeAdded(grant.projectId(), grant.ownerId(), ProjectEvent.Actor.of(user), outcome.likeCount()))
                                        : Mono.<Void>empty())
                                        .then(ServerResponse.ok().headers(decision::writeTo)
                                                .bodyValue(Map.of("liked", true, "likeCount", outcome.likeCount())))))));
    }

    Mono<ServerResponse> unlike(ServerRequest request) {
        return callers.required(request, Scope.SOCIAL_WRITE).flatMap(user -> access.grantOnPath(request, AccessLevel.VIEW)
                .flatMap(grant -> rateLimiter.consume(UserWrites.limitOf(user.id(), limits))
                        .flatMap(decision -> likes.unlike(grant.projectId(), user.id())
                                .flatMap(outcome -> ServerResponse.ok().headers(decision::writeTo)
                                        .bodyValue(Map.of("liked", false, "likeCount", outcome.likeCount()))))));
    }

}
