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
 * blocking call on an event-loop thread fails the test that made it.
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
                // Lettuce guards every command write with a ReentrantLock held for a CAS loop (no I/O); two event loops
                // writing at once contend for it. BlockHound's error thrown from inside Lettuce's write path left
                // requests unanswered (a 30 s hang found by ApiFuzzIntegrationTests; see redis/lettuce#2510, #3804).
                .allowBlockingCallsInside("io.lettuce.core.protocol.SharedLock", "incrementWriters")
                // Netty 4.2's adaptive allocator takes a StampedLock (memory only) when it grows its magazines; Netty's own
                // BlockHound integration does not list this path yet. Seen as a 500 by ApiFuzzIntegrationTests.
                .allowBlockingCallsInside("io.netty.buffer.AdaptivePoolingAllocator$MagazineGroup", "tryExpandMagazines")
                // Printed as well as thrown: a reactive library may swallow the error and leave a request hanging.
                .blockingMethodCallback(method -> {
                    Error error = new reactor.blockhound.BlockingOperationError(method);
                    error.printStackTrace();
                    throw error;
                }));
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
