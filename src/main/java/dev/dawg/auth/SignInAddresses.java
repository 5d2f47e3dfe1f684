package dev.dawg.auth;

import java.time.Duration;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.stereotype.Component;

import dev.dawg.platform.config.DawgProperties;
import dev.dawg.platform.web.RequestIds;

/**
 * The addresses each account was signed in from (a right password, a sign-up or a refresh), remembered in Redis
 * for {@link #REMEMBERED}: once an account's budget of failed sign-ins is spent, only these addresses may still
 * try, so guesses from everywhere cannot lock the owner out of their own address.
 */
@Component
class SignInAddresses {

    /** Longer than a refresh token lives, so an owner who keeps a session keeps their addresses known. */
    static final Duration REMEMBERED = Duration.ofDays(30);
    private static final Duration REDIS_TIMEOUT = Duration.ofSeconds(1);
    private static final Logger log = LoggerFactory.getLogger(SignInAddresses.class);

    private final ReactiveStringRedisTemplate redis;
    private final String keyPrefix;

    SignInAddresses(ReactiveStringRedisTemplate redis, DawgProperties properties) {
        this.redis = redis;
        this.keyPrefix = properties.rateLimit().keyPrefix() + "signed-in:";
    }

    /** Whether the account was signed in from this address; false when Redis cannot say (the stricter budget). */
    Mono<Boolean> known(UUID userId, String address) {
        return redis.hasKey(key(userId, address))
                .timeout(REDIS_TIMEOUT)
                .onErrorResume(ex -> RequestIds.logged(() -> log.warn("Could not look up the sign-in addresses of an account ({})", ex.toString()))
                        .thenReturn(false));
    }

    Mono<Void> remember(UUID userId, String address) {
        return redis.opsForValue().set(key(userId, address), "1", REMEMBERED)
                .timeout(REDIS_TIMEOUT)
                .onErrorResume(ex -> RequestIds.logged(() -> log.warn("Could not remember a sign-in address ({})", ex.toString()))
                        .thenReturn(false))
                .then();
    }

    private String key(UUID userId, String address) {
        return keyPrefix + userId + ":" + address;
    }
}
