package dev.dawg.projects;

import java.util.List;
import java.util.function.Supplier;

import reactor.core.publisher.Mono;

import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

import dev.dawg.auth.CurrentUser;
import dev.dawg.auth.SignedInHandler;
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
public class ProjectWriteBudget {

    private final RateLimiter limiter;
    private final ProjectLimits limits;

    ProjectWriteBudget(RateLimiter limiter, ProjectLimits limits) {
        this.limiter = limiter;
        this.limits = limits;
    }

    /**
     * {@code write} behind one write of the caller's budget. Declared on the route around the access check, so that a
     * caller past their budget gets 429 whatever the project, and every answer of the write says what is left.
     */
    public SignedInHandler writing(SignedInHandler write) {
        return (request, user) -> spending(request, List.of(writes(user)), () -> write.handle(request, user));
    }

    /** {@code create} behind one write and one creation of the caller's budgets. */
    public SignedInHandler creating(SignedInHandler create) {
        return (request, user) -> spending(request, List.of(writes(user),
                new RateLimit("project-creates:user:" + user.id(), limits.creates(), limits.createsWindow())), () -> create.handle(request, user));
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
                            .onErrorResume(ProjectWriteBudget::storedNothing, refused -> limiter.giveBack(budget).then(Mono.error(refused)));
                });
    }

    private static boolean storedNothing(Throwable failure) {
        return failure instanceof ApiProblem problem && problem.status().is4xxClientError()
                && !"QUOTA_EXCEEDED".equals(problem.code());
    }
}
