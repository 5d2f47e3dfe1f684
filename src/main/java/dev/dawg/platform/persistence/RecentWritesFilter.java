package dev.dawg.platform.persistence;

import java.security.Principal;
import java.util.UUID;

import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatusCode;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;


/**
 * After a signed-in caller's successful write (any method but GET, HEAD and OPTIONS), tells {@link ReadRouting}
 * so that their next reads see it. Runs after the security chain, which has identified the caller by then.
 */
@Component
class RecentWritesFilter implements WebFilter {

    private final ReadRouting reads;

    RecentWritesFilter(ReadRouting reads) {
        this.reads = reads;
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
            return exchange.getPrincipal().mapNotNull(RecentWritesFilter::userId).flatMap(reads::wrote);
        });
        return chain.filter(exchange);
    }

    /** A signed-in caller's principal is named by the user's id (see the auth package); any other name is no user. */
    private static UUID userId(Principal principal) {
        try {
            return UUID.fromString(principal.getName());
        }
        catch (IllegalArgumentException ex) {
            return null;
        }
    }
}
