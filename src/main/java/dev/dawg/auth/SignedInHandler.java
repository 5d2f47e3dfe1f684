package dev.dawg.auth;

import reactor.core.publisher.Mono;

import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

/** A handler of a route that only a signed-in caller (or an API key) reaches; its route resolved the caller. */
@FunctionalInterface
public interface SignedInHandler {

    Mono<ServerResponse> handle(ServerRequest request, CurrentUser user);
}
