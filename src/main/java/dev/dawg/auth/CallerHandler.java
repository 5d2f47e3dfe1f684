package dev.dawg.auth;

import java.util.Optional;

import reactor.core.publisher.Mono;

import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

/** A handler of a route that anonymous callers reach too (public reads); its route resolved the caller, if any. */
@FunctionalInterface
public interface CallerHandler {

    Mono<ServerResponse> handle(ServerRequest request, Optional<CurrentUser> caller);
}
