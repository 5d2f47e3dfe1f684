package dev.dawg.platform;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;

import dev.dawg.platform.config.DawgProperties;
import dev.dawg.support.Api;
import dev.dawg.support.IntegrationTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 15, finding 1: chunked JSON bodies with no length, sent in parallel to routes anyone can reach (sign-in,
 * refresh, logout) and to a project PUT. Each body is far over {@code DAWG_MAX_REQUEST_BODY}; the server must stop
 * reading at the limit and answer 413, and the node (this JVM) must not hold more than about the limit per body.
 *
 * <p>The bodies are generated as they are sent (one 64 KB chunk reused), never held by the test; the client keeps
 * sending until the server closes the connection, so that a server that reads on (or stops reading but keeps the
 * connection) is seen.
 */
@IntegrationTest
class BodyFloodIntegrationTests {

    private static final int CHUNK = 64 * 1024;
    private static final long MB = 1024 * 1024;
    /** Bodies of 1 GB; {@code -Dbodies.attack.mb=200} sizes them down (to watch the unbounded code without killing the JVM). */
    private static final long BODY_BYTES = Long.getLong("bodies.attack.mb", 1024) * MB;
    /** What the kernel's socket buffers (client send, server receive) may hold beyond what the server read. */
    private static final long IN_FLIGHT = 32 * MB;

    @Autowired
    Api api;

    @Autowired
    DawgProperties properties;

    @Test
    void shouldStopReadingEveryChunkedBodyAtTheLimitAndStayHealthy() throws Exception {
        long limit = properties.web().maxRequestBody().toBytes();
        Api.User owner = api.signUp();
        String project = (String) api.createProject(owner).get("id");
        String json = "application/json";
        List<Attack> attacks = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            attacks.add(new Attack("POST", "/api/auth/logout", json, null, "{\"refreshToken\":\""));
            attacks.add(new Attack("POST", "/api/auth/login", json, null, "{\"login\":\"someone\",\"password\":\""));
            attacks.add(new Attack("POST", "/api/auth/refresh", json, null, "{\"refreshToken\":\""));
            attacks.add(new Attack("PUT", "/api/projects/" + project, json, owner.bearer(),
                    "{\"title\":\"flood\",\"projectData\":{\"notes\":\""));
        }

        System.gc();
        long baseline = rssBytes();
        RssSampler sampler = new RssSampler();
        CountDownLatch underway = new CountDownLatch(attacks.size());
        List<Thread> threads = new ArrayList<>();
        long started = System.nanoTime();
        for (Attack attack : attacks) {
            Thread thread = new Thread(() -> attack.run(api.port(), underway), "flood " + attack.path);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }

        // A normal request, once every flood is sending: the node still answers.
        assertThat(underway.await(30, TimeUnit.SECONDS)).as("every attack started sending").isTrue();
        api.login(owner.username(), owner.password());
        api.getProject(owner, project).expectStatus().isOk();

        for (Thread thread : threads) {
            thread.join(Duration.ofMinutes(3).toMillis());
        }
        long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        sampler.close();
        long growth = sampler.peak.get() - baseline;

        List<String> report = new ArrayList<>();
        int answered = 0;
        for (Attack attack : attacks) {
            report.add(attack.describe());
            if (attack.status != null) {
                answered++;
            }
        }
        String summary = String.format(Locale.ROOT, "%d bodies of %d MB, limit %d MB, %d ms: RSS %d MB -> peak %d MB (+%d MB), "
                + "%d answers read%n  %s", attacks.size(), BODY_BYTES / MB, limit / MB, elapsed, baseline / MB, sampler.peak.get() / MB,
                growth / MB, answered, String.join("\n  ", report));
        System.out.println("[body flood] " + summary);

        // Every attack ended (the server closed the connection), none got anything but a 413 ...
        for (Attack attack : attacks) {
            assertThat(attack.done).as("ended: %s", attack.describe()).isTrue();
            if (attack.status != null) {
                assertThat(attack.status).as(attack.describe()).startsWith("HTTP/1.1 413");
                assertThat(attack.head.toLowerCase(Locale.ROOT)).as(attack.describe())
                        .contains("content-type: application/problem+json").contains("connection: close");
                assertThat(attack.content).as(attack.describe()).contains("\"code\":\"PAYLOAD_TOO_LARGE\"");
            }
            // ... after the server read about the limit (what it did not read is still in the socket buffers).
            assertThat(attack.sent.get()).as("bytes sent before the server closed: %s", attack.describe())
                    .isLessThan(limit + IN_FLIGHT);
        }
        assertThat(answered).as("413 answers the clients could read (the rest saw the close first)").isPositive();
        assertThat(growth).as(summary).isLessThan(attacks.size() * limit + 64 * MB);
    }

    @Test
    void shouldCloseTheConnectionOnAChunkedBodyNobodyReads() throws Exception {
        // Answered before the body is read (wrong type, bad token, a form field over its 16 KB in an upload): Reactor
        // Netty would read all the rest of the body, to reach the next request, unless the connection is closed.
        Api.User owner = api.signUp();
        String project = (String) api.createProject(owner).get("id");
        String multipart = "multipart/form-data; boundary=flood";
        String field = "--flood\r\nContent-Disposition: form-data; name=\"category\"\r\n\r\n";
        List<Attack> attacks = List.of(
                new Attack("POST", "/api/auth/login", "text/plain", null, "x"),
                new Attack("PUT", "/api/projects/" + project, "application/json", "Bearer not-a-token", "{"),
                new Attack("POST", "/api/projects/" + project + "/assets", multipart, owner.bearer(), field));
        List<Integer> statuses = List.of(415, 401, 400);
        System.gc();
        long baseline = rssBytes();
        try (RssSampler sampler = new RssSampler()) {
            for (int i = 0; i < attacks.size(); i++) {
                Attack attack = attacks.get(i);
                attack.run(api.port(), new CountDownLatch(1));
                System.out.println("[body flood] unread: " + attack.describe());
                assertThat(attack.status).as(attack.describe()).startsWith("HTTP/1.1 " + statuses.get(i));
                assertThat(attack.head.toLowerCase(Locale.ROOT)).as(attack.describe()).contains("connection: close");
                assertThat(attack.writeFailure).as("the server closed the connection: %s", attack.describe()).isNotNull();
            }
            sampler.close();
            System.out.println("[body flood] unread bodies: RSS +" + (sampler.peak.get() - baseline) / MB + " MB");
            assertThat(sampler.peak.get() - baseline).as("RSS growth").isLessThan(64 * MB);
        }
        long limit = properties.web().maxRequestBody().toBytes();
        // The JSON routes gave up at once; the upload route answers once its cleanup is done, dropping what arrives meanwhile.
        assertThat(attacks.get(0).sent.get()).isLessThan(limit + IN_FLIGHT);
        assertThat(attacks.get(1).sent.get()).isLessThan(limit + IN_FLIGHT);
        assertThat(attacks.get(2).sent.get()).isLessThan(BODY_BYTES / 2);
    }

    @Test
    void shouldKeepTheConnectionAfterAShortBodyNobodyReads() throws Exception {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", api.port()), 5000);
            socket.setSoTimeout(10_000);
            String body = "not json, and short";
            socket.getOutputStream().write(("POST /api/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\n"
                    + "Content-Length: " + body.length() + "\r\n\r\n" + body
                    + "GET /api/projects/" + UUID.randomUUID() + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            Attack reader = new Attack("POST", "/api/auth/login", "text/plain", null, "");
            reader.readAnswer(socket);
            assertThat(reader.status).startsWith("HTTP/1.1 415");
            assertThat(reader.head.toLowerCase(Locale.ROOT)).doesNotContain("connection: close");
            reader.readAnswer(socket);
            assertThat(reader.status).as("the next request on the same connection").startsWith("HTTP/1.1 404");
        }
    }

    @Test
    void shouldKeepTheConnectionAfterAShortChunkedBodyNobodyReads() throws Exception {
        // A browser whose upload is refused before its body is read (an expired session: 401) must read that answer;
        // closing while it still sends can reset the connection and lose it. The rest is dropped up to the limit first.
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", api.port()), 5000);
            socket.setSoTimeout(10_000);
            String chunk = "x".repeat(4000);
            String chunks = (Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n").repeat(5) + "0\r\n\r\n";
            socket.getOutputStream().write(("POST /api/projects/" + UUID.randomUUID() + "/assets HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: multipart/form-data; boundary=b\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks
                    + "GET /api/projects/" + UUID.randomUUID() + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            Attack reader = new Attack("POST", "/api/projects/{id}/assets", "multipart/form-data", null, "");
            reader.readAnswer(socket);
            assertThat(reader.status).startsWith("HTTP/1.1 401");
            assertThat(reader.head.toLowerCase(Locale.ROOT)).doesNotContain("connection: close");
            reader.readAnswer(socket);
            assertThat(reader.status).as("the next request on the same connection").startsWith("HTTP/1.1 404");
        }
    }

    /** One flooding client on its own connection: a request head, then chunks until the server closes. */
    static final class Attack {

        final String method;
        final String path;
        final String contentType;
        final String authorization;
        final String opening;
        final AtomicLong sent = new AtomicLong();
        volatile String status;
        volatile String head = "";
        volatile String content = "";
        volatile String writeFailure;
        volatile boolean done;

        Attack(String method, String path, String contentType, String authorization, String opening) {
            this.method = method;
            this.path = path;
            this.contentType = contentType;
            this.authorization = authorization;
            this.opening = opening;
        }

        void run(int port, CountDownLatch underway) {
            boolean counted = false;
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
                socket.setSoTimeout((int) Duration.ofMinutes(2).toMillis());
                Thread reader = new Thread(() -> readAnswer(socket), "answer " + path);
                reader.setDaemon(true);
                reader.start();
                OutputStream out = socket.getOutputStream();
                StringBuilder request = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                        + "\r\nContent-Type: " + contentType + "\r\nTransfer-Encoding: chunked\r\n");
                if (authorization != null) {
                    request.append(HttpHeaders.AUTHORIZATION).append(": ").append(authorization).append("\r\n");
                }
                request.append("If-Match: \"1\"\r\n\r\n");
                out.write(request.toString().getBytes(StandardCharsets.US_ASCII));
                out.write(chunk(opening.getBytes(StandardCharsets.US_ASCII)));
                byte[] filler = new byte[CHUNK];
                Arrays.fill(filler, (byte) 'a');
                byte[] framed = chunk(filler);
                try {
                    while (sent.get() < BODY_BYTES) {
                        out.write(framed);
                        sent.addAndGet(CHUNK);
                        if (!counted && sent.get() >= MB) {
                            underway.countDown();
                            counted = true;
                        }
                    }
                    out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                }
                catch (IOException closed) {
                    writeFailure = closed.toString();
                }
                reader.join(Duration.ofMinutes(2).toMillis());
                done = status != null || writeFailure != null;
            }
            catch (IOException | InterruptedException ex) {
                writeFailure = ex.toString();
                done = false;
            }
            finally {
                if (!counted) {
                    underway.countDown();
                }
            }
        }

        void readAnswer(Socket socket) {
            try {
                InputStream in = socket.getInputStream();
                ByteArrayOutputStream headBytes = new ByteArrayOutputStream();
                int matched = 0;
                while (matched < 4) {
                    int b = in.read();
                    if (b < 0) {
                        return;
                    }
                    headBytes.write(b);
                    matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3)) ? matched + 1 : 0;
                }
                String text = headBytes.toString(StandardCharsets.US_ASCII);
                int length = 0;
                for (String line : text.split("\r\n")) {
                    if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                        length = Integer.parseInt(line.substring("content-length:".length()).trim());
                    }
                }
                head = text;
                content = new String(in.readNBytes(length), StandardCharsets.UTF_8);
                status = text.lines().findFirst().orElse("");
            }
            catch (IOException ex) {
                // A reset before the answer could be read: the writer's outcome tells the rest.
            }
        }

        private static byte[] chunk(byte[] data) {
            byte[] size = (Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            byte[] framed = new byte[size.length + data.length + 2];
            System.arraycopy(size, 0, framed, 0, size.length);
            System.arraycopy(data, 0, framed, size.length, data.length);
            framed[framed.length - 2] = '\r';
            framed[framed.length - 1] = '\n';
            return framed;
        }

        String describe() {
            return String.format(Locale.ROOT, "%s %s: sent %d MB, answer %s, write %s", method, path.replaceAll("[0-9a-f-]{36}", "{id}"),
                    sent.get() / MB, status == null ? "none" : status + " " + content.replaceAll("\\s+", " "),
                    writeFailure == null ? "completed" : writeFailure);
        }
    }

    /** The largest resident set this JVM (which hosts the server) reaches while the attack runs, read every 20 ms. */
    static final class RssSampler implements AutoCloseable {

        final AtomicLong peak = new AtomicLong();
        private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "rss sampler");
            thread.setDaemon(true);
            return thread;
        });

        RssSampler() {
            timer.scheduleAtFixedRate(this::sample, 0, 20, TimeUnit.MILLISECONDS);
        }

        private void sample() {
            try {
                peak.accumulateAndGet(rssBytes(), Math::max);
            }
            catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        }

        @Override
        public void close() throws InterruptedException {
            timer.shutdown();
            timer.awaitTermination(5, TimeUnit.SECONDS);
            sample();
        }
    }

    static long rssBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }
}
