package dev.dawg.realtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

import dev.dawg.support.IntegrationTest;
import dev.dawg.support.LiveSocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One address cannot take a node's WebSockets: past {@code DAWG_REALTIME_MAX_CONNECTIONS_PER_ADDRESS} its
 * handshakes are refused with 429, while every other address still connects. Raw sockets bound to loopback
 * addresses of their own (127.0.0.0/8 is all loopback on Linux) are the clients of each address.
 */
@IntegrationTest
@TestPropertySource(properties = "dawg.realtime.max-connections-per-address=3")
class RealtimeAddressCapIntegrationTests {

    private static final int CAP = 3;
    private static final Duration FREED_WITHIN = Duration.ofSeconds(10);

    @LocalServerPort
    int port;

    private final List<RawWebSocket> opened = new ArrayList<>();

    @AfterEach
    void closeAll() throws IOException {
        for (RawWebSocket socket : opened) {
            socket.close();
        }
    }

    @Test
    void shouldRefuseConnectionsPastTheCapFromOneAddressWhileOthersConnect() throws IOException {
        String crowded = "127.0.1.1";
        for (int i = 0; i < CAP; i++) {
            assertThat(connect(crowded)).as("connection %d of %d", i + 1, CAP).isEqualTo(101);
        }

        RawWebSocket.Attempt extra = RawWebSocket.attempt(crowded, port, "/ws");
        assertThat(extra.status()).isEqualTo(429);
        assertThat(extra.body()).contains("\"code\":\"RATE_LIMITED\"").contains("At most " + CAP + " live connections from one address");

        // Everyone else is unaffected: another address, and the test's own through the JDK client.
        assertThat(connect("127.0.1.2")).isEqualTo(101);
        try (LiveSocket other = LiveSocket.open(port, null)) {
            other.send(Map.of("type", "ping"));
            assertThat(other.next()).containsEntry("type", "pong");
        }

        // Closing one gives its slot back, and only one.
        opened.remove(0).close();
        await().atMost(FREED_WITHIN).pollInterval(Duration.ofMillis(50)).until(() -> connect(crowded) == 101);
        assertThat(RawWebSocket.attempt(crowded, port, "/ws").status()).isEqualTo(429);
    }

    @Test
    void shouldGiveBackTheSlotsOfRefusedHandshakesAndClosedConnections() throws IOException {
        String address = "127.0.1.3";
        for (int i = 0; i < 2 * CAP; i++) {
            // A bad token is refused after the slot was taken: the slot must come back.
            assertThat(RawWebSocket.attempt(address, port, "/ws?token=not-a-token").status()).isEqualTo(401);
        }
        for (int i = 0; i < CAP; i++) {
            assertThat(connect(address)).isEqualTo(101);
        }
        for (RawWebSocket socket : opened) {
            socket.close();
        }
        opened.clear();
        // Once the node has seen them go, the address has its whole share again.
        await().atMost(FREED_WITHIN).pollInterval(Duration.ofMillis(50)).until(() -> {
            while (opened.size() < CAP) {
                if (connect(address) != 101) {
                    return false;
                }
            }
            return true;
        });
        assertThat(RawWebSocket.attempt(address, port, "/ws").status()).isEqualTo(429);
    }

    /** Opens a connection from {@code address}, kept until the test ends; the handshake's status. */
    private int connect(String address) {
        try {
            RawWebSocket.Attempt attempt = RawWebSocket.attempt(address, port, "/ws");
            if (attempt.socket() != null) {
                opened.add(attempt.socket());
            }
            return attempt.status();
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
