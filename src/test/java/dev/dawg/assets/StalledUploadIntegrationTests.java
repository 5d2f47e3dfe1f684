package dev.dawg.assets;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

import dev.dawg.support.Api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Streamed uploads whose client stops sending mid-body (raw sockets): they hold no more than their owner's share of
 * the node's upload slots, are answered 408 once nothing arrived for the idle timeout, and leave nothing behind.
 */
@AssetIntegrationTest
// The same settings as PresignedUrlLifetimeIntegrationTests, so that both share one application context.
@TestPropertySource(properties = { "dawg.assets.upload-url-ttl=" + PresignedUrlLifetimeIntegrationTests.URL_TTL,
        "dawg.assets.upload-idle-timeout=" + StalledUploadIntegrationTests.IDLE_TIMEOUT })
public class StalledUploadIntegrationTests {

    static final String IDLE_TIMEOUT = "2s";
    private static final Duration IDLE = Duration.parse("PT" + IDLE_TIMEOUT);

    @Autowired
    Api api;

    @Autowired
    AssetApi assets;

    @Autowired
    AssetProperties properties;

    @LocalServerPort
    int port;

    @Test
    void shouldLetAnotherUserUploadWhileTenUploadsStallAndAnswerTheStalledOnes408AfterTheIdleTimeout() throws Exception {
        Api.User attacker = api.signUp();
        UUID attackersProject = assets.project(attacker, "private");
        Api.User other = api.signUp();
        UUID othersProject = assets.project(other, "private");
        Set<String> before = assets.storedKeys();
        byte[] body = AssetApi.multipartFile(AssetApi.wav(4 * 1024 * 1024));
        ExecutorService readers = Executors.newCachedThreadPool();
        List<StalledUpload> stalled = new ArrayList<>();
        Map<String, Object> othersAsset;
        try {
            for (int i = 0; i < 10; i++) {
                stalled.add(StalledUpload.start(port, attackersProject, attacker.bearer(), body, 64 * 1024, readers));
            }
            // Each is being received (its row is there) or was answered at once.
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    assets.uploadRows(attacker.id()) + stalled.stream().filter(upload -> upload.answer.isDone()).count() == 10);

            long started = System.nanoTime();
            othersAsset = assets.uploaded(other, othersProject, "tone.wav", AssetApi.resource("tone-44k1-16bit-mono.wav"));
            long otherMs = (System.nanoTime() - started) / 1_000_000;

            List<RawAnswer> answers = new ArrayList<>();
            for (StalledUpload upload : stalled) {
                answers.add(upload.answer.get(IDLE.toMillis() + 30_000, TimeUnit.MILLISECONDS));
            }
            List<RawAnswer> timedOut = answers.stream().filter(answer -> answer.status == 408).toList();
            List<RawAnswer> refused = answers.stream().filter(answer -> answer.status == 429).toList();
            System.out.printf("another user's upload took %d ms during the stall; stalled answers: %s%n", otherMs,
                    answers.stream().map(answer -> answer.status + " after " + answer.afterMs + " ms").toList());
            assertThat(timedOut.size() + refused.size()).as("408 or 429 each: %s", answers).isEqualTo(10);
            assertThat(timedOut).as("stalled uploads received: the attacker's share of the node").hasSize(properties.maxConcurrentUploadsPerUser());
            for (RawAnswer answer : timedOut) {
                assertThat(answer.headers.get("content-type")).startsWith("application/problem+json");
                assertThat(answer.body).contains("\"code\":\"REQUEST_TIMEOUT\"");
                // Not before the idle timeout; after it, by as long as a loaded machine takes to clean up and answer.
                assertThat(answer.afterMs).as("ms from the stall to the 408").isBetween(IDLE.toMillis() - 100, IDLE.toMillis() + 20_000);
            }
            for (RawAnswer answer : refused) {
                assertThat(answer.headers.get("content-type")).startsWith("application/problem+json");
                assertThat(answer.headers).containsKey("retry-after");
                assertThat(answer.body).contains("\"code\":\"RATE_LIMITED\"");
            }
        }
        finally {
            for (StalledUpload upload : stalled) {
                upload.socket.close();
            }
            readers.shutdownNow();
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(assets.uploadRows(attacker.id())).as("uploads in flight").isZero();
            assertThat(assets.usedBytes(attacker.id())).as("quota held").isZero();
            assertThat(assets.assetRows(attackersProject)).isZero();
            String othersKey = assets.objectKey(UUID.fromString((String) othersAsset.get("id")));
            assertThat(before).as("objects in the bucket").containsAll(assets.storedKeys().stream().filter(key -> !key.equals(othersKey)).toList());
        });
    }

    /** An upload sent over a raw socket up to {@code sent} bytes of its body, then left hanging. */
    private record StalledUpload(Socket socket, CompletableFuture<RawAnswer> answer) {

        static StalledUpload start(int port, UUID project, String bearer, byte[] body, int sent, ExecutorService readers)
                throws IOException {
            Socket socket = new Socket("localhost", port);
            socket.setSoTimeout(60_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/projects/" + project + "/assets HTTP/1.1\r\nHost: localhost\r\n"
                    + "Authorization: " + bearer + "\r\n"
                    + "Content-Type: multipart/form-data; boundary=" + AssetApi.MULTIPART_BOUNDARY + "\r\n"
                    + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body, 0, sent);
            out.flush();
            long stalledAt = System.nanoTime();
            return new StalledUpload(socket, CompletableFuture.supplyAsync(() -> RawAnswer.read(socket, stalledAt), readers));
        }
    }

    /** An HTTP/1.1 answer read off a raw socket, and how long after the stall it came. */
    private record RawAnswer(int status, Map<String, String> headers, String body, long afterMs) {

        static RawAnswer read(Socket socket, long since) {
            try {
                InputStream in = socket.getInputStream();
                ByteArrayOutputStream head = new ByteArrayOutputStream();
                while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                    int b = in.read();
                    if (b < 0) {
                        throw new IOException("closed before an answer: " + head);
                    }
                    head.write(b);
                }
                long afterMs = (System.nanoTime() - since) / 1_000_000;
                String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
                Map<String, String> headers = new TreeMap<>();
                for (int i = 1; i < lines.length; i++) {
                    int colon = lines[i].indexOf(':');
                    headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
                }
                String length = headers.get("content-length");
                byte[] content = length == null ? new byte[0] : in.readNBytes(Integer.parseInt(length));
                return new RawAnswer(Integer.parseInt(lines[0].split(" ")[1]), headers, new String(content, StandardCharsets.UTF_8), afterMs);
            }
            catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        }
    }
}
