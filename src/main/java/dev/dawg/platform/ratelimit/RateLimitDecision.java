package dev.dawg.platform.ratelimit;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;

import dev.dawg.platform.web.ApiProblem;

/** The outcome of counting a hit, rendered as the IETF {@code RateLimit-*} headers (and a 429 when denied). */
public record RateLimitDecision(boolean allowed, long limit, long remaining, long resetSeconds) {

    static RateLimitDecision unlimited(long limit) {
        return new RateLimitDecision(true, limit, limit, 0);
    }

    /** Of two decisions counted for one request (say per address, then per account), the one to answer with. */
    public static RateLimitDecision mostRestrictive(RateLimitDecision a, RateLimitDecision b) {
        if (a.allowed != b.allowed) {
            return a.allowed ? b : a;
        }
        return a.remaining <= b.remaining ? a : b;
    }

    public void writeTo(HttpHeaders headers) {
        headers.set("RateLimit-Limit", Long.toString(limit));
        headers.set("RateLimit-Remaining", Long.toString(remaining));
        headers.set("RateLimit-Reset", Long.toString(resetSeconds));
    }

    /** The 429 a denied decision answers with (for callers that count with {@link RateLimiter#consume(RateLimit)}). */
    public ApiProblem toProblem() {
        ApiProblem problem = ApiProblem.of(HttpStatus.TOO_MANY_REQUESTS, "RATE_LIMITED",
                        "Too many requests; retry in " + resetSeconds + " s")
                .withHeader(HttpHeaders.RETRY_AFTER, Long.toString(resetSeconds))
                .withHeader("RateLimit-Limit", Long.toString(limit))
                .withHeader("RateLimit-Remaining", "0")
                .withHeader("RateLimit-Reset", Long.toString(resetSeconds));
        return problem.with("retryAfterSeconds", resetSeconds);
    }
}
