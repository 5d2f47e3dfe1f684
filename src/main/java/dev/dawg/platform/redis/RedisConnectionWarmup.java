package dev.dawg.platform.redis;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.data.redis.connection.ReactiveRedisConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.stereotype.Component;

/**
 * Opens Lettuce's shared connection at start-up. Spring Data Redis otherwise opens it lazily on the first
 * command, waiting on a future, which would block whichever event-loop thread happened to ask first. Lettuce
 * then reconnects that same connection by itself after an outage.
 */
@Component
class RedisConnectionWarmup implements SmartInitializingSingleton {

    private static final Logger log = LoggerFactory.getLogger(RedisConnectionWarmup.class);

    private final LettuceConnectionFactory connections;

    RedisConnectionWarmup(LettuceConnectionFactory connections) {
        this.connections = connections;
    }

    @Override
    public void afterSingletonsInstantiated() {
        connections.setEagerInitialization(true);
        try {
            ReactiveRedisConnection connection = connections.getReactiveConnection();
            connection.close();
        }
        catch (RuntimeException ex) {
            log.warn("Redis is not reachable at start-up ({}); realtime events and rate limits wait for it", ex.getMessage());
        }
    }
}
