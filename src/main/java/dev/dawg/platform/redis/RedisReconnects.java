package dev.dawg.platform.redis;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.resource.Delay;

import org.springframework.boot.data.redis.autoconfigure.ClientResourcesBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Lettuce's reconnect back-off, capped at {@link #MAX_DELAY}: its default grows to 30 s, so after a longer Redis
 * outage rate limits, play counts and events stayed off for up to half a minute after Redis was back.
 */
@Configuration(proxyBeanMethods = false)
class RedisReconnects {

    static final Duration MAX_DELAY = Duration.ofSeconds(2);

    @Bean
    ClientResourcesBuilderCustomizer cappedReconnectDelay() {
        return resources -> resources.reconnectDelay(Delay.exponential(Duration.ofMillis(100), MAX_DELAY, 2, TimeUnit.MILLISECONDS));
    }
}
