package dev.dawg.platform.redis;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.connection.ReactiveRedisConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.stereotype.Component;

/**
 * Opens Lettuce's shared connection whenever the application starts (again), before the web server takes
 * requests. Spring Data Redis otherwise opens it lazily on the first command, connecting while it holds a
 * lock, which would block whichever event-loop thread asked first and park the others behind it. Lettuce then
 * reconnects that same connection by itself after an outage.
 */
@Component
class RedisConnectionWarmup implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(RedisConnectionWarmup.class);
    /** After the connection factory (phase 0) has started, well before the web server. */
    private static final int PHASE = 1;

    private final LettuceConnectionFactory connections;
    private volatile boolean running;

    RedisConnectionWarmup(LettuceConnectionFactory connections) {
        this.connections = connections;
        connections.setEagerInitialization(true);
    }

    @Override
    public void start() {
        try {
            ReactiveRedisConnection connection = connections.getReactiveConnection();
            connection.close();
        }
        catch (RuntimeException ex) {
            log.warn("Redis is not reachable at start-up ({}); realtime events and rate limits wait for it", ex.getMessage());
        }
        running = true;
    }

    @Override
    public void stop() {
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }
}
