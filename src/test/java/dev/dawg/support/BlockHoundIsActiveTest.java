package dev.dawg.support;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/** The guard itself: a blocking call on a non-blocking thread is seen and reported, never silently allowed. */
class BlockHoundIsActiveTest {

    @Test
    void shouldRecordABlockingCallMadeOnANonBlockingThread() {
        BlockingCalls.drain();
        StepVerifier.create(Mono.fromCallable(() -> {
                    Thread.sleep(1);
                    return "slept";
                }).subscribeOn(Schedulers.parallel()))
                .expectNext("slept")
                .expectComplete()
                .verify(Duration.ofSeconds(10));

        // Drained here so that the extension does not fail this test for the call it provoked on purpose.
        assertThat(BlockingCalls.drain()).singleElement().asString()
                .contains("java.lang.Thread.sleep", "parallel-", "BlockHoundIsActiveTest");
    }

    @Test
    void shouldAllowTheSameCallOnAThreadThatMayBlock() {
        BlockingCalls.drain();
        StepVerifier.create(Mono.fromCallable(() -> {
                    Thread.sleep(1);
                    return "slept";
                }).subscribeOn(Schedulers.boundedElastic()))
                .expectNext("slept")
                .expectComplete()
                .verify(Duration.ofSeconds(10));

        assertThat(BlockingCalls.drain()).isEmpty();
    }
}
