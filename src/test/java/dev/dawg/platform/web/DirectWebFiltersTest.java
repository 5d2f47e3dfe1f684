package dev.dawg.platform.web;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import org.springframework.http.HttpStatus;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.http.server.reactive.MockServerHttpResponse;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.adapter.WebHttpHandlerBuilder;

import static org.assertj.core.api.Assertions.assertThat;

/** The application's filters handed to Spring as one, run in the order Spring gave them. */
class DirectWebFiltersTest {

    private final List<String> calls = new ArrayList<>();

    @Test
    void shouldHandSpringOneFilterThatRunsEveryFilterInOrder() {
        WebHttpHandlerBuilder builder = WebHttpHandlerBuilder
                .webHandler(exchange -> Mono.fromRunnable(() -> calls.add("handler")))
                .filter(passing("a"), passing("b"), passing("c"));
        new DirectWebFilters().customize(builder);

        List<WebFilter> handedToSpring = new ArrayList<>();
        builder.filters(handedToSpring::addAll);
        assertThat(handedToSpring).singleElement().hasToString("DirectWebFilters");

        StepVerifier.create(builder.build().handle(MockServerHttpRequest.get("/api/projects").build(), new MockServerHttpResponse()))
                .verifyComplete();
        assertThat(calls).containsExactly("a", "b", "c", "handler");
    }

    @Test
    void shouldLeaveTheHandlerUnreachedWhenAFilterAnswers() {
        WebFilter refusing = (exchange, chain) -> {
            calls.add("refused");
            exchange.getResponse().setStatusCode(HttpStatus.FORBIDDEN);
            return exchange.getResponse().setComplete();
        };
        WebHttpHandlerBuilder builder = WebHttpHandlerBuilder
                .webHandler(exchange -> Mono.fromRunnable(() -> calls.add("handler")))
                .filter(passing("a"), refusing, passing("c"));
        new DirectWebFilters().customize(builder);
        MockServerHttpResponse response = new MockServerHttpResponse();

        StepVerifier.create(builder.build().handle(MockServerHttpRequest.get("/api/projects").build(), response)).verifyComplete();
        assertThat(calls).containsExactly("a", "refused");
        assertThat(response.getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
    }

    @Test
    void shouldLeaveASingleFilterAsItIs() {
        WebFilter only = passing("only");
        WebHttpHandlerBuilder builder = WebHttpHandlerBuilder.webHandler(exchange -> Mono.empty()).filter(only);
        new DirectWebFilters().customize(builder);
        List<WebFilter> handedToSpring = new ArrayList<>();
        builder.filters(handedToSpring::addAll);
        assertThat(handedToSpring).containsExactly(only);
    }

    private WebFilter passing(String name) {
        return (exchange, chain) -> {
            calls.add(name);
            return chain.filter(exchange);
        };
    }
}
