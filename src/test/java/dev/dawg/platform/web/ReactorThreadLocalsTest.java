package dev.dawg.platform.web;

import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.context.ContextRegistry;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;
import reactor.util.context.Context;

import static org.assertj.core.api.Assertions.assertThat;

class ReactorThreadLocalsTest {

    @Test
    void shouldLeaveHandleOperatorsNoThreadLocalToRestore() {
        // The registry is global: the class path's own accessors (Spring Security's, the observation's) may already
        // be gone if a server started in this JVM; this one is there either way.
        AtomicInteger restored = new AtomicInteger();
        ContextRegistry.getInstance().registerThreadLocalAccessor("test.key", () -> null, value -> restored.incrementAndGet(), () -> { });
        assertThat(ContextRegistry.getInstance().getThreadLocalAccessors()).isNotEmpty();

        new ReactorThreadLocals();

        assertThat(ContextRegistry.getInstance().getThreadLocalAccessors()).isEmpty();
        StepVerifier.create(Flux.range(1, 3).<Integer>handle((value, sink) -> sink.next(value)).contextWrite(Context.of("test.key", "set")))
                .expectNext(1, 2, 3).verifyComplete();
        assertThat(restored).as("thread locals set around handle's signals").hasValue(0);
    }
}
