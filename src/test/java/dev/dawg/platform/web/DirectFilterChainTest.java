package dev.dawg.platform.web;

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

/** Each filter once, in order, then the rest of the chain. */
class DirectFilterChainTest {

    private final List<String> calls = new ArrayList<>();
    private final MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/api/projects"));
    private final WebFilterChain rest = exchange -> Mono.fromRunnable(() -> calls.add("rest"));

    @Test
    void shouldCallEachFilterOnceInOrderThenTheRest() {
        WebFilterChain chain = DirectFilterChain.of(List.of(passing("a"), passing("b"), passing("c")), rest);
        StepVerifier.create(chain.filter(exchange)).verifyComplete();
        assertThat(calls).containsExactly("a", "b", "c", "rest");
    }

    @Test
    void shouldStopWhereAFilterAnswersWithoutTheChain() {
        WebFilter refusing = (exchange, chain) -> Mono.fromRunnable(() -> calls.add("refused"));
        WebFilterChain chain = DirectFilterChain.of(List.of(passing("a"), refusing, passing("c")), rest);
        StepVerifier.create(chain.filter(exchange)).verifyComplete();
        assertThat(calls).containsExactly("a", "refused");
    }

    @Test
    void shouldTurnAFilterThatThrowsIntoAnErrorOfTheSubscription() {
        WebFilter throwing = (exchange, chain) -> {
            throw new IllegalStateException("broken filter");
        };
        Mono<Void> filtered = DirectFilterChain.of(List.of(passing("a"), throwing), rest).filter(exchange);
        assertThat(calls).as("nothing runs before subscription").isEmpty();
        StepVerifier.create(filtered).expectErrorMessage("broken filter").verify();
        assertThat(calls).containsExactly("a");
    }

    @Test
    void shouldRunTheRestAloneWithoutFilters() {
        StepVerifier.create(DirectFilterChain.of(List.of(), rest).filter(exchange)).verifyComplete();
        assertThat(calls).containsExactly("rest");
    }

    private WebFilter passing(String name) {
        return (exchange, chain) -> {
            calls.add(name);
            return chain.filter(exchange);
        };
    }
}
