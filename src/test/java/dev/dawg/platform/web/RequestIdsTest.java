package dev.dawg.platform.web;

import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.slf4j.MDC;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.util.context.Context;

import static org.assertj.core.api.Assertions.assertThat;

class RequestIdsTest {

    @Test
    void shouldEchoOnlySaneIds() {
        assertThat(RequestIds.isSafe("client-abc_1.2:3")).isTrue();
        assertThat(RequestIds.isSafe("a".repeat(128))).isTrue();
        assertThat(RequestIds.isSafe("")).isFalse();
        assertThat(RequestIds.isSafe("a".repeat(129))).isFalse();
        assertThat(RequestIds.isSafe("bad id")).isFalse();
        assertThat(RequestIds.isSafe("tab\there")).isFalse();
        assertThat(RequestIds.isSafe("caf\u00e9")).isFalse();
        assertThat(RequestIds.isSafe("a/b")).isFalse();
    }

    @Test
    void shouldPutTheRequestIdInTheMdcOnlyWhileTheLineIsWritten() {
        AtomicReference<String> seen = new AtomicReference<>();
        MDC.remove(RequestIds.CONTEXT_KEY);
        Mono<String> fallback = Mono.<String>error(new IllegalStateException("Redis away"))
                .onErrorResume(ex -> RequestIds.logged(() -> seen.set(MDC.get(RequestIds.CONTEXT_KEY))).thenReturn("fallback"))
                .contextWrite(Context.of(RequestIds.CONTEXT_KEY, "req-4711"));
        StepVerifier.create(fallback).expectNext("fallback").verifyComplete();
        assertThat(seen).hasValue("req-4711");
        assertThat(MDC.get(RequestIds.CONTEXT_KEY)).isNull();
    }

    @Test
    void shouldRestoreWhatTheMdcHeldBefore() {
        MDC.put(RequestIds.CONTEXT_KEY, "outer");
        try {
            assertThat(RequestIds.inMdc("inner", () -> MDC.get(RequestIds.CONTEXT_KEY))).isEqualTo("inner");
            assertThat(MDC.get(RequestIds.CONTEXT_KEY)).isEqualTo("outer");
        }
        finally {
            MDC.remove(RequestIds.CONTEXT_KEY);
        }
    }

    @Test
    void shouldTellUuidsFromOtherPathIds() {
        assertThat(Ids.isUuid("0015199d-d761-405a-9f3f-3e8380297A99")).isTrue();
        assertThat(Ids.isUuid("0015199d-d761-405a-9f3f-3e8380297a9")).isFalse();
        assertThat(Ids.isUuid("0015199dXd761-405a-9f3f-3e8380297a99")).isFalse();
        assertThat(Ids.isUuid("0015199d-d761-405a-9f3f-3e8380297a9g")).isFalse();
        assertThat(Ids.isUuid("+015199d-d761-405a-9f3f-3e8380297a99")).isFalse();
        assertThat(Ids.isUuid(null)).isFalse();
    }
}
