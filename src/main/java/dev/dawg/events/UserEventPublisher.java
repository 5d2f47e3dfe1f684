package dev.dawg.events;

import reactor.core.publisher.Mono;

/**
 * Where features hand {@link UserEvent}s for a user's own sessions; the realtime hub implements it. Like
 * {@link ProjectEventPublisher}, publishing never fails: an event that cannot be delivered is logged and counted.
 */
public interface UserEventPublisher {

    /** Publishes the event to the user's connections on every node; completes empty and never errors. */
    Mono<Void> publish(UserEvent event);
}
