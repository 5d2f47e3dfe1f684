package dev.dawg.projects;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.netty.http.client.HttpClient;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.dawg.support.Api;
import dev.dawg.support.Api.User;
import dev.dawg.support.IntegrationTest;

import static dev.dawg.projects.SameAnswers.assertSameAnswer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A project read answers gzip-encoded, from the compressed bytes the node keeps, to a client whose Accept-Encoding
 * allows it, and as identity otherwise; the document is byte-exact after gunzip, both in memory (the shortcut
 * before Spring) and through the handler, and both codings carry the API's one tag of the version ({@code "v"}), matched by either form a client holds.
 */
@IntegrationTest
class CompressedReadIntegrationTests {

    static final String DOCUMENT = DocumentFidelityIntegrationTests.DOCUMENT;

    @Autowired
    Api api;

    @Autowired
    MeterRegistry meters;

    @Autowired
    ProjectMetadataCache heads;

    @Autowired
    ProjectDocumentCache documents;

    User owner;
    String id;
    /** A client that leaves the body as sent: the default one asks for gzip itself and inflates what comes. */
    WebTestClient raw;

    @BeforeEach
    void project() {
        raw = WebTestClient.bindToServer(new ReactorClientHttpConnector(HttpClient.create())).baseUrl("http://127.0.0.1:" + api.port())
                .responseTimeout(Duration.ofSeconds(30)).build();
        await().atMost(Duration.ofSeconds(10)).until(heads::serving);
        owner = api.signUp();
        byte[] created = api.http().post().uri("/api/projects").header(HttpHeaders.AUTHORIZATION, owner.bearer())
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"title\":\"Compressed\",\"visibility\":\"public\",\"projectData\":" + DOCUMENT + "}")
                .exchange().expectStatus().isCreated().expectBody().returnResult().getResponseBody();
        id = (String) JsonMapper.builder().build().readValue(created, Map.class).get("id");
    }

    @Test
    void shouldAnswerGzipFromMemoryAndThroughTheHandlerAlikeAndByteExact() throws IOException {
        for (boolean cold : new boolean[] { true, false }) {
            if (cold) {
                documents.forgetAll(); // the first read fills the memory from the database
            }
            EntityExchangeResult<byte[]> framework = get("gzip, deflate, br", null, "compare-" + System.nanoTime());
            double before = fromMemory();
            EntityExchangeResult<byte[]> fast = get("gzip, deflate, br", null, null);
            assertThat(fromMemory() - before).as("served from memory").isEqualTo(1);

            for (EntityExchangeResult<byte[]> gzip : List.of(framework, fast)) {
                assertThat(gzip.getStatus().value()).isEqualTo(200);
                HttpHeaders headers = gzip.getResponseHeaders();
                assertThat(headers.getFirst(HttpHeaders.CONTENT_ENCODING)).isEqualTo("gzip");
                assertThat(headers.getETag()).isEqualTo("\"1\"");
                assertThat(headers.getValuesAsList(HttpHeaders.VARY)).contains("Accept-Encoding", "Origin");
                assertThat(headers.getContentLength()).isEqualTo(gzip.getResponseBody().length);
                assertThat(projectData(gunzip(gzip.getResponseBody()))).isEqualTo(DOCUMENT);
            }
            assertSameAnswer(fast, framework);

            EntityExchangeResult<byte[]> identity = get(null, null, null);
            EntityExchangeResult<byte[]> identityFramework = get("gzip;q=0, identity", null, "compare-" + System.nanoTime());
            for (EntityExchangeResult<byte[]> plain : List.of(identity, identityFramework)) {
                assertThat(plain.getResponseHeaders().getFirst(HttpHeaders.CONTENT_ENCODING)).isNull();
                assertThat(plain.getResponseHeaders().getETag()).isEqualTo("\"1\"");
                assertThat(plain.getResponseHeaders().getValuesAsList(HttpHeaders.VARY)).contains("Accept-Encoding");
                assertThat(projectData(plain.getResponseBody())).isEqualTo(DOCUMENT);
            }
            assertThat(gunzip(fast.getResponseBody())).as("the same project in either coding").isEqualTo(identity.getResponseBody());
        }
    }

    @Test
    void shouldAnswerNotModifiedToTheVersionsTagInEitherFormAndEitherCoding() {
        get("gzip", null, null);
        for (String requestId : new String[] { null, "compare-" + System.nanoTime() }) {
            for (String held : new String[] { "W/\"1\"", "\"1\"" }) {
                EntityExchangeResult<byte[]> gzip = get("gzip", held, requestId);
                assertThat(gzip.getStatus().value()).isEqualTo(304);
                assertThat(gzip.getResponseHeaders().getETag()).isEqualTo("\"1\"");
                assertThat(gzip.getResponseHeaders().getValuesAsList(HttpHeaders.VARY)).contains("Accept-Encoding");
                EntityExchangeResult<byte[]> identity = get(null, held, requestId);
                assertThat(identity.getStatus().value()).isEqualTo(304);
                assertThat(identity.getResponseHeaders().getETag()).isEqualTo("\"1\"");
            }
        }
        assertSameAnswer(get("gzip", "W/\"1\"", null), get("gzip", "W/\"1\"", "compare-" + System.nanoTime()));
        assertThat(get("gzip", "W/\"2\"", null).getStatus().value()).as("another version's tag").isEqualTo(200);
    }

    @Test
    void shouldAcceptTheGzipAnswersTagAsIfMatchOfAWrite() {
        String etag = get("gzip", null, null).getResponseHeaders().getETag();
        api.http().put().uri("/api/projects/{id}", id).header(HttpHeaders.AUTHORIZATION, owner.bearer()).header(HttpHeaders.IF_MATCH, etag)
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"title\":\"Second\",\"projectData\":" + DocumentFidelityIntegrationTests.OTHER + "}")
                .exchange().expectStatus().isOk();
        EntityExchangeResult<byte[]> second = get("gzip", etag, null);
        assertThat(second.getStatus().value()).isEqualTo(200);
        assertThat(second.getResponseHeaders().getETag()).isEqualTo("\"2\"");
    }

    @Test
    void shouldAnswerHeadWithTheHeadersOfTheCodingAsked() {
        EntityExchangeResult<byte[]> gzip = get("gzip", null, null);
        EntityExchangeResult<byte[]> head = raw.head().uri("/api/projects/{id}", id).header(HttpHeaders.ACCEPT_ENCODING, "gzip")
                .exchange().expectStatus().isOk().expectBody().returnResult();
        assertThat(head.getResponseBody()).isNullOrEmpty();
        assertThat(head.getResponseHeaders().getFirst(HttpHeaders.CONTENT_ENCODING)).isEqualTo("gzip");
        assertThat(head.getResponseHeaders().getETag()).isEqualTo("\"1\"");
        assertThat(head.getResponseHeaders().getContentLength()).isEqualTo(gzip.getResponseBody().length);
    }

    private EntityExchangeResult<byte[]> get(String acceptEncoding, String ifNoneMatch, String requestId) {
        WebTestClient.RequestHeadersSpec<?> request = raw.get().uri("/api/projects/{id}", id);
        if (acceptEncoding != null) {
            request = request.header(HttpHeaders.ACCEPT_ENCODING, acceptEncoding);
        }
        if (ifNoneMatch != null) {
            request = request.header(HttpHeaders.IF_NONE_MATCH, ifNoneMatch);
        }
        if (requestId != null) {
            request = request.header("X-Request-Id", requestId);
        }
        return request.exchange().expectBody().returnResult();
    }

    private double fromMemory() {
        return meters.counter("dawg.projects.reads.from.memory").count();
    }

    /** The projectData member's text, as the response carries it (the document is spliced in as it is kept). */
    private static String projectData(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        int start = text.indexOf("\"projectData\":") + "\"projectData\":".length();
        return text.substring(start, text.length() - 1);
    }

    private static byte[] gunzip(byte[] gzip) throws IOException {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gzip))) {
            return in.readAllBytes();
        }
    }
}
