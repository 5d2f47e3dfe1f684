package dev.dawg.platform.web;

import reactor.core.publisher.Mono;

import org.springframework.web.reactive.function.server.HandlerFunction;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * A route that anyone may call, an API key of any scope included: public documents (health, the API description)
 * and the session's own routes (register, login). The route listing that checks every route declares its access
 * reads this marker; feature routes that need more declare it with the auth package's RouteAccess.
 */
public record OpenRoute(HandlerFunction<ServerResponse> handler) implements HandlerFunction<ServerResponse> {

    public static OpenRoute anyCaller(HandlerFunction<ServerResponse> handler) {
        return new OpenRoute(handler);
    }

    @Override
    public Mono<ServerResponse> handle(ServerRequest request) {
        return handler.handle(request);
    }
}
