package dev.dawg.platform.redis;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.resource.Delay;

import org.springframework.boot.data.redis.autoconfigure.ClientResourcesBuilderCustomizer;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientOptionsBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * How every Lettuce client of the server behaves around a Redis outage: Spring Data Redis's through these beans,
 * the realtime hub's own on the same {@code ClientResources} and with {@link #rejectCommandsWhileDisconnected}.
 * The reconnect back-off is capped at {@link #MAX_DELAY}: the default grows to 30 s, so rate limits, play counts
 * and events stayed off for up to half a minute after Redis was back. And while disconnected a client refuses
 * commands at once instead of queueing them until their timeout: every Redis-backed step of a request (rate
 * limit, event publication) then gives up immediately, so writes do not each pay a full timeout during an outage.
 */
@Configuration(proxyBeanMethods = false)
public class RedisReconnects {

    static final Duration MAX_DELAY = Duration.ofSeconds(2);

    @Bean
    ClientResourcesBuilderCustomizer cappedReconnectDelay() {
        return resources -> resources.reconnectDelay(Delay.exponential(Duration.ofMillis(100), MAX_DELAY, 2, TimeUnit.MILLISECONDS));
    }

    @Bean
    LettuceClientOptionsBuilderCustomizer rejectCommandsWhileDisconnected() {
        return RedisReconnects::rejectCommandsWhileDisconnected;
    }

    public static ClientOptions.Builder rejectCommandsWhileDisconnected(ClientOptions.Builder options) {
        return options.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS);
    }
}
