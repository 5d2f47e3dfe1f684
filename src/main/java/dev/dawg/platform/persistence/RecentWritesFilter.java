package dev.dawg.platform.persistence;

import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatusCode;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

import dev.dawg.auth.Callers;
import dev.dawg.auth.CurrentUser;

/**
 * After a signed-in caller's successful write (any method but GET, HEAD and OPTIONS), tells {@link ReadRouting}
 * so that their next reads see it. Runs after the security chain, which has identified the caller by then.
 */
@Component
class RecentWritesFilter implements WebFilter {

    private final ReadRouting reads;
    private final Callers callers;

    RecentWritesFilter(ReadRouting reads, Callers callers) {
        this.reads = reads;
        this.callers = callers;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        HttpMethod method = exchange.getRequest().getMethod();
        if (!reads.hasReplica() || method == HttpMethod.GET || method == HttpMethod.HEAD || method == HttpMethod.OPTIONS) {
            return chain.filter(exchange);
        }
        // Marked before the answer is written, so a read that follows the answer is already routed.
        exchange.getResponse().beforeCommit(() -> {
            HttpStatusCode status = exchange.getResponse().getStatusCode();
            if (status == null || !status.is2xxSuccessful()) {
                return Mono.empty();
            }
            return callers.optional(exchange).flatMap(caller -> caller.map(CurrentUser::id).map(reads::wrote).orElse(Mono.empty()));
        });
        return chain.filter(exchange);
    }
}
