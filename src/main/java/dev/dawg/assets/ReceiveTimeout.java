package dev.dawg.assets;

import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.publisher.Operators;

/**
 * Fails a request body whose client sends nothing for a while although the server is waiting for it. Reactor's
 * {@code timeout} alone also counts the time the server itself is not asking for more (a part being stored while the
 * next one is full), which would time out a healthy upload behind a slow store; this timer runs only while bytes are
 * asked for and none came.
 */
final class ReceiveTimeout {

    private ReceiveTimeout() {
    }

    static <T> Flux<T> of(Flux<T> body, Duration idle, Supplier<? extends Throwable> failure) {
        return Flux.defer(() -> {
            Demand demand = new Demand();
            Mono<Long> timer = Mono.defer(demand::waiting).then(Mono.delay(idle));
            // Upstream of the timeout, so an item is counted delivered before the next timer starts.
            return body.doOnRequest(demand::requested)
                    .doOnNext(item -> demand.delivered())
                    .timeout(timer, item -> timer)
                    .onErrorMap(TimeoutException.class, ex -> failure.get());
        });
    }

    /** Items asked for and not yet delivered, and a timer waiting for there to be some. */
    private static final class Demand {

        private long outstanding;
        private MonoSink<Void> waiter;

        void requested(long n) {
            MonoSink<Void> woken;
            synchronized (this) {
                outstanding = Operators.addCap(outstanding, n);
                woken = waiter;
                waiter = null;
            }
            if (woken != null) {
                woken.success();
            }
        }

        synchronized void delivered() {
            if (outstanding != Long.MAX_VALUE && outstanding > 0) {
                outstanding--;
            }
        }

        /** Completes as soon as something is asked for (at once if it already is). */
        Mono<Void> waiting() {
            return Mono.create(sink -> {
                boolean now;
                synchronized (this) {
                    now = outstanding > 0;
                    if (!now) {
                        waiter = sink;
                    }
                }
                if (now) {
                    sink.success();
                }
            });
        }
    }
}
