package dev.dawg.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
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
 * <p>Every revocation is numbered (a counter beside the set, raised in the same script) and its announcement carries
 * the number. Each node publishes a ping on the channel every second carrying the counter's value; hearing its own
 * ping with every number up to that value already heard proves the node missed nothing published before the ping
 * (Redis delivers a channel's messages in the order it ran the publishes). That proof is a {@link #LEASE lease}:
 * while it holds, a token's check is this node's memory alone, with no Redis round trip per request (issue 20: the
 * round trip was a quarter of an authenticated read's CPU). A missing number, a counter that went back (Redis
 * restarted) or a ping that did not come back ends the lease at once or within {@link #LEASE}; the set is read again
 * and, until a new ping proves the node current, each check asks Redis as before. So a revocation this node failed
 * to hear is refused at most {@link #LEASE} late, one it heard at once.
 *
 * <p>When Redis cannot answer, the check <b>fails open</b> on what this node knows: REST keeps serving through a
 * Redis outage (see the README's Guarantees), an access token lives 15 minutes at most, and its refresh family is
 * revoked in PostgreSQL regardless. A revocation this node heard of is still refused; one it missed is learnt when
 * the channel is subscribed again (the whole set is read then).
 */
@Component
public class AccessTokenRevocations implements SmartLifecycle, AccessTokens.RevocationCheck {

    private static final Logger log = LoggerFactory.getLogger(AccessTokenRevocations.class);
    private static final Duration REDIS_TIMEOUT = Duration.ofSeconds(1);
    /** After Redis failed to answer, checks go by memory alone this long: an outage costs one timeout, not one a request. */
    private static final long MEMORY_ONLY_NANOS = Duration.ofSeconds(2).toNanos();

    /** How long one heard ping lets this node answer from memory alone, counted from when the ping was sent. */
    static final Duration LEASE = Duration.ofMillis(2500);
    private static final Duration PING_INTERVAL = Duration.ofSeconds(1);
    private static final String PING = "ping";

    /**
     * Adds one revocation, drops the expired ones, numbers it, tells every node ({@code jti expiry number}): one round
     * trip, one atomic step.
     */
    private static final RedisScript<Long> REVOKE = RedisScript.of("""
            redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[3])
            redis.call('PEXPIREAT', KEYS[1], redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')[2])
            local number = redis.call('INCR', KEYS[3])
            return redis.call('PUBLISH', KEYS[2], ARGV[1] .. ' ' .. ARGV[2] .. ' ' .. number)
            """, Long.class);

    /** {@code ping <node> <sent at> <last number>} on the channel, the number read in the same step as the publish. */
    private static final RedisScript<Long> PUBLISH_PING = RedisScript.of("""
            return redis.call('PUBLISH', KEYS[2], 'ping ' .. ARGV[1] .. ' ' .. ARGV[2] .. ' ' .. (redis.call('GET', KEYS[1]) or '0'))
            """, Long.class);

    /** The last number, then every revocation still in force, read in one step. */
    @SuppressWarnings("rawtypes")
    private static final RedisScript<List> READ_ALL = RedisScript.of("""
            local revoked = redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[1], '+inf')
            table.insert(revoked, 1, redis.call('GET', KEYS[2]) or '0')
            return revoked
            """, List.class);

    private final ReactiveStringRedisTemplate redis;
    private final String setKey;
    private final String channel;
    private final String numberKey;
    /** Tells this node's pings from the others'. */
    private final String nodeId = UUID.randomUUID().toString();
    private final Clock clock = Clock.systemUTC();
    /** Revoked ids this node knows of, kept as long as a token lives (so at least until each one's expiry). */
    private final Cache<String, Boolean> known;
    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
    private final Counter failOpen;
    private volatile Disposable subscription;
    private volatile long memoryOnlyUntil = System.nanoTime();
    /** Until when (System.nanoTime()) this node's memory is known complete; see the class comment. */
    private volatile long leaseUntil = System.nanoTime();
    /** The highest revocation number heard with none missing before it; -1 until the set has been read. */
    private long lastNumber = -1;
    /** A number was skipped or went back: the set must be read again before a lease. Guarded by {@code this}. */
    private boolean missedSome = true;
    private volatile Disposable pings;

    AccessTokenRevocations(ReactiveStringRedisTemplate redis, DawgProperties properties, MeterRegistry meters) {
        this.redis = redis;
        this.setKey = properties.rateLimit().keyPrefix() + "revoked-access-tokens";
        this.channel = properties.rateLimit().keyPrefix() + "revoked-access-tokens:channel";
        this.numberKey = properties.rateLimit().keyPrefix() + "revoked-access-tokens:number";
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
        if (memoryIsComplete()) {
            return Mono.just(false);
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
        return redis.execute(REVOKE, List.of(setKey, channel, numberKey),
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

    /** Whether this node heard every revocation announced up to its last ping, and that ping is recent. */
    boolean memoryIsComplete() {
        return System.nanoTime() - leaseUntil < 0;
    }

    /**
     * Every revocation still in force and the last number, read whenever the channel is (re)subscribed and whenever a
     * number was missed: what went unheard meanwhile.
     */
    private Mono<Void> catchUp() {
        return redis.execute(READ_ALL, List.of(setKey, numberKey), List.of(Long.toString(clock.millis())))
                .collectList()
                .doOnNext(read -> {
                    // The reply as one list, however the executor hands a multi-bulk over (one element or each).
                    List<?> all = read.size() == 1 && read.get(0) instanceof List<?> nested ? nested : read;
                    all.stream().skip(1).map(String::valueOf).forEach(this::learn);
                    synchronized (this) {
                        lastNumber = all.isEmpty() ? 0 : Long.parseLong(String.valueOf(all.get(0)));
                        missedSome = false;
                    }
                })
                .then();
    }

    /** One message of the channel: a revocation ({@code jti expiry [number]}) or a ping. */
    private Mono<Void> heard(String payload) {
        String[] parts = payload.split(" ");
        if (parts[0].equals(PING)) {
            return parts.length == 4 && parts[1].equals(nodeId) ? heardOwnPing(Long.parseLong(parts[2]), Long.parseLong(parts[3])) : Mono.empty();
        }
        learn(parts[0]);
        if (parts.length == 3) {
            long number = Long.parseLong(parts[2]);
            synchronized (this) {
                if (number == lastNumber + 1) {
                    lastNumber = number;
                }
                else if (number > lastNumber) {
                    missed();
                }
            }
        }
        return Mono.empty();
    }

    /**
     * Everything numbered up to {@code number} was published before this ping, so it should have been heard: a higher
     * number means some went unheard, a lower one that the counter went back (Redis lost its data; it keeps nothing on
     * disk). Either way the lease ends and the set is read again.
     */
    private Mono<Void> heardOwnPing(long sentAt, long number) {
        boolean current;
        synchronized (this) {
            if (number != lastNumber) {
                missed();
            }
            current = !missedSome;
        }
        Mono<Void> complete = current ? Mono.empty() : catchUp();
        return complete.doOnSuccess(done -> {
            synchronized (this) {
                if (!missedSome && number <= lastNumber) {
                    leaseUntil = sentAt + LEASE.toNanos();
                }
            }
        });
    }

    /** The highest revocation number this node heard with none missing before it (-1: none read yet). */
    synchronized long heardUpTo() {
        return lastNumber;
    }

    /** Guarded by {@code this}. */
    private void missed() {
        missedSome = true;
        leaseUntil = System.nanoTime();
    }

    // ---- lifecycle: the channel, subscribed again whenever the connection drops (Redis may be away at start-up)

    @Override
    public void start() {
        subscription = Flux.defer(() -> redis.listenToChannelLater(channel)
                                .flatMapMany(messages -> catchUp().thenMany(messages)))
                // Deferred: a message that does not parse is logged and skipped instead of ending the subscription.
                .concatMap(message -> Mono.defer(() -> heard(message.getMessage()))
                        .onErrorResume(ex -> {
                            synchronized (this) {
                                missed(); // whatever it said is unknown: read the set again at the next ping
                            }
                            return RequestIds.logged(() -> log.warn("Could not take an access-token revocation message in ({})", ex.toString()));
                        }))
                .doOnError(ex -> {
                    synchronized (this) {
                        missed();
                    }
                })
                .retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(100)).maxBackoff(Duration.ofSeconds(2))
                        .doBeforeRetry(signal -> log.debug("Access-token revocation channel lost ({}); subscribing again",
                                signal.failure().toString())))
                .subscribe();
        pings = Flux.interval(PING_INTERVAL, PING_INTERVAL)
                .onBackpressureDrop()
                .concatMap(tick -> redis.execute(PUBLISH_PING, List.of(numberKey, channel), List.of(nodeId, Long.toString(System.nanoTime())))
                        .timeout(REDIS_TIMEOUT)
                        .onErrorResume(ex -> Mono.empty()), 1)
                .subscribe();
    }

    @Override
    public void stop() {
        for (Disposable current : new Disposable[] {subscription, pings}) {
            if (current != null) {
                current.dispose();
            }
        }
        subscription = null;
        pings = null;
        synchronized (this) {
            missed();
        }
    }

    @Override
    public boolean isRunning() {
        return subscription != null;
    }
}
