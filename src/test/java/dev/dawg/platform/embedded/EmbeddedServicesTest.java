package dev.dawg.platform.embedded;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** Embedded servers are shared by the application contexts of a JVM: one context's end stops only what no other uses. */
class EmbeddedServicesTest {

    @Test
    void shouldKeepAServerAnotherContextUsesWhenAContextFails(@TempDir Path dataDir) {
        FakeServer server = new FakeServer();
        EmbeddedServices.Lease running = new EmbeddedServices.Lease();
        EmbeddedServices.Lease failing = new EmbeddedServices.Lease();
        EmbeddedServices.startAsync("Fake", dataDir, running, () -> server).join();
        EmbeddedServices.startAsync("Fake", dataDir, failing, () -> {
            throw new AssertionError("a running server is shared, not started again");
        }).join();

        // A failed refresh destroys the context's beans and then publishes ApplicationFailedEvent: both release.
        failing.release();
        failing.release();
        assertThat(server.closed).as("still used by the other context").isFalse();

        running.release();
        assertThat(server.closed).as("stopped with the last context using it").isTrue();
    }

    private static final class FakeServer implements EmbeddedServer {

        volatile boolean closed;

        @Override
        public Map<String, Object> connectionProperties() {
            return Map.of();
        }

        @Override
        public String summary() {
            return "Fake server";
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
