package dev.dawg.platform.ratelimit;

import java.time.Duration;

/** One counter: at most {@code limit} hits per {@code window} for {@code key} (e.g. "login:ip:1.2.3.4"). */
public record RateLimit(String key, int limit, Duration window) {
}
