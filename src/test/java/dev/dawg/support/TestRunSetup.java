package dev.dawg.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;
import reactor.blockhound.BlockHound;

/**
 * Once per test JVM: gives the embedded services a fresh data directory and installs BlockHound, so any
 * blocking call on an event-loop thread fails the test that made it (through {@link NoBlockingCallsExtension}).
 */
public class TestRunSetup implements LauncherSessionListener {

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        String dataDir = System.getProperty("dawg.data-dir");
        if (dataDir != null && System.getenv("DAWG_DATA_DIR") == null) {
            deleteRecursively(Path.of(dataDir));
        }
        BlockHound.install(builder -> builder
                // Logback appends synchronously to the console; test output is not a request path.
                .allowBlockingCallsInside("ch.qos.logback.core.OutputStreamAppender", "writeBytes")
                // SecureRandom reads /dev/urandom, which never blocks once the kernel is seeded.
                .allowBlockingCallsInside("java.security.SecureRandom", "nextBytes")
                .allowBlockingCallsInside("java.util.UUID", "randomUUID")
                // Lettuce guards the hand-over of a command to its connection with a short in-memory lock; event
                // loops that dispatch to one shared connection at the same moment briefly wait on it (seen under load).
                .allowBlockingCallsInside("io.lettuce.core.protocol.SharedLock", "incrementWriters")
                .allowBlockingCallsInside("io.lettuce.core.protocol.SharedLock", "decrementWriters")
                // Netty 4.2's adaptive allocator takes a short lock when it grows its magazines under contention.
                .allowBlockingCallsInside("io.netty.buffer.AdaptivePoolingAllocator$MagazineGroup", "tryExpandMagazines")
                .allowBlockingCallsInside("io.netty.buffer.AdaptivePoolingAllocator$Magazine", "free")
                // Spring Data Redis guards a script's cached SHA-1 with a lock (memory only); the rate limiter's fail-open
                // swallowed the BlockHound error, letting requests through unchecked (seen by ApiFuzzIntegrationTests).
                .allowBlockingCallsInside("org.springframework.data.redis.core.script.DefaultRedisScript", "getSha1")
                // Spring Data Redis hands out its shared reactive connection under a lock on every command; once the
                // connection is open (RedisConnectionWarmup opens it at every start) the lock only guards a field.
                .allowBlockingCallsInside("org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory",
                        "getOrCreateSharedReactiveConnection")
                .allowBlockingCallsInside("org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory$SharedConnection",
                        "getConnection")
                // Caffeine is lock-free; when a write races an eviction it spins (Thread.onSpinWait) for a moment
                // instead of parking. The project caches are written on event loops (seen by NoLostUpdateIntegrationTests).
                .allowBlockingCallsInside("com.github.benmanes.caffeine.cache.BoundedLocalCache", "put")
                .allowBlockingCallsInside("com.github.benmanes.caffeine.cache.BoundedLocalCache", "afterWrite")
                // The MinIO client hands each request to OkHttp's dispatcher, whose thread pool takes its short in-memory
                // lock when it adds a worker; seen once from the storage health check (ManagementPortIntegrationTests).
                .allowBlockingCallsInside("okhttp3.Dispatcher", "promoteAndExecute")
                // Cancelling a periodic task (Flux.interval) removes it from the scheduler's queue under that queue's short
                // in-memory lock. Reactor's own BlockHound integration allows this for SchedulerTask and WorkerTask but
                // not for their periodic kinds; seen once when a processing job's heartbeat stopped on a Lettuce loop.
                .allowBlockingCallsInside("reactor.core.scheduler.PeriodicWorkerTask", "dispose")
                .allowBlockingCallsInside("reactor.core.scheduler.InstantPeriodicWorkerTask", "dispose")
                .allowBlockingCallsInside("reactor.core.scheduler.PeriodicSchedulerTask", "dispose")
                // Recorded, not thrown (see BlockingCalls); NoBlockingCallsExtension fails the test that made it.
                .blockingMethodCallback(method -> BlockingCalls.record(method.toString())));
    }

    private static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
        catch (IOException ex) {
            throw new IllegalStateException("Cannot clear the test data directory " + root, ex);
        }
    }
}
