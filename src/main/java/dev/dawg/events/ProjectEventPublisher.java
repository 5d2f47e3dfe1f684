package dev.dawg.events;

import reactor.core.publisher.Mono;

/**
 * Where features hand their {@link ProjectEvent}s once a write has committed; the realtime hub implements it.
 * Publishing never fails, nor noticeably delays, the write: an event that cannot be delivered is logged and counted,
 * and live clients catch up by reloading.
 */
public interface ProjectEventPublisher {

    /** Publishes the event; completes empty whether or not it could be delivered, and never errors. */
    Mono<Void> publish(ProjectEvent event);
}
