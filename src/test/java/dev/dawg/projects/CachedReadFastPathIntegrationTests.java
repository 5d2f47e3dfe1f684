package dev.dawg.projects;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.dawg.support.Api;
import dev.dawg.support.Api.User;
import dev.dawg.support.IntegrationTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The in-memory answer to {@code GET /api/projects/{id}} is the handler's answer: same status, headers and body
 * (a client's own {@code X-Request-Id} sends a request through Spring, which is how the two are compared), and
 * it is only given when the access rule allows it and everything is in memory.
 */
@IntegrationTest
class CachedReadFastPathIntegrationTests {

    @Autowired
    Api api;

    @Autowired
    MeterRegistry meters;

    @Autowired
    ProjectMetadataCache heads;

    @BeforeEach
    void listening() {
        await().atMost(Duration.ofSeconds(10)).until(heads::serving);
    }

    @Test
    void shouldAnswerAnonymousAndSignedInReadsFromMemoryExactlyAsTheHandlerDoes() {
        User owner = api.signUp();
        Object publicId = api.createProject(owner, Map.of("visibility", "public", "projectData", Map.of("tempo", 128))).get("id");
        Object privateId = api.createProject(owner, Map.of("projectData", Map.of("tempo", 90))).get("id");

        for (User caller : new User[] { null, owner }) {
            Object id = caller == null ? publicId : privateId;
            get(caller, id, null, null); // the first read fills the memory
            double before = fromMemory();
            EntityExchangeResult<byte[]> fast = get(caller, id, null, null);
            EntityExchangeResult<byte[]> framework = get(caller, id, null, "compare-" + System.nanoTime());

            assertThat(fromMemory() - before).as("served from memory").isEqualTo(1);
            assertSameAnswer(fast, framework);
            assertThat(fast.getStatus().value()).isEqualTo(200);

            String etag = fast.getResponseHeaders().getETag();
            before = fromMemory();
            EntityExchangeResult<byte[]> fastNotModified = get(caller, id, etag, null);
            EntityExchangeResult<byte[]> frameworkNotModified = get(caller, id, etag, "compare-" + System.nanoTime());
            assertThat(fromMemory() - before).isEqualTo(1);
            assertThat(fastNotModified.getStatus().value()).isEqualTo(304);
            assertSameAnswer(fastNotModified, frameworkNotModified);
        }
    }

    @Test
    void shouldLeaveEveryRefusalToTheHandler() {
        User owner = api.signUp();
        User stranger = api.signUp();
        Object privateId = api.createProject(owner).get("id");
        Object publicId = api.createProject(owner, Map.of("visibility", "public")).get("id");
        get(owner, privateId, null, null);
        get(stranger, publicId, null, null);
        double before = fromMemory();

        assertThat(get(stranger, privateId, null, null).getStatus().value()).isEqualTo(404);
        assertThat(get(null, privateId, null, null).getStatus().value()).isEqualTo(404);
        api.http().get().uri("/api/projects/{id}", publicId).header(HttpHeaders.AUTHORIZATION, "Bearer not-a-token")
                .exchange().expectStatus().isUnauthorized();

        assertThat(fromMemory() - before).as("nothing refused from memory").isZero();
    }

    @Test
    void shouldStopAnsweringFromMemoryWhenTheProjectIsMadePrivate() {
        User owner = api.signUp();
        Object id = api.createProject(owner, Map.of("visibility", "public")).get("id");
        get(null, id, null, null);
        assertThat(get(null, id, null, null).getStatus().value()).isEqualTo(200);

        api.putProject(owner, id, 1, Map.of("title", "Now private", "visibility", "private", "projectData", Map.of())).expectStatus().isOk();

        assertThat(get(null, id, null, null).getStatus().value()).isEqualTo(404);
    }

    @Test
    void shouldKeepPipelinedAnswersInOrder() throws IOException {
        User owner = api.signUp();
        Object id = api.createProject(owner, Map.of("visibility", "public")).get("id");
        get(null, id, null, null);
        get(null, id, null, null);

        // Two requests in one write: a slower one that Spring answers, then one that memory could answer at once.
        String requests = "GET /api/projects/" + id + "/versions HTTP/1.1\r\nHost: localhost\r\n\r\n"
                + "GET /api/projects/" + id + " HTTP/1.1\r\nHost: localhost\r\n\r\n";
        String answers;
        try (Socket socket = new Socket("127.0.0.1", api.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(requests.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            answers = readUntil(socket.getInputStream(), "\"projectData\"");
        }

        int versions = answers.indexOf("\"items\"");
        int project = answers.indexOf("\"projectData\"");
        assertThat(versions).as("the history answered").isPositive();
        assertThat(project).as("the project answered, after the history").isGreaterThan(versions);
    }

    private EntityExchangeResult<byte[]> get(User caller, Object id, String ifNoneMatch, String requestId) {
        WebTestClient.RequestHeadersSpec<?> request = api.http().get().uri("/api/projects/{id}", id);
        if (caller != null) {
            request = request.header(HttpHeaders.AUTHORIZATION, caller.bearer());
        }
        if (ifNoneMatch != null) {
            request = request.header(HttpHeaders.IF_NONE_MATCH, ifNoneMatch);
        }
        if (requestId != null) {
            request = request.header("X-Request-Id", requestId);
        }
        return request.exchange().expectBody().returnResult();
    }

    private static void assertSameAnswer(EntityExchangeResult<byte[]> fast, EntityExchangeResult<byte[]> framework) {
        SameAnswers.assertSameAnswer(fast, framework);
        assertThat(fast.getResponseHeaders().getFirst("X-Request-Id")).isNotBlank();
    }

    private double fromMemory() {
        return meters.counter("dawg.projects.reads.from.memory").count();
    }

    /** What the server sent until {@code marker} (or the socket's read timeout, or its close). */
    private static String readUntil(InputStream in, String marker) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        byte[] chunk = new byte[8192];
        try {
            for (int read; (read = in.read(chunk)) > 0;) {
                bytes.write(chunk, 0, read);
                if (bytes.toString(StandardCharsets.UTF_8).contains(marker)) {
                    break;
                }
            }
        }
        catch (java.net.SocketTimeoutException ex) {
            // What came is checked below.
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
