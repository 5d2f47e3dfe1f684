package dev.dawg.platform.ratelimit;

import java.time.Duration;
import java.util.List;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;

import dev.dawg.platform.config.DawgProperties;
import dev.dawg.platform.web.ApiProblem;
import dev.dawg.platform.web.RequestIds;

/**
 * Fixed-window request counters in Redis, shared by every API node. When Redis is unreachable the limiter
 * lets requests through (and counts that) rather than taking sign-in and writes down with it: a documented
 * choice, see the README's Guarantees.
 */
@Component
public class RateLimiter {

    private static final Logger log = LoggerFactory.getLogger(RateLimiter.class);

    @SuppressWarnings("rawtypes")
    private static final RedisScript<List> WINDOW = RedisScript.of("""
            local count = redis.call('INCR', KEYS[1])
            if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
            local ttl = redis.call('PTTL', KEYS[1])
            if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
            return {count, ttl}
            """, List.class);

    private static final RedisScript<Long> GIVE_BACK = RedisScript.of("""
            local count = tonumber(redis.call('GET', KEYS[1]) or '0')
            if count > 0 then return redis.call('DECR', KEYS[1]) end
            return 0
            """, Long.class);

    private final ReactiveStringRedisTemplate redis;
    private final String keyPrefix;
    private final Counter failOpen;

    RateLimiter(ReactiveStringRedisTemplate redis, DawgProperties properties, MeterRegistry meters) {
        this.redis = redis;
        this.keyPrefix = properties.rateLimit().keyPrefix();
        this.failOpen = Counter.builder("dawg.ratelimit.fail.open")
                .description("Requests let through because Redis could not be asked").register(meters);
    }

    /** Counts one hit on each limit; the most restrictive decision wins, a denial becomes a 429 problem. */
    public Mono<RateLimitDecision> consume(List<RateLimit> limits) {
        return Flux.fromIterable(limits)
                .concatMap(this::consume)
                .reduce(RateLimitDecision::mostRestrictive)
                .flatMap(decision -> decision.allowed() ? Mono.just(decision) : Mono.error(decision.toProblem()));
    }

    /**
     * Gives back the hit {@link #consume(List)} counted on each limit, for a budget of failures: the attempt is
     * counted before it is tried (so parallel attempts cannot all pass one check) and given back when it succeeded.
     * Never below zero; when Redis cannot be asked the hit stays counted, which only errs toward the limit.
     */
    public Mono<Void> giveBack(List<RateLimit> limits) {
        return Flux.fromIterable(limits)
                .concatMap(limit -> redis.execute(GIVE_BACK, List.of(keyPrefix + limit.key()), List.of())
                        .timeout(Duration.ofSeconds(1))
                        .onErrorResume(ex -> RequestIds.logged(() ->
                                log.warn("Rate limiter could not give back a hit on {} ({})", limit.key(), ex.toString()))))
                .then();
    }

    public Mono<RateLimitDecision> consume(RateLimit limit) {
        Duration window = limit.window();
        return redis.execute(WINDOW, List.of(keyPrefix + limit.key()), List.of(Long.toString(window.toMillis())))
                .next()
                .map(result -> {
                    long count = ((Number) result.get(0)).longValue();
                    long ttlMillis = ((Number) result.get(1)).longValue();
                    long remaining = Math.max(0, limit.limit() - count);
                    long resetSeconds = Math.max(1, (ttlMillis + 999) / 1000);
                    return new RateLimitDecision(count <= limit.limit(), limit.limit(), remaining, resetSeconds);
                })
                .timeout(Duration.ofSeconds(1))
                .onErrorResume(ex -> !(ex instanceof ApiProblem), ex -> {
                    failOpen.increment();
                    return RequestIds.logged(() -> log.warn("Rate limiter could not reach Redis ({}); letting the request through", ex.toString()))
                            .thenReturn(RateLimitDecision.unlimited(limit.limit()));
                });
    }
}
