package dev.dawg.auth;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import static org.assertj.core.api.Assertions.assertThat;

/** The chain Spring Security's proxy runs a request through: the matched chain's filters, then the application's. */
class DirectSecurityFiltersTest {

    private final List<String> calls = new ArrayList<>();
    private final MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/api/projects"));
    private final WebFilterChain rest = exchange -> Mono.fromRunnable(() -> calls.add("rest"));

    @Test
    void shouldRunTheMatchedChainsFiltersThenTheRest() {
        WebFilter security = (exchange, chain) -> {
            calls.add("security");
            return chain.filter(exchange);
        };
        StepVerifier.create(new DirectSecurityFilters().decorate(rest, List.of(security)).filter(exchange)).verifyComplete();
        assertThat(calls).containsExactly("security", "rest");
    }

    @Test
    void shouldRunTheRestAloneWhenNoChainMatched() {
        StepVerifier.create(new DirectSecurityFilters().decorate(rest).filter(exchange)).verifyComplete();
        StepVerifier.create(new DirectSecurityFilters().decorate(rest, List.of()).filter(exchange)).verifyComplete();
        assertThat(calls).containsExactly("rest", "rest");
    }
}
