package dev.dawg.platform.web;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatusCode;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * First filter of every request: assigns the request id, puts it on the response and into the Reactor
 * context (where {@link RequestIds#logged} finds it for a log line), and writes one access-log line when the
 * exchange completes.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class RequestIdFilter implements WebFilter {

    private static final Logger accessLog = LoggerFactory.getLogger("dev.dawg.access");

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String requestId = RequestIds.assign(exchange);
        exchange.getResponse().getHeaders().set(RequestIds.HEADER, requestId);
        long started = System.nanoTime();
        return chain.filter(exchange)
                .doFinally(signal -> {
                    if (accessLog.isDebugEnabled()) {
                        HttpStatusCode status = exchange.getResponse().getStatusCode();
                        RequestIds.inMdc(requestId, () -> {
                            accessLog.debug("{} {} -> {} in {} ms", exchange.getRequest().getMethod(),
                                    exchange.getRequest().getPath().value(), status == null ? "-" : status.value(),
                                    (System.nanoTime() - started) / 1_000_000);
                            return null;
                        });
                    }
                })
                .contextWrite(Context.of(RequestIds.CONTEXT_KEY, requestId));
    }
}
