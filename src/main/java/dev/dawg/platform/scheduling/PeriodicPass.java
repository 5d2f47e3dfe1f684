package dev.dawg.platform.scheduling;

import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.context.SmartLifecycle;

/**
 * A background pass (a sweep, a clean-up) that runs on every tick while the application runs: one pass at a time, a
 * tick that arrives during a pass runs one more pass after it (never a backlog), and a failed pass is logged and
 * tried again at the next tick instead of ending the schedule.
 */
public abstract class PeriodicPass implements SmartLifecycle {

    private final Logger log = LoggerFactory.getLogger(getClass());
    private volatile Disposable running;

    /** When passes run: typically {@link Flux#interval(Duration, Duration)}, maybe merged with passes asked for. */
    protected abstract Flux<?> ticks();

    /** One pass; its failure is logged and the next tick runs another. */
    protected abstract Mono<?> pass();

    /** When the next pass runs, for the log line of a failed one (e.g. "in 10m"). */
    protected abstract String nextRun();

    @Override
    public void start() {
        running = ticks()
                .onBackpressureLatest()
                .concatMap(tick -> pass().onErrorResume(ex -> {
                    log.warn("{} failed; it runs again {}", getClass().getSimpleName(), nextRun(), ex);
                    return Mono.empty();
                }), 0)
                .subscribe();
    }

    @Override
    public void stop() {
        Disposable current = running;
        if (current != null) {
            current.dispose();
        }
        running = null;
    }

    @Override
    public boolean isRunning() {
        return running != null && !running.isDisposed();
    }
}
