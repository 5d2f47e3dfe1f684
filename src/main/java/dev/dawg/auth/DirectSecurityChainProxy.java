package dev.dawg.auth;

import java.util.List;

import reactor.core.publisher.Mono;

import org.springframework.security.web.server.MatcherSecurityWebFilterChain;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.WebFilterChainProxy;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedException;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedHandler;
import org.springframework.security.web.server.firewall.ServerWebExchangeFirewall;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Spring Security's {@link WebFilterChainProxy}, step for step (the firewall, the first chain that matches, its filters
 * through the decorator, the firewall's refusals to the rejected handler), without a {@code Flux} per request. Ours
 * for speed: Spring's picks the chain with {@code Flux.filterWhen}, whose subscriber allocates a 256-slot buffer, and
 * collects the chain's filters into a new list, on every request; here a chain's filters are read once, and chains are
 * tried one after another.
 */
final class DirectSecurityChainProxy extends WebFilterChainProxy {

    /** A security chain and, when they are fixed (Spring's own chains), its filters read once. */
    private record Chain(SecurityWebFilterChain chain, List<WebFilter> fixedFilters) {

        static Chain of(SecurityWebFilterChain chain) {
            // A MatcherSecurityWebFilterChain hands out the list it was built with; read at start-up, not per request.
            return new Chain(chain, chain instanceof MatcherSecurityWebFilterChain
                    ? chain.getWebFilters().collectList().block() : null);
        }

        Mono<List<WebFilter>> filters() {
            return fixedFilters != null ? Mono.just(fixedFilters) : chain.getWebFilters().collectList();
        }
    }

    private final List<Chain> chains;
    private final ServerWebExchangeFirewall firewall;
    private final ServerExchangeRejectedHandler rejectedHandler;
    private final WebFilterChainDecorator decorator;

    DirectSecurityChainProxy(List<SecurityWebFilterChain> chains, ServerWebExchangeFirewall firewall,
            ServerExchangeRejectedHandler rejectedHandler, WebFilterChainDecorator decorator) {
        super(chains);
        this.chains = chains.stream().map(Chain::of).toList();
        this.firewall = firewall;
        this.rejectedHandler = rejectedHandler;
        this.decorator = decorator;
        // The superclass's fields hold the same parts, for whatever inspects the proxy (AuthIntegrationTests reads its
        // decorator); its filter, which would use them, is replaced.
        setFirewall(firewall);
        setExchangeRejectedHandler(rejectedHandler);
        setFilterChainDecorator(decorator);
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        return firewall.getFirewalledExchange(exchange)
                .flatMap(firewalled -> filterFrom(0, firewalled, chain))
                .onErrorResume(ServerExchangeRejectedException.class,
                        rejected -> rejectedHandler.handle(exchange, rejected).then(Mono.empty()));
    }

    /** The first chain from {@code index} on that matches runs the exchange; none matching, the rest of the chain does. */
    private Mono<Void> filterFrom(int index, ServerWebExchange exchange, WebFilterChain rest) {
        if (index == chains.size()) {
            return decorator.decorate(rest).filter(exchange);
        }
        Chain candidate = chains.get(index);
        // An empty answer is "no match", as Flux.filterWhen takes it.
        return candidate.chain().matches(exchange)
                .defaultIfEmpty(Boolean.FALSE)
                .flatMap(matches -> matches
                        ? candidate.filters().flatMap(filters -> decorator.decorate(rest, filters).filter(exchange))
                        : filterFrom(index + 1, exchange, rest));
    }
}
