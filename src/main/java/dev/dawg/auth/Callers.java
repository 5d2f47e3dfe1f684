package dev.dawg.auth;

import java.util.Optional;

import reactor.core.publisher.Mono;

import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;

import dev.dawg.platform.web.ApiProblem;

/** Who is calling: every handler asks here instead of reading security types itself. */
@Component
public class Callers {

    public Mono<Optional<CurrentUser>> optional(ServerRequest request) {
        return of(request.principal());
    }

    static Mono<Optional<CurrentUser>> of(Mono<? extends java.security.Principal> principal) {
        return principal.map(found -> Optional.ofNullable(CallerAuthentication.currentUser(found)))
                .defaultIfEmpty(Optional.empty());
    }

    /** The signed-in caller, or a 401 problem. */
    public Mono<CurrentUser> required(ServerRequest request) {
        return optional(request).flatMap(caller -> caller.map(Mono::just)
                .orElseGet(() -> Mono.error(signInRequired())));
    }

    static ApiProblem signInRequired() {
        return ApiProblem.unauthorized("Sign in, or send an API key, to do this");
    }

    /** The signed-in caller holding {@code scope}: 401 when anonymous, 403 when an API key lacks it. */
    public Mono<CurrentUser> required(ServerRequest request, Scope scope) {
        return required(request).map(user -> user.require(scope));
    }
}
