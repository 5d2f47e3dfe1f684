package dev.dawg.platform;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Flux;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.dawg.assets.AssetApi;
import dev.dawg.assets.storage.ObjectStorage;
import dev.dawg.platform.web.Pages;
import dev.dawg.support.Api;
import dev.dawg.support.IntegrationTest;

import static dev.dawg.support.Api.MAP;
import static dev.dawg.support.Api.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Resource limits (OWASP API4) not proved elsewhere: the page size of every paginated list is capped at
 * {@value Pages#MAX_LIMIT} (a larger {@code limit} is clamped, as the OpenAPI {@code limit} parameter says;
 * below 1 is a 400), the API key list is bounded by the number of keys a user may hold, a multipart upload
 * with too many parts or oversized part headers is refused without storing anything, and an oversized JSON
 * body sent without a length (chunked) is a 413.
 *
 * <p>Proved elsewhere and so not repeated here: a JSON body over {@code DAWG_MAX_REQUEST_BODY} by its declared
 * length ({@code PlatformIntegrationTests#shouldRefuseOversizedBodyByDeclaredLength}) and a {@code projectData}
 * over its limit ({@code ProjectIntegrationTests#shouldRefuseAProjectDataOverTheSizeLimitWith413}); a file over
 * the upload limit, streamed or declared ({@code AssetUploadIntegrationTests}); bursts answered 429 with
 * {@code Retry-After} and {@code RateLimit-*} on sign-in ({@code RateLimitIntegrationTests}) and on social writes
 * ({@code SocialLimitsIntegrationTests}); WebSocket frame, queue, rate and subscription limits
 * ({@code RealtimeLimitsIntegrationTests}).
 */
@IntegrationTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ResourceLimitsIntegrationTests {

    /** More rows than one page may hold, in every list. */
    static final int SEEDED = Pages.MAX_LIMIT + 5;
    static final String BOUNDARY = "dawg-limits-boundary-3fQx";

    @Autowired
    Api api;

    @Autowired
    DatabaseClient db;

    @Autowired
    ObjectStorage storage;

    Api.User owner;
    UUID project;
    /** A word only the seeded rows contain, for the searches. */
    String word;
    String category;

    @BeforeAll
    void seedMoreThanAPageOfEverything() {
        owner = api.signUp();
        word = "zqlim" + UUID.randomUUID().toString().substring(0, 8);
        category = "limits-" + word;
        project = db.sql("INSERT INTO projects (owner_id, title, visibility, version) VALUES (:owner, :title, 'public', :n) RETURNING id")
                .bind("owner", owner.id()).bind("title", word + " main").bind("n", SEEDED)
                .map(row -> row.get(0, UUID.class)).one().block();
        sql("INSERT INTO projects (owner_id, title, visibility) SELECT :owner, :word || ' take ' || n, 'public' FROM generate_series(2, :n) n");
        sql("INSERT INTO project_versions (project_id, version, title, description, tags, project_data, author_id, size_bytes, label) "
                + "SELECT :project, n, 'v' || n, '', '{}', '{}'::jsonb, :owner, 2, 'take ' || n FROM generate_series(1, :n) n");
        sql("INSERT INTO comments (project_id, author_id, body) SELECT :project, :owner, 'comment ' || n FROM generate_series(1, :n) n");
        sql("INSERT INTO share_links (token, project_id, created_by, access_level) "
                + "SELECT 'st_' || replace(gen_random_uuid()::text, '-', ''), :project, :owner, 'view' FROM generate_series(1, :n) n");
        sql("INSERT INTO assets (project_id, owner_id, filename, format, content_type, size_bytes, sha256, duration_seconds, sample_rate, "
                + "channels, object_key) SELECT :project, :owner, :word || '-' || n || '.wav', 'wav', 'audio/wav', 100, repeat('0', 64), 1, "
                + "44100, 1, 'assets/limits-' || gen_random_uuid() FROM generate_series(1, :n) n");
        // A library sample's category must exist (V18).
        sql("INSERT INTO system_categories (slug, name) VALUES (:category, :category) ON CONFLICT (slug) DO NOTHING");
        sql("INSERT INTO assets (category, filename, format, content_type, size_bytes, sha256, duration_seconds, sample_rate, channels, "
                + "object_key) SELECT :category, 'sample-' || n || '.wav', 'wav', 'audio/wav', 100, repeat('0', 64), 1, 44100, 1, "
                + "'assets/limits-' || gen_random_uuid() FROM generate_series(1, :n) n");
        sql("INSERT INTO users (email, username, display_name, password_hash) "
                + "SELECT :word || n || '@limits.test', :word || n, 'Limits ' || n, 'not-a-hash' FROM generate_series(1, :n) n");
    }

    @AfterAll
    void removeTheSeed() {
        sql("DELETE FROM assets WHERE category = :category");
        sql("DELETE FROM users WHERE username LIKE :word || '%' OR id = :owner");
    }

    private void sql(String statement) {
        DatabaseClient.GenericExecuteSpec spec = db.sql(statement);
        for (Map.Entry<String, Object> binding : Map.<String, Object>of("owner", owner.id(), "project", project, "word", word,
                "category", category, "n", SEEDED).entrySet()) {
            if (statement.contains(":" + binding.getKey())) {
                spec = spec.bind(binding.getKey(), binding.getValue());
            }
        }
        spec.fetch().rowsUpdated().block();
    }

    // ---- page sizes

    /** Every paginated list of the OpenAPI document (the API key list is not paginated: see below). */
    private List<String> lists() {
        return List.of("/api/projects", "/api/search/projects?q=" + word, "/api/search/projects?q=" + word + "&sort=recent",
                "/api/projects/" + project + "/versions", "/api/projects/" + project + "/comments",
                "/api/projects/" + project + "/shares", "/api/projects/" + project + "/assets", "/api/search/assets?q=" + word,
                "/api/system-assets?category=" + category, "/api/search/users?q=" + word);
    }

    @ParameterizedTest
    @ValueSource(strings = { "101", "1000", "2147483647" })
    void shouldClampAPageSizeAboveTheMaximumOnEveryList(String limit) {
        List<String> failures = new ArrayList<>();
        for (String list : lists()) {
            Map<String, Object> page = get(list + (list.contains("?") ? "&" : "?") + "limit=" + limit)
                    .expectStatus().isOk().expectBody(MAP).returnResult().getResponseBody();
            List<?> items = (List<?>) page.get("items");
            if (items.size() != Pages.MAX_LIMIT || page.get("nextCursor") == null) {
                failures.add(list + ": " + items.size() + " items, nextCursor " + page.get("nextCursor"));
            }
        }
        assertThat(failures).as("lists whose page is not %d items with a next page", Pages.MAX_LIMIT).isEmpty();
    }

    @Test
    void shouldServeTheDefaultPageAndRefuseAPageSizeBelowOneOnEveryList() {
        for (String list : lists()) {
            Map<String, Object> page = get(list).expectStatus().isOk().expectBody(MAP).returnResult().getResponseBody();
            assertThat((List<?>) page.get("items")).as(list).hasSize(Pages.DEFAULT_LIMIT);
            for (String limit : List.of("0", "-1", "ten")) {
                assertProblem(get(list + (list.contains("?") ? "&" : "?") + "limit=" + limit), 400, "VALIDATION_FAILED");
            }
        }
    }

    @Test
    void shouldBoundTheApiKeyListByTheNumberOfKeysAUserMayHold() {
        Api.User holder = api.signUp();
        for (int i = 0; i < 50; i++) {
            api.createApiKey(holder, List.of("projects:read"));
        }
        assertProblem(api.http().post().uri("/api/auth/api-keys").header(HttpHeaders.AUTHORIZATION, holder.bearer())
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("name", "one too many", "scopes", List.of("projects:read")))
                .exchange(), 409, "CONFLICT");
        Map<String, Object> keys = api.http().get().uri("/api/auth/api-keys?limit=1000").header(HttpHeaders.AUTHORIZATION, holder.bearer())
                .exchange().expectStatus().isOk().expectBody(MAP).returnResult().getResponseBody();
        assertThat((List<?>) keys.get("items")).hasSize(50);
    }

    // ---- uploads

    @Test
    void shouldRefuseAnUploadWithTooManyPartsAndStoreNothing() {
        Set<String> before = storedKeys();
        byte[] wav = wav(64 * 1024);
        // The file first (so it is already streaming to the store when the fifth part arrives), then form fields.
        List<byte[]> fileThenFields = new ArrayList<>(List.of(filePart(wav)));
        // And form fields first, the file last: refused before the file is read.
        List<byte[]> fieldsThenFile = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            fileThenFields.add(field("note" + i, "x"));
            fieldsThenFile.add(field("note" + i, "x"));
        }
        fieldsThenFile.add(filePart(wav));

        for (List<byte[]> parts : List.of(fileThenFields, fieldsThenFile)) {
            // The unread rest of the body is not left on a connection another request could use.
            Map<String, Object> problem = assertProblem(upload(multipart(parts)).expectHeader().valueEquals(HttpHeaders.CONNECTION, "close"),
                    400, "MALFORMED_REQUEST");
            assertThat(problem.get("detail").toString()).contains("at most 4 parts");
        }
        assertNothingStored(before);
    }

    @Test
    void shouldLeaveNoObjectWhenTheFileIsStillBeingStoredAsTooManyPartsAreRefused() {
        // The refusal comes while the file's PUT may still be on its way: it was once seen to land after the cleanup.
        Set<String> before = storedKeys();
        List<byte[]> fileThenFields = new ArrayList<>(List.of(filePart(wav(64 * 1024))));
        for (int i = 0; i < 5; i++) {
            fileThenFields.add(field("note" + i, "x"));
        }
        byte[] body = multipart(fileThenFields);

        for (int round = 0; round < 20; round++) {
            assertProblem(upload(body), 400, "MALFORMED_REQUEST");
            assertNothingStored(before);
        }
    }

    @Test
    void shouldRefuseAnUploadWithOversizedPartHeadersAndStoreNothing() {
        Set<String> before = storedKeys();
        byte[] part = ("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"take.wav\"\r\n"
                + "X-Padding: " + "p".repeat(9 * 1024) + "\r\nContent-Type: audio/wav\r\n\r\n").getBytes(StandardCharsets.US_ASCII);

        Map<String, Object> problem = assertProblem(upload(multipart(List.of(concat(part, wav(4096), "\r\n".getBytes(StandardCharsets.US_ASCII))))),
                400, "VALIDATION_FAILED");

        assertThat(problem.toString()).contains("headers are limited to 8 KB");
        assertNothingStored(before);
    }

    @Test
    void shouldRefuseAFormFieldOverItsLimitAndStoreNothing() {
        Set<String> before = storedKeys();

        assertProblem(upload(multipart(List.of(field("notes", "n".repeat(17 * 1024)), filePart(wav(4096))))), 400, "VALIDATION_FAILED");

        assertNothingStored(before);
    }

    // ---- JSON bodies

    @Test
    void shouldRefuseAnOversizedJsonBodySentWithoutALengthWith413() {
        // 13 MB of JSON in 64 KB chunks, so there is no Content-Length to refuse it by: the body limit cuts it as it
        // streams. (This once passed only because the whole body was read and its projectData then found over 10 MB.)
        byte[] chunk = ("\"" + "a".repeat(64 * 1024 - 3) + "\",").getBytes(StandardCharsets.US_ASCII);
        Flux<DataBuffer> body = Flux.concat(
                Flux.just("{\"title\":\"big\",\"projectData\":{\"clips\":[".getBytes(StandardCharsets.US_ASCII)),
                Flux.range(0, 13 * 16).map(i -> chunk),
                Flux.just("\"end\"]}}".getBytes(StandardCharsets.US_ASCII)))
                .map(DefaultDataBufferFactory.sharedInstance::wrap);

        // Repeated: the client is still sending when the answer goes out, and a connection closed at once (not
        // lingering) could reset it before the client read the 413 ("closed BEFORE response").
        for (int attempt = 0; attempt < 20; attempt++) {
            Map<String, Object> problem = assertProblem(api.http().post().uri("/api/projects").header(HttpHeaders.AUTHORIZATION, owner.bearer())
                    .contentType(MediaType.APPLICATION_JSON).body(body, DataBuffer.class).exchange()
                    .expectHeader().valueEquals(HttpHeaders.CONNECTION, "close"), 413, "PAYLOAD_TOO_LARGE");
            assertThat(problem.get("detail").toString()).startsWith("The request body is larger than");
        }
    }

    // ---- helpers

    private WebTestClient.ResponseSpec get(String uri) {
        return api.http().get().uri(uri).header(HttpHeaders.AUTHORIZATION, owner.bearer()).exchange();
    }

    private WebTestClient.ResponseSpec upload(byte[] body) {
        return api.http().post().uri("/api/projects/" + project + "/assets").header(HttpHeaders.AUTHORIZATION, owner.bearer())
                .header(HttpHeaders.CONTENT_TYPE, "multipart/form-data; boundary=" + BOUNDARY).bodyValue(body).exchange();
    }

    /** Nothing of a refused upload is left: no new asset, no upload in flight, no new object; the quota holds only the seed. */
    private void assertNothingStored(Set<String> keysBefore) {
        assertThat(count("SELECT count(*) FROM assets WHERE project_id = :id", project)).as("asset rows").isEqualTo(SEEDED);
        assertThat(count("SELECT count(*) FROM asset_uploads WHERE owner_id = :id", owner.id())).as("uploads in flight").isZero();
        assertThat(count("SELECT coalesce(sum(used_bytes + reserved_bytes), 0) FROM storage_usage WHERE user_id = :id", owner.id()))
                .as("quota used").isEqualTo(SEEDED * 100L);
        assertThat(keysBefore).as("objects in the bucket").containsAll(storedKeys());
    }

    private long count(String sql, UUID id) {
        return db.sql(sql).bind("id", id).map(row -> ((Number) row.get(0)).longValue()).one().block();
    }

    /** The keys of uploaded objects (the sample library, seeded in the background, lives under {@code library/}). */
    private Set<String> storedKeys() {
        return AssetApi.storedKeys(storage);
    }

    private static byte[] filePart(byte[] file) {
        byte[] head = ("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"take.wav\"\r\n"
                + "Content-Type: audio/wav\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        return concat(head, file, "\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] field(String name, String value) {
        return ("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] multipart(List<byte[]> parts) {
        List<byte[]> all = new ArrayList<>(parts);
        all.add(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return concat(all.toArray(byte[][]::new));
    }

    private static byte[] concat(byte[]... arrays) {
        int length = 0;
        for (byte[] array : arrays) {
            length += array.length;
        }
        byte[] out = new byte[length];
        int at = 0;
        for (byte[] array : arrays) {
            System.arraycopy(array, 0, out, at, array.length);
            at += array.length;
        }
        return out;
    }

    /** A 16-bit mono 44.1 kHz WAV of {@code dataBytes} bytes. */
    private static byte[] wav(int dataBytes) {
        java.nio.ByteBuffer out = java.nio.ByteBuffer.allocate(44 + dataBytes).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        out.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + dataBytes).put("WAVEfmt ".getBytes(StandardCharsets.US_ASCII))
                .putInt(16).putShort((short) 1).putShort((short) 1).putInt(44100).putInt(88200).putShort((short) 2).putShort((short) 16)
                .put("data".getBytes(StandardCharsets.US_ASCII)).putInt(dataBytes);
        for (int i = 0; i < dataBytes; i++) {
            out.put((byte) (i * 31 + (i >>> 9)));
        }
        return out.array();
    }
}
