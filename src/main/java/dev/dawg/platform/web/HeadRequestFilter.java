package dev.dawg.platform.web;

import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * {@code HEAD} answers like {@code GET} without a body (RFC 9110 §9.3.2). Functional routes match HEAD only where
 * it is declared, so a HEAD request is routed (and authorised) as a GET; the server's HEAD response wrapper,
 * chosen from the original method, still drops the body and keeps its length. A path with no GET route keeps its
 * 405, whose {@code Allow} is worked out from the original request.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 1)
public class HeadRequestFilter implements WebFilter {

    private static final String HEAD_REQUEST = HeadRequestFilter.class.getName() + ".head";

    /**
     * Whether the request came as {@code HEAD}: a handler whose body is costly to produce (an object streamed from
     * storage) skips it, since the server's HEAD wrapper would read it all only to throw it away.
     */
    public static boolean isHead(ServerRequest request) {
        return request.exchange().getAttribute(HEAD_REQUEST) != null;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (!HttpMethod.HEAD.equals(exchange.getRequest().getMethod())) {
            return chain.filter(exchange);
        }
        exchange.getAttributes().put(HEAD_REQUEST, Boolean.TRUE);
        return chain.filter(exchange.mutate().request(request -> request.method(HttpMethod.GET)).build());
    }
}
