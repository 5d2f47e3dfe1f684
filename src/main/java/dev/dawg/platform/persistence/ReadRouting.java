package dev.dawg.platform.persistence;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactoryOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;

import dev.dawg.platform.config.DawgProperties;
import dev.dawg.platform.web.RequestIds;

/**
 * Where a read that can tolerate a little lag goes: to the streaming replica named by {@code DAWG_DB_REPLICA_URL}
 * when there is one, else to the primary. A caller who wrote within {@code DAWG_DB_READ_YOUR_WRITES_WINDOW} reads
 * from the primary, so nobody misses their own change: the mark is kept on this node and in Redis (for the other
 * nodes); when Redis cannot say, the read goes to the primary. A replica that fails a read is not the caller's
 * problem either: the read is made again on the primary.
 */
@Component
public class ReadRouting implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(ReadRouting.class);
    private static final String WRITER_KEY = "dawg:recent-writer:";
    private static final Duration REDIS_ANSWER_WITHIN = Duration.ofMillis(250);

    private final DatabaseClient primary;
    private final DatabaseClient replica;
    private final ConnectionPool replicaPool;
    private final Duration window;
    private final Cache<UUID, Boolean> recentWriters;
    private final ReactiveStringRedisTemplate redis;
    private final Counter replicaReads;
    private final Counter primaryReads;
    private final Counter replicaFailures;

    ReadRouting(DatabaseClient primary, DawgProperties properties, ReactiveStringRedisTemplate redis, MeterRegistry meters) {
        DawgProperties.Db db = properties.db();
        this.primary = primary;
        this.redis = redis;
        this.window = db.readYourWritesWindow();
        this.recentWriters = Caffeine.newBuilder().expireAfterWrite(window).maximumSize(100_000).build();
        if (db.replicaUrl().isBlank()) {
            this.replicaPool = null;
            this.replica = null;
        }
        else {
            ConnectionFactoryOptions options = ConnectionFactoryOptions.parse(r2dbcUrl(db.replicaUrl())).mutate()
                    .option(ConnectionFactoryOptions.USER, db.user())
                    .option(ConnectionFactoryOptions.PASSWORD, db.password())
                    .option(ConnectionFactoryOptions.CONNECT_TIMEOUT, db.connectTimeout())
                    .build();
            this.replicaPool = new ConnectionPool(ConnectionPoolConfiguration.builder(ConnectionFactories.get(options))
                    .initialSize(1)
                    .maxSize(db.poolSize())
                    .maxAcquireTime(db.connectTimeout())
                    .maxCreateConnectionTime(db.connectTimeout())
                    .maxValidationTime(db.connectTimeout())
                    .name("replica")
                    .build());
            this.replica = DatabaseConfiguration.client(new DeadlineConnectionFactory(replicaPool, db.queryTimeout()));
            log.info("Reads that tolerate lag go to the replica at {}", db.replicaUrl().replaceAll("//[^@/]*@", "//"));
        }
        this.replicaReads = Counter.builder("dawg.db.reads").tag("target", "replica").register(meters);
        this.primaryReads = Counter.builder("dawg.db.reads").tag("target", "primary").register(meters);
        this.replicaFailures = Counter.builder("dawg.db.replica.failures")
                .description("Reads the replica failed, made again on the primary").register(meters);
    }

    private static String r2dbcUrl(String url) {
        return url.startsWith("r2dbc:") ? url : "r2dbc:" + url.replaceFirst("^jdbc:", "");
    }

    /** Runs a lag-tolerant read for {@code callerId} (null when anonymous) where it belongs. */
    public <T> Flux<T> read(UUID callerId, Function<DatabaseClient, Flux<T>> query) {
        if (replica == null) {
            return query.apply(primary);
        }
        return wroteRecently(callerId).flatMapMany(recent -> {
            if (recent) {
                primaryReads.increment();
                return query.apply(primary);
            }
            replicaReads.increment();
            // Made again on the primary only while nothing was sent: rows already sent would come twice.
            AtomicBoolean sent = new AtomicBoolean();
            return query.apply(replica).doOnNext(row -> sent.set(true)).onErrorResume(failure -> !sent.get(), failure -> {
                replicaFailures.increment();
                return RequestIds.logged(() -> log.debug("A read failed on the replica ({}); made again on the primary", failure.toString()))
                        .thenMany(query.apply(primary));
            });
        });
    }

    private Mono<Boolean> wroteRecently(UUID callerId) {
        if (callerId == null) {
            return Mono.just(false);
        }
        if (recentWriters.getIfPresent(callerId) != null) {
            return Mono.just(true);
        }
        return redis.hasKey(WRITER_KEY + callerId)
                .timeout(REDIS_ANSWER_WITHIN)
                .onErrorReturn(true);
    }

    /** Marks {@code userId} as having just written: their reads go to the primary for the window. */
    public Mono<Void> wrote(UUID userId) {
        if (replica == null) {
            return Mono.empty();
        }
        recentWriters.put(userId, Boolean.TRUE);
        return redis.opsForValue().set(WRITER_KEY + userId, "1", window)
                .timeout(REDIS_ANSWER_WITHIN)
                .onErrorResume(failure -> Mono.empty())
                .then();
    }

    public boolean hasReplica() {
        return replica != null;
    }

    @Override
    public void destroy() {
        if (replicaPool != null) {
            replicaPool.dispose();
        }
    }
}
