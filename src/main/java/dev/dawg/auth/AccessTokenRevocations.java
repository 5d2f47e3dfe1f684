package dev.dawg.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.stereotype.Component;

import dev.dawg.platform.config.DawgProperties;
import dev.dawg.platform.web.RequestIds;

/**
 * The access tokens ended before their expiry (by logout), by {@code jti}: a sorted set in Redis scored by each
 * token's expiry (so it holds nothing past it), and a copy in every node's memory kept current by a Redis channel,
 * which is what the checks that cannot wait (the cached-read fast path) read.
 *
 * <p>Every use of a token asks this node's memory, then Redis. When Redis cannot answer, the check <b>fails
 * open</b> on what this node knows: REST keeps serving through a Redis outage (see the README's Guarantees), an
 * access token lives 15 minutes at most, and its refresh family is revoked in PostgreSQL regardless. A
 * revocation this node heard of is still refused; one it missed is learnt when the channel is subscribed again
 * (the whole set is read then).
 */
@Component
public class AccessTokenRevocations implements SmartLifecycle, AccessTokens.RevocationCheck {

    private static final Logger log = LoggerFactory.getLogger(AccessTokenRevocations.class);
    private static final Duration REDIS_TIMEOUT = Duration.ofSeconds(1);
    /** After Redis failed to answer, checks go by memory alone this long: an outage costs one timeout, not one a request. */
    private static final long MEMORY_ONLY_NANOS = Duration.ofSeconds(2).toNanos();

    /** Adds one revocation, drops the expired ones, tells every node: one round trip, one atomic step. */
    private static final RedisScript<Long> REVOKE = RedisScript.of("""
            redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[3])
            redis.call('PEXPIREAT', KEYS[1], redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')[2])
            return redis.call('PUBLISH', KEYS[2], ARGV[1] .. ' ' .. ARGV[2])
            """, Long.class);

    private final ReactiveStringRedisTemplate redis;
    private final String setKey;
    private final String channel;
    private final Clock clock = Clock.systemUTC();
    /** Revoked ids this node knows of, kept as long as a token lives (so at least until each one's expiry). */
    private final Cache<String, Boolean> known;
    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
    private final Counter failOpen;
    private volatile Disposable subscription;
    private volatile long memoryOnlyUntil = System.nanoTime();

    AccessTokenRevocations(ReactiveStringRedisTemplate redis, DawgProperties properties, MeterRegistry meters) {
        this.redis = redis;
        this.setKey = properties.rateLimit().keyPrefix() + "revoked-access-tokens";
        this.channel = properties.rateLimit().keyPrefix() + "revoked-access-tokens:channel";
        this.known = Caffeine.newBuilder().expireAfterWrite(properties.auth().maxAccessTokenTtl()).maximumSize(1_000_000).build();
        this.failOpen = Counter.builder("dawg.auth.revocation.fail.open")
                .description("Access-token uses let through on this node's memory alone because Redis could not be asked")
                .register(meters);
    }

    /** The shared sorted set (member: jti, score: expiry in epoch milliseconds) and the channel that announces additions. */
    String setKey() {
        return setKey;
    }

    String channel() {
        return channel;
    }

    /** Called with the {@code jti} of every token revoked on any node (the realtime hub closes its sockets). */
    public void onRevoked(Consumer<String> listener) {
        listeners.add(listener);
    }

    @Override
    public boolean revokedHere(String tokenId) {
        return tokenId != null && known.getIfPresent(tokenId) != null;
    }

    @Override
    public Mono<Boolean> revoked(String tokenId) {
        if (tokenId == null || revokedHere(tokenId)) {
            return Mono.just(tokenId != null);
        }
        if (System.nanoTime() - memoryOnlyUntil < 0) {
            failOpen.increment();
            return Mono.just(false);
        }
        return redis.opsForZSet().score(setKey, tokenId)
                .map(expiresAt -> expiresAt > clock.millis())
                .defaultIfEmpty(false)
                .timeout(REDIS_TIMEOUT)
                .onErrorResume(ex -> {
                    failOpen.increment();
                    memoryOnlyUntil = System.nanoTime() + MEMORY_ONLY_NANOS;
                    return RequestIds.logged(() -> log.warn("Could not ask Redis whether an access token was revoked ({}); going by this node's memory",
                            ex.toString())).thenReturn(false);
                });
    }

    /** Ends {@code token} on every node before its expiry. */
    public Mono<Void> revoke(Jwt token) {
        String tokenId = token.getId();
        Instant expiresAt = token.getExpiresAt();
        if (tokenId == null || expiresAt == null || !expiresAt.isAfter(clock.instant())) {
            return Mono.empty();
        }
        learn(tokenId);
        return redis.execute(REVOKE, List.of(setKey, channel),
                        List.of(tokenId, Long.toString(expiresAt.toEpochMilli()), Long.toString(clock.millis())))
                .then()
                .timeout(REDIS_TIMEOUT)
                .onErrorResume(ex -> RequestIds.logged(() ->
                        log.warn("Could not record an access token's revocation in Redis ({}); only this node refuses it", ex.toString())));
    }

    private void learn(String tokenId) {
        if (known.asMap().putIfAbsent(tokenId, Boolean.TRUE) != null) {
            return;
        }
        for (Consumer<String> listener : listeners) {
            try {
                listener.accept(tokenId);
            }
            catch (RuntimeException ex) {
                log.warn("A listener of access-token revocations failed: {}", ex.toString());
            }
        }
    }

    /** Every revocation still in force, read whenever the channel is (re)subscribed: what was missed meanwhile. */
    private Mono<Void> catchUp() {
        return redis.opsForZSet().rangeByScore(setKey, org.springframework.data.domain.Range.closed((double) clock.millis(), Double.MAX_VALUE))
                .doOnNext(this::learn)
                .then();
    }

    // ---- lifecycle: the channel, subscribed again whenever the connection drops (Redis may be away at start-up)

    @Override
    public void start() {
        subscription = Flux.defer(() -> redis.listenToChannelLater(channel)
                        .flatMapMany(messages -> catchUp().thenMany(messages)))
                .map(message -> message.getMessage())
                .doOnNext(payload -> {
                    int space = payload.indexOf(' ');
                    learn(space < 0 ? payload : payload.substring(0, space));
                })
                .retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(100)).maxBackoff(Duration.ofSeconds(2))
                        .doBeforeRetry(signal -> log.debug("Access-token revocation channel lost ({}); subscribing again",
                                signal.failure().toString())))
                .subscribe();
    }

    @Override
    public void stop() {
        Disposable current = subscription;
        if (current != null) {
            current.dispose();
        }
        subscription = null;
    }

    @Override
    public boolean isRunning() {
        return subscription != null;
    }
}
