package dev.dawg.realtime;

import java.io.IOException;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.dawg.support.IntegrationTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 15, finding 1, for WebSocket messages: the frame-size limit ({@code DAWG_REALTIME_MAX_FRAME_SIZE}) bounds a
 * whole message, not each frame, so a message sent as many small fragments (continuation frames) is closed with
 * 1009 once it passes the limit, rather than gathered in memory without end.
 */
@IntegrationTest
class FragmentedFrameLimitIntegrationTests {

    @LocalServerPort
    int port;

    @Autowired
    RealtimeProperties settings;

    @Test
    void shouldCloseWithTooBigOnAMessageSentInFragmentsPastTheLimit() throws IOException {
        int limit = (int) settings.maxFrameSize().toBytes();
        byte[] fragment = new byte[limit / 4];
        Arrays.fill(fragment, (byte) 'x');
        try (RawWebSocket raw = RawWebSocket.open(port, "/ws", 0)) {
            raw.send(RawWebSocket.TEXT, "{\"type\":\"ping\",\"pad\":\"".getBytes(StandardCharsets.UTF_8), false);
            int sent = 0;
            // Each fragment is far under the limit; together they pass it after five. The client goes on to 1000.
            try {
                for (int i = 0; i < 1000; i++) {
                    raw.send(RawWebSocket.CONTINUATION, fragment, false);
                    sent++;
                }
            }
            catch (SocketException closed) {
                // The server closed the connection while fragments were still coming: what is asserted below.
            }
            int code = raw.readUntilClosed();
            System.out.println("[fragments] closed with " + code + " after " + sent + " fragments of " + fragment.length + " bytes");
            assertThat(code).as("after %d fragments of %d bytes", sent, fragment.length).isIn(1009, -1);
            assertThat(sent).as("fragments the server took before closing").isLessThan(1000);
        }
    }

    @Test
    void shouldAcceptAMessageSentInFragmentsWithinTheLimit() throws IOException {
        try (RawWebSocket raw = RawWebSocket.open(port, "/ws", 0)) {
            raw.send(RawWebSocket.TEXT, "{\"type\":".getBytes(StandardCharsets.UTF_8), false);
            raw.send(RawWebSocket.CONTINUATION, "\"ping\"".getBytes(StandardCharsets.UTF_8), false);
            raw.send(RawWebSocket.CONTINUATION, "}".getBytes(StandardCharsets.UTF_8), true);
            RawWebSocket.Frame answer = raw.read();
            while (answer.opcode() != RawWebSocket.TEXT || !answer.text().contains("pong")) {
                assertThat(answer.opcode()).as("frame before the pong").isNotEqualTo(RawWebSocket.CLOSE);
                answer = raw.read();
            }
            assertThat(answer.text()).contains("\"type\":\"pong\"");
        }
    }
}
