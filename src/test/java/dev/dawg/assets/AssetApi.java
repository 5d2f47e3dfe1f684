package dev.dawg.assets;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import io.minio.ListObjectsArgs;
import io.minio.Result;
import io.minio.messages.Item;

import org.springframework.boot.test.context.TestComponent;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.client.MultipartBodyBuilder;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.BodyInserters;

import dev.dawg.assets.storage.ObjectStorage;
import dev.dawg.support.Api;

import static dev.dawg.support.Api.MAP;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The asset tests' vocabulary: projects made with SQL (the projects API is built elsewhere), uploads the way
 * a DAW sends them, and looks straight into the table and the bucket to check what is (not) stored.
 */
@TestComponent
public class AssetApi {

    /** The boundary of {@link #multipartFile}. */
    static final String MULTIPART_BOUNDARY = "dawg-test-boundary-7MA4YWxkTrZu0gW";

    private final Api api;
    private final DatabaseClient db;
    private final ObjectStorage storage;

    AssetApi(Api api, DatabaseClient db, ObjectStorage storage) {
        this.api = api;
        this.db = db;
        this.storage = storage;
    }

    public WebTestClient http() {
        return api.http();
    }

    /** A project row owned by {@code owner}: visibility private, unlisted or public. */
    UUID project(Api.User owner, String visibility) {
        return db.sql("INSERT INTO projects (owner_id, title, visibility) VALUES (:owner, :title, :visibility) RETURNING id")
                .bind("owner", owner.id()).bind("title", "Song of " + owner.username()).bind("visibility", visibility)
                .map(row -> row.get(0, UUID.class)).one().block();
    }

    /** A share link on {@code project} at {@code level} (view, remix, edit); returns the token. */
    String shareLink(UUID project, Api.User owner, String level) {
        String token = "st_" + UUID.randomUUID().toString().replace("-", "");
        db.sql("INSERT INTO share_links (token, project_id, created_by, access_level) VALUES (:token, :project, :owner, :level)")
                .bind("token", token).bind("project", project).bind("owner", owner.id()).bind("level", level)
                .fetch().rowsUpdated().block();
        return token;
    }

    WebTestClient.ResponseSpec upload(String authorization, UUID project, String filename, byte[] bytes, MediaType partType) {
        return uploadTo("/api/projects/" + project + "/assets", authorization, filename, bytes, partType, Map.of());
    }

    public WebTestClient.ResponseSpec uploadTo(String uri, String authorization, String filename, byte[] bytes, MediaType partType,
            Map<String, String> fields) {
        MultipartBodyBuilder body = new MultipartBodyBuilder();
        body.part("file", new ByteArrayResource(bytes)).filename(filename).contentType(partType);
        fields.forEach(body::part);
        WebTestClient.RequestBodySpec request = http().post().uri(uri);
        if (authorization != null) {
            request.header(authorization.startsWith("Bearer ") ? HttpHeaders.AUTHORIZATION : "X-API-Key", authorization);
        }
        return request.body(BodyInserters.fromMultipartData(body.build())).exchange();
    }

    Map<String, Object> uploaded(Api.User user, UUID project, String filename, byte[] bytes) {
        return upload(user.bearer(), project, filename, bytes, MediaType.APPLICATION_OCTET_STREAM)
                .expectStatus().isCreated()
                .expectBody(MAP).returnResult().getResponseBody();
    }

    public WebTestClient.ResponseSpec get(String uri, String authorization) {
        WebTestClient.RequestHeadersSpec<?> request = http().get().uri(uri);
        if (authorization != null) {
            request.header(authorization.startsWith("Bearer ") ? HttpHeaders.AUTHORIZATION : "X-API-Key", authorization);
        }
        return request.exchange();
    }

    /** The SHA-256 of a download, read as a stream (larger than the client's in-memory limit is fine). */
    String downloadedSha256(String uri, String authorization) {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        }
        catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
        get(uri, authorization).expectStatus().isOk().returnResult(DataBuffer.class).getResponseBody()
                .doOnNext(buffer -> {
                    try (DataBuffer.ByteBufferIterator chunks = buffer.readableByteBuffers()) {
                        chunks.forEachRemaining(digest::update);
                    }
                    finally {
                        DataBufferUtils.release(buffer);
                    }
                })
                .blockLast();
        return HexFormat.of().formatHex(digest.digest());
    }

    /** The bytes of a download, read as a stream (larger than the client's in-memory limit is fine). */
    byte[] download(String uri, String authorization) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        get(uri, authorization).expectStatus().isOk().returnResult(DataBuffer.class).getResponseBody()
                .doOnNext(buffer -> {
                    try (DataBuffer.ByteBufferIterator chunks = buffer.readableByteBuffers()) {
                        chunks.forEachRemaining(chunk -> {
                            byte[] bytes = new byte[chunk.remaining()];
                            chunk.get(bytes);
                            out.writeBytes(bytes);
                        });
                    }
                    finally {
                        DataBufferUtils.release(buffer);
                    }
                })
                .blockLast();
        return out.toByteArray();
    }

    /** Rows of the project's assets. */
    long assetRows(UUID project) {
        return count("SELECT count(*) FROM assets WHERE project_id = :id", project);
    }

    /** Rows of the user's assets, wherever they are. */
    long assetsOf(UUID owner) {
        return count("SELECT count(*) FROM assets WHERE owner_id = :id", owner);
    }

    /** Uploads in flight of the user, and objects waiting to be removed. */
    long uploadRows(UUID owner) {
        return count("SELECT count(*) FROM asset_uploads WHERE owner_id = :id", owner);
    }

    public long orphanRows() {
        return db.sql("SELECT count(*) FROM orphaned_objects").map(row -> row.get(0, Long.class)).one().block();
    }

    /** Whether {@code key} waits in the queue of objects to remove (other tests' objects may be waiting meanwhile). */
    public long orphanRows(String key) {
        return db.sql("SELECT count(*) FROM orphaned_objects WHERE object_key = :key").bind("key", key)
                .map(row -> row.get(0, Long.class)).one().block();
    }

    public long usedBytes(UUID owner) {
        return db.sql("SELECT coalesce(sum(used_bytes + reserved_bytes), 0) FROM storage_usage WHERE user_id = :id").bind("id", owner)
                .map(row -> ((Number) row.get(0)).longValue()).one().block();
    }

    void setUsedBytes(UUID owner, long bytes) {
        db.sql("INSERT INTO storage_usage (user_id, used_bytes) VALUES (:id, :n) ON CONFLICT (user_id) DO UPDATE SET used_bytes = :n")
                .bind("id", owner).bind("n", bytes).fetch().rowsUpdated().block();
    }

    public String objectKey(UUID asset) {
        return db.sql("SELECT object_key FROM assets WHERE id = :id").bind("id", asset).map(row -> row.get(0, String.class)).one().block();
    }

    String uploadObjectKey(UUID upload) {
        return db.sql("SELECT object_key FROM asset_uploads WHERE id = :id").bind("id", upload).map(row -> row.get(0, String.class)).one().block();
    }

    /** The store's multipart upload id an upload recorded. */
    String uploadS3Id(UUID upload) {
        return db.sql("SELECT s3_upload_id FROM asset_uploads WHERE id = :id").bind("id", upload).map(row -> row.get(0, String.class)).one().block();
    }

    /** Stores {@code bytes} under {@code key} straight through the store client, as a store that checks nothing would take them. */
    void storeObject(String key, byte[] bytes) {
        storage.put(key, bytes, bytes.length, "application/octet-stream").block();
    }

    /**
     * The PUT of {@code body} to a presigned upload, with the upload's signed headers. Content-Length is among them,
     * but an HTTP client (a browser too) sets it from the body itself: what it sends is the body's length.
     */
    @SuppressWarnings("unchecked")
    static HttpRequest presignedPut(Map<String, Object> upload, byte[] body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create((String) upload.get("uploadUrl")))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body));
        ((Map<String, String>) upload.get("headers")).forEach((name, value) -> {
            if (!HttpHeaders.CONTENT_LENGTH.equalsIgnoreCase(name)) {
                request.header(name, value);
            }
        });
        return request.build();
    }

    /** The object key a presigned upload URL writes to (its path after the bucket). */
    static String urlObjectKey(Map<String, Object> upload, String bucket) {
        String path = URI.create((String) upload.get("uploadUrl")).getPath();
        return path.substring(path.indexOf("/" + bucket + "/") + bucket.length() + 2);
    }

    /**
     * PUTs to presigned URLs the way a browser makes them: the body goes at once, on a pooled connection, with no
     * retry. A store that refuses a PUT before reading its body must still keep the connection whole (the embedded
     * store reads the rest of the body after answering), or the refusal or the next PUT is lost.
     */
    static final class StoreClient {

        private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

        int send(HttpRequest request) throws IOException, InterruptedException {
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        }

        int put(Map<String, Object> upload, byte[] body) throws IOException, InterruptedException {
            return send(presignedPut(upload, body));
        }
    }

    void sql(String sql, UUID id) {
        db.sql(sql).bind("id", id).fetch().rowsUpdated().block();
    }

    private long count(String sql, UUID id) {
        return db.sql(sql).bind("id", id).map(row -> row.get(0, Long.class)).one().block();
    }

    /** The keys of every user object in the bucket. */
    public Set<String> storedKeys() {
        return storedKeys(storage);
    }

    /**
     * The keys of every user object in {@code storage}'s bucket: assets and presigned uploads' staging objects (the
     * sample library lives under {@code library/}).
     */
    public static Set<String> storedKeys(ObjectStorage storage) {
        Set<String> keys = new TreeSet<>();
        for (String prefix : Set.of("assets/", PresignedUploads.STAGING_PREFIX)) {
            for (Result<Item> result : storage.client().listObjects(ListObjectsArgs.builder().bucket(storage.bucket()).prefix(prefix)
                    .recursive(true).build())) {
                try {
                    keys.add(result.get().objectName());
                }
                catch (Exception ex) {
                    throw new IllegalStateException(ex);
                }
            }
        }
        return keys;
    }

    public boolean objectExists(String key) {
        return storage.stat(key).blockOptional().isPresent();
    }

    /** Asserts that nothing of an upload was left: no row, no upload in flight, no new object, no quota held. */
    void assertNothingStored(UUID project, Api.User user, Set<String> keysBefore) {
        assertThat(assetRows(project)).as("asset rows").isZero();
        assertThat(uploadRows(user.id())).as("uploads in flight").isZero();
        assertThat(usedBytes(user.id())).as("quota used").isZero();
        assertThat(keysBefore).as("objects in the bucket").containsAll(storedKeys());
    }

    public static byte[] resource(String name) {
        try (InputStream in = AssetApi.class.getResourceAsStream("/audio/" + name)) {
            return in.readAllBytes();
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        }
        catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /** A 16-bit mono 44.1 kHz WAV of {@code dataBytes} bytes of a pattern (not silence, so compression cannot cheat). */
    static byte[] wav(int dataBytes) {
        ByteBuffer out = ByteBuffer.allocate(44 + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        out.put("RIFF".getBytes()).putInt(36 + dataBytes).put("WAVEfmt ".getBytes()).putInt(16).putShort((short) 1)
                .putShort((short) 1).putInt(44100).putInt(88200).putShort((short) 2).putShort((short) 16)
                .put("data".getBytes()).putInt(dataBytes);
        for (int i = 0; i < dataBytes; i++) {
            out.put((byte) (i * 31 + (i >>> 9)));
        }
        return out.array();
    }

    /** A raw multipart body with {@code file} as its one part, named {@code file} (boundary {@link #MULTIPART_BOUNDARY}). */
    static byte[] multipartFile(byte[] file) {
        byte[] head = ("--" + MULTIPART_BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"take.wav\"\r\n"
                + "Content-Type: audio/wav\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] tail = ("\r\n--" + MULTIPART_BOUNDARY + "--\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] body = new byte[head.length + file.length + tail.length];
        System.arraycopy(head, 0, body, 0, head.length);
        System.arraycopy(file, 0, body, head.length, file.length);
        System.arraycopy(tail, 0, body, head.length + file.length, tail.length);
        return body;
    }
}
