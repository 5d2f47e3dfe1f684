package dev.dawg.realtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

import org.springframework.stereotype.Component;

/**
 * The Redis channels this node subscribes to, each with the local connections listening to it: a channel is
 * subscribed when its first listener arrives and unsubscribed when its last one leaves, so a node hears only
 * about projects (and owners) someone connected to it follows.
 *
 * <p>A channel stays wanted while Redis is away; once the subscriber connection is back, Lettuce subscribes to
 * the channels it knew and {@link #reconcile()} to the rest. A confirmation that arrives after a loss tells the
 * channel's listeners to catch up from the history, since events published meanwhile reached nobody here.
 *
 * <p>Nothing is called out of this class while its lock is held: listeners take their own locks.
 */
@Component
final class ChannelRegistry {

    private static final Logger log = LoggerFactory.getLogger(ChannelRegistry.class);
    private static final ProjectFeeds[] NONE = new ProjectFeeds[0];
    private static final Duration SUBSCRIBE_TIMEOUT = Duration.ofSeconds(3);
    private static final String PROJECT_PREFIX = "dawg:events:project:";
    private static final String USER_PREFIX = "dawg:events:user:";

    /** One Redis channel and its local listeners. */
    static final class Channel {

        final String name;
        /** An owner's channel (all events of the projects they own), else a project's (what subscribers see). */
        final boolean ownerChannel;
        final UUID id;
        volatile ProjectFeeds[] listeners = NONE;
        private boolean active;
        private boolean requested;
        private boolean lost;
        private final List<Sinks.Empty<Void>> waiting = new ArrayList<>();

        Channel(String name) {
            this.name = name;
            this.ownerChannel = name.startsWith(USER_PREFIX);
            this.id = UUID.fromString(name.substring(ownerChannel ? USER_PREFIX.length() : PROJECT_PREFIX.length()));
        }

        private List<Sinks.Empty<Void>> takeWaiting() {
            List<Sinks.Empty<Void>> taken = List.copyOf(waiting);
            waiting.clear();
            return taken;
        }
    }

    private final RealtimeRedis redis;
    private final Map<String, Channel> channels = new ConcurrentHashMap<>();
    private final Object lock = new Object();

    ChannelRegistry(RealtimeRedis redis) {
        this.redis = redis;
    }

    int size() {
        return channels.size();
    }

    /** The channel, for dispatching a message; null when nobody here listens to it. */
    Channel channel(String name) {
        return channels.get(name);
    }

    /** Adds a listener; the channel is subscribed if it was not (see {@link #awaitActive} to wait for that). */
    void join(String name, ProjectFeeds listener) {
        boolean request;
        synchronized (lock) {
            Channel channel = channels.computeIfAbsent(name, Channel::new);
            ProjectFeeds[] listeners = Arrays.copyOf(channel.listeners, channel.listeners.length + 1);
            listeners[listeners.length - 1] = listener;
            channel.listeners = listeners;
            request = claimRequest(channel);
        }
        if (request) {
            requestSubscription(name);
        }
    }

    /** Completes once Redis has confirmed the subscription, so nothing published from then on is missed. */
    Mono<Void> awaitActive(String name) {
        Sinks.Empty<Void> ready = Sinks.empty();
        boolean request;
        synchronized (lock) {
            Channel channel = channels.get(name);
            if (channel == null) {
                return Mono.error(new IllegalStateException("Nobody listens to " + name));
            }
            if (channel.active) {
                return Mono.empty();
            }
            if (!redis.subscriberConnected()) {
                return Mono.error(new RealtimeRedis.RedisUnavailableException());
            }
            channel.waiting.add(ready);
            request = claimRequest(channel);
        }
        if (request) {
            requestSubscription(name);
        }
        // Resumed on another thread: the confirmation arrives on Redis's I/O thread, which must not run subscribers.
        return ready.asMono().timeout(SUBSCRIBE_TIMEOUT).publishOn(Schedulers.parallel());
    }

    void leave(String name, ProjectFeeds listener) {
        boolean unsubscribe = false;
        List<Sinks.Empty<Void>> abandoned = List.of();
        synchronized (lock) {
            Channel channel = channels.get(name);
            if (channel == null) {
                return;
            }
            channel.listeners = Arrays.stream(channel.listeners).filter(each -> each != listener).toArray(ProjectFeeds[]::new);
            if (channel.listeners.length == 0) {
                channels.remove(name);
                unsubscribe = channel.active || channel.requested;
                abandoned = channel.takeWaiting();
            }
        }
        if (unsubscribe) {
            redis.unsubscribe(name);
        }
        abandoned.forEach(waiter -> waiter.tryEmitError(new IllegalStateException("Left " + name)));
    }

    /** Redis confirmed a subscription: ours, or Lettuce's own after a reconnect. */
    void subscribed(String name) {
        List<Sinks.Empty<Void>> ready;
        ProjectFeeds[] catchUp = null;
        Channel channel;
        synchronized (lock) {
            channel = channels.get(name);
            if (channel == null) {
                ready = null;
            }
            else {
                boolean resumed = !channel.requested || channel.lost;
                channel.requested = false;
                channel.lost = false;
                channel.active = true;
                ready = channel.takeWaiting();
                if (resumed) {
                    catchUp = channel.listeners;
                }
            }
        }
        if (channel == null) {
            // Left while Redis was away, then resubscribed by Lettuce: nobody here wants it.
            redis.unsubscribe(name);
            return;
        }
        ready.forEach(Sinks.Empty::tryEmitEmpty);
        if (catchUp != null) {
            log.debug("Resubscribed to {}; {} listeners catch up", name, catchUp.length);
            for (ProjectFeeds listener : catchUp) {
                listener.resubscribed(channel);
            }
        }
    }

    /** The subscriber connection dropped: whatever is published until it is back reaches nobody here. */
    void connectionLost() {
        List<Sinks.Empty<Void>> failed = new ArrayList<>();
        synchronized (lock) {
            for (Channel channel : channels.values()) {
                markLost(channel, failed);
            }
        }
        failed.forEach(waiter -> waiter.tryEmitError(new RealtimeRedis.RedisUnavailableException()));
    }

    /** Called every heartbeat tick: subscribes what is wanted but not subscribed (after an outage, say). */
    void reconcile() {
        boolean connected = redis.subscriberConnected();
        List<String> toRequest = new ArrayList<>();
        List<Sinks.Empty<Void>> failed = new ArrayList<>();
        synchronized (lock) {
            for (Channel channel : channels.values()) {
                if (!connected) {
                    markLost(channel, failed);
                }
                else if (claimRequest(channel)) {
                    toRequest.add(channel.name);
                }
            }
        }
        failed.forEach(waiter -> waiter.tryEmitError(new RealtimeRedis.RedisUnavailableException()));
        toRequest.forEach(this::requestSubscription);
    }

    private static void markLost(Channel channel, List<Sinks.Empty<Void>> failed) {
        if (channel.active) {
            channel.active = false;
            channel.lost = true;
        }
        channel.requested = false;
        failed.addAll(channel.takeWaiting());
    }

    private boolean claimRequest(Channel channel) {
        if (channel.active || channel.requested || !redis.subscriberConnected()) {
            return false;
        }
        channel.requested = true;
        return true;
    }

    private void requestSubscription(String name) {
        redis.subscribe(name).whenComplete((ok, ex) -> {
            if (ex != null) {
                subscriptionFailed(name);
            }
        });
    }

    private void subscriptionFailed(String name) {
        List<Sinks.Empty<Void>> failed = List.of();
        synchronized (lock) {
            Channel channel = channels.get(name);
            if (channel != null && !channel.active) {
                channel.requested = false;
                failed = channel.takeWaiting();
            }
        }
        failed.forEach(waiter -> waiter.tryEmitError(new RealtimeRedis.RedisUnavailableException()));
    }
}
