package dev.dawg.social;

import java.util.Map;

import reactor.core.publisher.Mono;

import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

import dev.dawg.platform.config.DawgProperties;
import dev.dawg.platform.ratelimit.RateLimitDecision;
import dev.dawg.platform.ratelimit.RateLimiter;
import dev.dawg.platform.ratelimit.UserWrites;
import dev.dawg.events.ProjectEvent;
import dev.dawg.events.ProjectEventPublisher;
import dev.dawg.sharing.ProjectAccess.Grant;

/** Like and unlike: idempotent, for anyone signed in who may read the project; a new like is announced. */
@Component
class LikeHandler {

    private final Likes likes;
    private final RateLimiter rateLimiter;
    private final DawgProperties.RateLimits limits;
    private final ProjectEventPublisher events;

    LikeHandler(Likes likes, RateLimiter rateLimiter, DawgProperties properties, ProjectEventPublisher events) {
        this.likes = likes;
        this.rateLimiter = rateLimiter;
        this.limits = properties.rateLimit();
        this.events = events;
    }

    Mono<ServerResponse> like(ServerRequest request, Grant grant) {
        return rateLimiter.consume(UserWrites.limitOf(grant.user().id(), limits))
                .flatMap(decision -> likes.like(grant.projectId(), grant.user().id())
                        .flatMap(outcome -> announced(grant, outcome).then(answer(decision, true, outcome))));
    }

    Mono<ServerResponse> unlike(ServerRequest request, Grant grant) {
        return rateLimiter.consume(UserWrites.limitOf(grant.user().id(), limits))
                .flatMap(decision -> likes.unlike(grant.projectId(), grant.user().id())
                        .flatMap(outcome -> answer(decision, false, outcome)));
    }

    /** {@code like:added} for a like this call added (liking twice announces nothing). */
    private Mono<Void> announced(Grant grant, Likes.Outcome outcome) {
        return outcome.changed() ? events.publish(ProjectEvent.likeAdded(grant.projectId(), grant.ownerId(),
                ProjectEvent.Actor.of(grant.user()), outcome.likeCount())) : Mono.empty();
    }

    private static Mono<ServerResponse> answer(RateLimitDecision decision, boolean liked, Likes.Outcome outcome) {
        return ServerResponse.ok().headers(decision::writeTo).bodyValue(Map.of("liked", liked, "likeCount", outcome.likeCount()));
    }
}
