package dev.dawg.platform;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;

import dev.dawg.support.Api;
import dev.dawg.support.IntegrationTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Protocol-level requests answered in the one problem shape, spoken over a raw socket so that what the server
 * sends is seen byte for byte: HEAD answers like GET without a body (not 405), a request line over Netty's
 * limit is 414 and headers over it 431, both problem+json with a request id instead of Netty's empty body.
 */
@IntegrationTest
class ProtocolErrorsIntegrationTests {

    @Autowired
    Api api;

    @Autowired
    JsonMapper json;

    @Test
    void shouldAnswerHeadOnAGetRouteLikeGetWithoutABody() throws IOException {
        Api.User owner = api.signUp();
        Object id = api.createProject(owner, Map.of("title", "Heads up")).get("id");
        String auth = "Authorization: " + owner.bearer() + "\r\n";

        for (String path : new String[] { "/api/projects/" + id, "/api/projects/" + id + "/versions", "/api/system-assets" }) {
            Response get = send("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n" + auth + "Connection: close\r\n\r\n");
            Response head = send("HEAD " + path + " HTTP/1.1\r\nHost: localhost\r\n" + auth + "Connection: close\r\n\r\n");

            assertThat(get.status()).as("GET " + path).isEqualTo(200);
            assertThat(head.status()).as("HEAD " + path).isEqualTo(200);
            assertThat(head.body()).as("HEAD body").isEmpty();
            assertThat(head.header("content-type")).isEqualTo(get.header("content-type"));
            assertThat(head.header("etag")).isEqualTo(get.header("etag"));
            if (head.header("content-length") != null) {
                assertThat(Integer.parseInt(head.header("content-length"))).as("HEAD Content-Length").isEqualTo(get.body().length());
            }
        }
    }

    @Test
    void shouldAnswerHeadOfAMissingResourceWith404AndAPathWithoutGetWith405() throws IOException {
        Response missing = send("HEAD /api/projects/00000000-0000-0000-0000-000000000000 HTTP/1.1\r\nHost: localhost\r\n"
                + "Authorization: " + api.signUp().bearer() + "\r\nConnection: close\r\n\r\n");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.body()).isEmpty();

        Response postOnly = send("HEAD /api/auth/login HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        assertThat(postOnly.status()).isEqualTo(405);
        assertThat(postOnly.header("allow")).isEqualTo("POST");
        assertThat(postOnly.body()).isEmpty();
    }

    @Test
    void shouldAnswerAnOverLongRequestLineWith414InTheProblemShape() throws IOException {
        Response response = send("GET /api/search/projects?q=" + "a".repeat(5000) + " HTTP/1.1\r\nHost: localhost\r\n\r\n");

        Map<String, Object> problem = assertProblem(response, 414, "URI_TOO_LONG");
        assertThat(problem.get("detail").toString()).contains("4 KB");
    }

    @Test
    void shouldAnswerOversizedHeadersWith431InTheProblemShape() throws IOException {
        Response response = send("GET /api/system-assets HTTP/1.1\r\nHost: localhost\r\nX-Padding: " + "p".repeat(9000) + "\r\n\r\n");

        assertProblem(response, 431, "REQUEST_HEADER_FIELDS_TOO_LARGE");
    }

    @Test
    void shouldStillServeRequestsJustUnderTheLimits() throws IOException {
        Response longButFine = send("GET /api/search/projects?q=" + "a".repeat(90) + " HTTP/1.1\r\nHost: localhost\r\nX-Padding: "
                + "p".repeat(6000) + "\r\nConnection: close\r\n\r\n");

        assertThat(longButFine.status()).as(longButFine.body()).isIn(200, 400);
        assertThat(longButFine.header("content-type")).startsWith("application/");
    }

    private Map<String, Object> assertProblem(Response response, int status, String code) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.header("content-type")).startsWith("application/problem+json");
        assertThat(response.header("connection")).isEqualToIgnoringCase("close");
        @SuppressWarnings("unchecked")
        Map<String, Object> problem = json.readValue(response.body(), Map.class);
        assertThat(problem).containsEntry("status", status).containsEntry("code", code)
                .containsKeys("type", "title", "detail", "instance", "requestId");
        assertThat(problem.get("requestId")).isEqualTo(response.header("x-request-id"));
        return problem;
    }

    /** A response as it came over the wire; the server closes the connection after it. */
    private record Response(int status, Map<String, String> headers, String body) {

        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private Response send(String request) throws IOException {
        try (Socket socket = new Socket("localhost", api.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            String raw = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            int end = raw.indexOf("\r\n\r\n");
            assertThat(end).as("a complete response head in: " + raw).isPositive();
            String[] lines = raw.substring(0, end).split("\r\n");
            Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.putIfAbsent(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
            }
            String body = raw.substring(end + 4);
            // A HEAD response carries GET's framing headers but never a body, so it is taken as it came.
            if (!request.startsWith("HEAD ") && "chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
                body = dechunk(body);
            }
            return new Response(Integer.parseInt(lines[0].split(" ")[1]), headers, body);
        }
    }

    private static String dechunk(String chunked) {
        StringBuilder body = new StringBuilder();
        int at = 0;
        while (true) {
            int lineEnd = chunked.indexOf("\r\n", at);
            int size = Integer.parseInt(chunked.substring(at, lineEnd).split(";")[0].trim(), 16);
            if (size == 0) {
                return body.toString();
            }
            body.append(chunked, lineEnd + 2, lineEnd + 2 + size);
            at = lineEnd + 2 + size + 2;
        }
    }
}
