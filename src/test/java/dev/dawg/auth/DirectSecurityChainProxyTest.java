package dev.dawg.auth;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.security.web.server.MatcherSecurityWebFilterChain;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedException;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedHandler;
import org.springframework.security.web.server.firewall.ServerWebExchangeFirewall;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher.MatchResult;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import static org.assertj.core.api.Assertions.assertThat;

/** Spring Security's proxy steps, as {@link DirectSecurityChainProxy} takes them: Spring's behaviour, case by case. */
class DirectSecurityChainProxyTest {

    private final List<String> calls = new ArrayList<>();
    private final MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/api/projects"));
    private final WebFilterChain rest = exchange -> Mono.fromRunnable(() -> calls.add("rest"));
    private final ServerExchangeRejectedHandler rejected = (exchange, refusal) -> Mono.fromRunnable(
            () -> calls.add("rejected: " + refusal.getMessage()));

    @Test
    void shouldRunTheFirstMatchingChainsFiltersThenTheRestWithoutAskingTheChainsAfterIt() {
        SecurityWebFilterChain first = chain("first", false);
        SecurityWebFilterChain second = chain("second", true);
        SecurityWebFilterChain third = chain("third", true);

        StepVerifier.create(proxy(ServerWebExchangeFirewall.INSECURE_NOOP, first, second, third).filter(exchange, rest))
                .verifyComplete();

        assertThat(calls).containsExactly("matches first", "matches second", "second", "rest");
    }

    @Test
    void shouldRunTheRestAloneWhenNoChainMatches() {
        StepVerifier.create(proxy(ServerWebExchangeFirewall.INSECURE_NOOP, chain("only", false)).filter(exchange, rest))
                .verifyComplete();

        assertThat(calls).containsExactly("matches only", "rest");
    }

    @Test
    void shouldTakeAnEmptyMatchAsNoMatch() {
        SecurityWebFilterChain silent = new SecurityWebFilterChain() {
            @Override
            public Mono<Boolean> matches(ServerWebExchange exchange) {
                calls.add("matches silent");
                return Mono.empty();
            }

            @Override
            public Flux<WebFilter> getWebFilters() {
                return Flux.just(recording("silent"));
            }
        };

        StepVerifier.create(proxy(ServerWebExchangeFirewall.INSECURE_NOOP, silent, chain("next", true)).filter(exchange, rest))
                .verifyComplete();

        assertThat(calls).containsExactly("matches silent", "matches next", "next", "rest");
    }

    @Test
    void shouldReadTheFiltersOfAChainThatIsNotSpringsOwnOnEveryRequest() {
        List<WebFilter> filters = new ArrayList<>(List.of(recording("a")));
        SecurityWebFilterChain changing = new SecurityWebFilterChain() {
            @Override
            public Mono<Boolean> matches(ServerWebExchange exchange) {
                return Mono.just(true);
            }

            @Override
            public Flux<WebFilter> getWebFilters() {
                return Flux.fromIterable(List.copyOf(filters));
            }
        };
        DirectSecurityChainProxy proxy = proxy(ServerWebExchangeFirewall.INSECURE_NOOP, changing);

        StepVerifier.create(proxy.filter(exchange, rest)).verifyComplete();
        filters.add(recording("b"));
        StepVerifier.create(proxy.filter(exchange, rest)).verifyComplete();

        assertThat(calls).containsExactly("a", "rest", "a", "b", "rest");
    }

    @Test
    void shouldHandTheFirewallsRefusalToTheRejectedHandlerAndRunNothingElse() {
        ServerWebExchangeFirewall refusing = exchange -> Mono.error(new ServerExchangeRejectedException("encoded slash"));

        StepVerifier.create(proxy(refusing, chain("any", true)).filter(exchange, rest)).verifyComplete();

        assertThat(calls).containsExactly("rejected: encoded slash");
    }

    @Test
    void shouldRunTheChainOnTheFirewalledExchange() {
        List<ServerWebExchange> seen = new ArrayList<>();
        ServerWebExchange firewalled = exchange.mutate().build();
        SecurityWebFilterChain chain = new MatcherSecurityWebFilterChain(candidate -> {
            seen.add(candidate);
            return MatchResult.match();
        }, List.of((candidate, next) -> {
            seen.add(candidate);
            return next.filter(candidate);
        }));

        StepVerifier.create(proxy(exchange -> Mono.just(firewalled), chain).filter(exchange, candidate -> {
            seen.add(candidate);
            return Mono.empty();
        })).verifyComplete();

        assertThat(seen).containsExactly(firewalled, firewalled, firewalled);
    }

    private DirectSecurityChainProxy proxy(ServerWebExchangeFirewall firewall, SecurityWebFilterChain... chains) {
        return new DirectSecurityChainProxy(List.of(chains), firewall, rejected, new DirectSecurityFilters());
    }

    /** Spring's own kind of chain, which says it was asked, and whose one filter says it ran. */
    private SecurityWebFilterChain chain(String name, boolean matches) {
        ServerWebExchangeMatcher matcher = exchange -> {
            calls.add("matches " + name);
            return matches ? MatchResult.match() : MatchResult.notMatch();
        };
        return new MatcherSecurityWebFilterChain(matcher, List.of(recording(name)));
    }

    private WebFilter recording(String name) {
        return (exchange, chain) -> {
            calls.add(name);
            return chain.filter(exchange);
        };
    }
}
