package dev.dawg.social;

import java.util.UUID;
import java.util.function.BiFunction;

import reactor.core.publisher.Mono;

import org.springframework.stereotype.Component;

import dev.dawg.events.Activity;
import dev.dawg.events.ActivityNotifier;
import dev.dawg.events.ProjectEvent;
import dev.dawg.events.ProjectEventPublisher;
import dev.dawg.platform.config.DawgProperties;
import dev.dawg.platform.ratelimit.RateLimitDecision;
import dev.dawg.platform.ratelimit.RateLimiter;
import dev.dawg.platform.ratelimit.UserWrites;
import dev.dawg.sharing.ProjectAccess;
import dev.dawg.sharing.ProjectAccess.Grant;

/**
 * Liking, as every API offers it: like and unlike (idempotent) and toggle, each one social write of the caller's
 * budget; a like that was added is announced as {@code like:added}.
 */
@Component
public class ProjectLikes {

    private final Likes likes;
    private final RateLimiter rateLimiter;
    private final DawgProperties.RateLimits limits;
    private final ProjectEventPublisher events;
    private final ActivityNotifier notifier;

    ProjectLikes(Likes likes, RateLimiter rateLimiter, DawgProperties properties, ProjectEventPublisher events,
            ActivityNotifier notifier) {
        this.likes = likes;
        this.rateLimiter = rateLimiter;
        this.limits = properties.rateLimit();
        this.events = events;
        this.notifier = notifier;
    }

    /** Whether the caller likes the project after the call, the exact count, and the rate limit decision. */
    public record Liking(boolean liked, long likeCount, RateLimitDecision decision) {
    }

    public Mono<Liking> like(Grant grant) {
        return write(grant, (projectId, userId) -> likes.like(projectId, userId)
                .map(outcome -> new Likes.Toggled(outcome.changed(), false, outcome.likeCount())));
    }

    public Mono<Liking> unlike(Grant grant) {
        return write(grant, (projectId, userId) -> likes.unlike(projectId, userId)
                .map(outcome -> new Likes.Toggled(false, true, outcome.likeCount())));
    }

    /** Likes when the caller does not like the project yet, else unlikes; concurrent toggles each count. */
    public Mono<Liking> toggle(Grant grant) {
        return write(grant, likes::toggle);
    }

    private Mono<Liking> write(Grant grant, BiFunction<UUID, UUID, Mono<Likes.Toggled>> change) {
        return rateLimiter.consume(UserWrites.limitOf(grant.user().id(), limits))
                .flatMap(decision -> change.apply(grant.projectId(), grant.user().id())
                        .switchIfEmpty(Mono.error(ProjectAccess::notFound))
                        .flatMap(toggled -> announced(grant, toggled).doOnSuccess(done -> told(grant, toggled))
                                .thenReturn(new Liking(toggled.liked(), toggled.likeCount(), decision))));
    }

    /** The owner's notification of a like this call added, queued after {@code like:added}: it never holds up or fails the like. */
    private void told(Grant grant, Likes.Toggled toggled) {
        if (toggled.added()) {
            notifier.tell(Activity.liked(grant.user().id(), grant.ownerId(), grant.projectId()));
        }
    }

    /** {@code like:added} for a like this call added (liking twice announces nothing). */
    private Mono<Void> announced(Grant grant, Likes.Toggled toggled) {
        return toggled.added() ? events.publish(ProjectEvent.likeAdded(grant.projectId(), grant.ownerId(),
                ProjectEvent.Actor.of(grant.user()), toggled.likeCount())) : Mono.empty();
    }
}
