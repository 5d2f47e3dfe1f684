package dev.dawg.platform.ratelimit;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import dev.dawg.platform.config.DawgProperties;

/** The one per-user budget of social writes (likes, comments, share links): {@code dawg.rate-limit.writes} a minute. */
public final class UserWrites {

    private UserWrites() {
    }

    public static List<RateLimit> limitOf(UUID userId, DawgProperties.RateLimits limits) {
        return List.of(new RateLimit("writes:user:" + userId, limits.writes(), Duration.ofMinutes(1)));
    }
}
