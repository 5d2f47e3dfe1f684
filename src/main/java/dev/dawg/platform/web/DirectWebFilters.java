package dev.dawg.platform.web;

import java.util.List;

import reactor.core.publisher.Mono;

import org.springframework.boot.webflux.autoconfigure.WebHttpHandlerBuilderCustomizer;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.server.adapter.WebHttpHandlerBuilder;

/**
 * The application's web filters (ours and Spring Security's proxy, in the order Spring sorted them) handed to Spring
 * as one filter that runs them through a {@link DirectFilterChain}: Spring's chain then names and checkpoints one
 * filter per request instead of each of them.
 */
@Component
class DirectWebFilters implements WebHttpHandlerBuilderCustomizer {

    @Override
    public void customize(WebHttpHandlerBuilder builder) {
        builder.filters(filters -> {
            if (filters.size() > 1) {
                List<WebFilter> inOrder = List.copyOf(filters);
                filters.clear();
                filters.add(new InOrder(inOrder));
            }
        });
    }

    /** The filters, in order. */
    record InOrder(List<WebFilter> filters) implements WebFilter {

        @Override
        public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
            return DirectFilterChain.of(filters, chain).filter(exchange);
        }

        /** Spring's chain names its filter on every request: a constant, not a new string each time. */
        @Override
        public String toString() {
            return "DirectWebFilters";
        }
    }
}
