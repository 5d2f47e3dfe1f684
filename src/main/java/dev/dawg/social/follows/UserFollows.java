package dev.dawg.social.follows;

import java.util.UUID;

import reactor.core.publisher.Mono;

import org.springframework.stereotype.Component;

import dev.dawg.auth.CurrentUser;
import dev.dawg.events.Activity;
import dev.dawg.events.ActivityNotifier;
import dev.dawg.platform.config.DawgProperties;
import dev.dawg.platform.ratelimit.RateLimitDecision;
import dev.dawg.platform.ratelimit.RateLimiter;
import dev.dawg.platform.ratelimit.UserWrites;
import dev.dawg.platform.web.ApiProblem;

/**
 * Following and unfollowing, idempotent, each one social write of the caller's budget (as likes are). A follow this
 * call added is handed to {@link #newFollowStored}, the one place its "followed you" notification starts.
 */
@Component
public class UserFollows {

    private final Follows follows;
    private final RateLimiter rateLimiter;
    private final DawgProperties.RateLimits limits;
    private final ActivityNotifier notifier;

    UserFollows(Follows follows, RateLimiter rateLimiter, DawgProperties properties, ActivityNotifier notifier) {
        this.follows = follows;
        this.rateLimiter = rateLimiter;
        this.limits = properties.rateLimit();
        this.notifier = notifier;
    }

    /** Whether the caller follows the user after the call, both users' counts, and the rate limit decision. */
    public record Following(boolean following, Follows.Counts followee, Follows.Counts follower, RateLimitDecision decision) {
    }

    public Mono<Following> follow(CurrentUser caller, UUID followee) {
        return refuseSelf(caller, followee)
                .then(rateLimiter.consume(UserWrites.limitOf(caller.id(), limits)))
                .flatMap(decision -> follows.follow(caller.id(), followee)
                        .flatMap(outcome -> (outcome.changed() ? newFollowStored(caller, followee) : Mono.<Void>empty())
                                .thenReturn(new Following(true, outcome.followee(), outcome.follower(), decision))));
    }

    public Mono<Following> unfollow(CurrentUser caller, UUID followee) {
        return refuseSelf(caller, followee)
                .then(rateLimiter.consume(UserWrites.limitOf(caller.id(), limits)))
                .flatMap(decision -> follows.unfollow(caller.id(), followee)
                        .map(outcome -> new Following(false, outcome.followee(), outcome.follower(), decision)));
    }

    /**
     * Called once per new follow, after it is stored (never for a repeated follow): the followed user is told
     * ("followed you"). The notifier only queues it, and never fails the follow.
     */
    Mono<Void> newFollowStored(CurrentUser follower, UUID followee) {
        return Mono.fromRunnable(() -> notifier.tell(Activity.followed(follower.id(), followee)));
    }

    private static Mono<Void> refuseSelf(CurrentUser caller, UUID followee) {
        return caller.id().equals(followee) ? Mono.error(ApiProblem.conflict("You cannot follow yourself").with("field", "id"))
                : Mono.empty();
    }
}
