package dev.dawg.projects;

import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

import dev.dawg.auth.Callers;
import dev.dawg.auth.CurrentUser;
import dev.dawg.auth.Scope;
import dev.dawg.platform.config.DawgProperties;
import dev.dawg.platform.ratelimit.RateLimit;
import dev.dawg.platform.ratelimit.RateLimiter;
import dev.dawg.platform.web.ApiProblem;

/**
 * The per-user budgets of project writes (every write that stores a version or a label: create, PUT, PATCH,
 * restore, label, import, duplicate, remix) and of project creations, counted in Redis across nodes before the
 * body is read. Within them the answer carries the {@code RateLimit-*} headers; past them the write is refused with
 * 429, Retry-After and the same headers, and nothing is written.
 * <p>
 * The budgets count what reaches storage. A write refused before it stored anything (invalid, forbidden, not found,
 * or a 409 {@code VERSION_CONFLICT} because another write won the race) gets its hit back, so a client retrying after
 * a conflict (several tabs, a collaborator) is not charged twice. A write refused by a quota
 * ({@code QUOTA_EXCEEDED}) keeps it: the database did the work of trying.
 */
@Component
class ProjectWriteBudget {

    private static final Logger log = LoggerFactory.getLogger(ProjectWriteBudget.class);
    // The give-back of RateLimiter in the auth branch (issue 15, finding 5); use RateLimiter#giveBack once both are merged.
    private static final RedisScript<Long> GIVE_BACK = RedisScript.of("""
            local count = tonumber(redis.call('GET', KEYS[1]) or '0')
            if count > 0 then return redis.call('DECR', KEYS[1]) end
            return 0
            """, Long.class);

    private final Callers callers;
    private final RateLimiter limiter;
    private final ProjectLimits limits;
    private final ReactiveStringRedisTemplate redis;
    private final String keyPrefix;

    ProjectWriteBudget(Callers callers, RateLimiter limiter, ProjectLimits limits, ReactiveStringRedisTemplate redis,
            DawgProperties properties) {
        this.callers = callers;
        this.limiter = limiter;
        this.limits = limits;
        this.redis = redis;
        this.keyPrefix = properties.rateLimit().keyPrefix();
    }

    /** Runs {@code write} as the signed-in caller (API keys need projects:write) once one write of their budget is spent. */
    Mono<ServerResponse> write(ServerRequest request, Function<CurrentUser, Mono<ServerResponse>> write) {
        return callers.required(request, Scope.PROJECTS_WRITE).flatMap(user -> spending(request, List.of(writes(user)), () -> write.apply(user)));
    }

    /** Runs {@code create} as the signed-in caller once one write and one creation of their budgets are spent. */
    Mono<ServerResponse> create(ServerRequest request, Function<CurrentUser, Mono<ServerResponse>> create) {
        return callers.required(request, Scope.PROJECTS_WRITE).flatMap(user -> spending(request, List.of(writes(user),
                new RateLimit("project-creates:user:" + user.id(), limits.creates(), limits.createsWindow())), () -> create.apply(user)));
    }

    private RateLimit writes(CurrentUser user) {
        return new RateLimit("project-writes:user:" + user.id(), limits.writes(), limits.writesWindow());
    }

    private Mono<ServerResponse> spending(ServerRequest request, List<RateLimit> budget,
            Supplier<Mono<ServerResponse>> action) {
        return limiter.consume(budget)
                .flatMap(decision -> {
                    // On the exchange, so every answer of this write (200, 409, 413...) says what is left.
                    decision.writeTo(request.exchange().getResponse().getHeaders());
                    return Mono.defer(action)
                            .onErrorResume(ProjectWriteBudget::storedNothing, refused -> giveBack(budget).then(Mono.error(refused)));
                });
    }

    private static boolean storedNothing(Throwable failure) {
        return failure instanceof ApiProblem problem && problem.status().is4xxClientError()
                && !"QUOTA_EXCEEDED".equals(problem.code());
    }

    private Mono<Void> giveBack(List<RateLimit> budget) {
        return Flux.fromIterable(budget)
                .concatMap(limit -> redis.execute(GIVE_BACK, List.of(keyPrefix + limit.key()), List.of())
                        .timeout(Duration.ofSeconds(1))
                        .onErrorResume(ex -> {
                            // Only errs toward the limit: the hit stays counted.
                            log.debug("Could not give back a hit of {}: {}", limit.key(), ex.toString());
                            return Mono.empty();
                        }))
                .then();
    }
}
