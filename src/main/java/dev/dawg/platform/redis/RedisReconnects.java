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
 * How Lettuce behaves around a Redis outage. Its reconnect back-off is capped at {@link #MAX_DELAY}: the default
 * grows to 30 s, so rate limits, play counts and events stayed off for up to half a minute after Redis was back.
 * And while disconnected it refuses commands at once instead of queueing them until their timeout: every
 * Redis-backed step of a request (rate limit, event publication) then gives up immediately, so writes do not
 * each pay a full timeout during an outage.
 */
@Configuration(proxyBeanMethods = false)
class RedisReconnects {

    static final Duration MAX_DELAY = Duration.ofSeconds(2);

    @Bean
    ClientResourcesBuilderCustomizer cappedReconnectDelay() {
        return resources -> resources.reconnectDelay(Delay.exponential(Duration.ofMillis(100), MAX_DELAY, 2, TimeUnit.MILLISECONDS));
    }

    @Bean
    LettuceClientOptionsBuilderCustomizer rejectCommandsWhileDisconnected() {
        return options -> options.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS);
    }
}
