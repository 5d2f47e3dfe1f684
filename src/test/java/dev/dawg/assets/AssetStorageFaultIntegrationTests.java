package dev.dawg.assets;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import io.minio.ListObjectsArgs;
import io.minio.Result;
import io.minio.messages.Item;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.dawg.assets.storage.ObjectStorage;
import dev.dawg.support.Api;
import dev.dawg.support.TcpProxy;

import static dev.dawg.support.Api.MAP;
import static dev.dawg.support.Api.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Object storage cut off behind a TCP proxy during uploads: refused, black-holed (bounded by
 * {@code dawg.s3.io-timeout}) and reset in the middle of a request, for the streamed multipart upload and for
 * the completion of a presigned one. Each answers a clean 503 problem within a bound; nothing is left behind:
 * no asset row, no upload row, the quota as it was, and once storage is back no object or multipart upload
 * of the failed upload in the bucket and no queued orphan. A failed completion leaves the presigned upload
 * open, so completing again once storage is back works.
 *
 * <p>This class has its own S3 endpoint and its own PostgreSQL: other test contexts sweep orphans of the shared
 * database against their own store, which would forget this store's orphans.
 */
@AssetIntegrationTest
class AssetStorageFaultIntegrationTests {

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);
    static final Duration IO_TIMEOUT = Duration.ofSeconds(4);
    /** A refused or reset link fails at once; allow for a few retried connections and a loaded machine. */
    static final Duration FAST = Duration.ofMillis(2_500);
    static final String ACCESS_KEY = "fault-test";
    static final String SECRET_KEY = "fault-test-secret-key";
    /** The default bucket, a directory of the S3 endpoint's store. */
    static final String BUCKET = "dawg-assets";

    static EmbeddedPostgres ownPostgres;
    static S3Proxy ownS3;
    static Path objectsDir;
    static TcpProxy link;

    @DynamicPropertySource
    static void storageBehindAProxy(DynamicPropertyRegistry registry) throws Exception {
        ownPostgres = EmbeddedPostgres.builder().start();
        registry.add("dawg.db.url", () -> "postgresql://127.0.0.1:" + ownPostgres.getPort() + "/postgres");
        registry.add("dawg.db.user", () -> "postgres");
        registry.add("dawg.db.password", () -> "");

        objectsDir = Files.createTempDirectory("dawg-s3-fault");
        ownS3 = S3Proxy.builder()
                .blobStore(new FilesystemNio2BlobStore(objectsDir.toString()))
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .build();
        ownS3.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> "STARTED".equals(ownS3.getState()));
        link = new TcpProxy("127.0.0.1", ownS3.getPort());
        registry.add("dawg.s3.endpoint", () -> "http://127.0.0.1:" + link.port());
        registry.add("dawg.s3.access-key", () -> ACCESS_KEY);
        registry.add("dawg.s3.secret-key", () -> SECRET_KEY);
        registry.add("dawg.s3.connect-timeout", CONNECT_TIMEOUT::toString);
        registry.add("dawg.s3.io-timeout", IO_TIMEOUT::toString);
    }

    @AfterAll
    static void stop() throws Exception {
        link.close();
        ownS3.stop();
        ownPostgres.close();
        try (Stream<Path> files = Files.walk(objectsDir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    @AfterEach
    void linkBack() {
        link.pass();
    }

    @Autowired
    Api api;

    @Autowired
    AssetApi assets;

    @Autowired
    ObjectStorage storage;

    @Autowired
    DatabaseClient db;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    // ---- streamed uploads

    @Test
    void shouldAnswer503AtOnceAndKeepNothingWhenStorageRefusesAStreamedUpload() {
        Scene scene = new Scene();
        link.refuse();

        long took = timed(() -> assertUnavailable(assets.upload(scene.owner.bearer(), scene.project, "tone.wav",
                AssetApi.resource("tone-44k1-16bit-mono.wav"), MediaType.APPLICATION_OCTET_STREAM)));

        assertThat(took).as("ms to the 503").isLessThan(FAST.toMillis());
        scene.assertNothingLeftOnceStorageIsBack();
    }

    @Test
    void shouldAnswer503WithinTheIoTimeoutAndKeepNothingWhenStorageIsBlackHoledDuringAStreamedUpload() {
        Scene scene = new Scene();
        link.blackHole();

        long took = timed(() -> assertUnavailable(assets.upload(scene.owner.bearer(), scene.project, "tone.wav",
                AssetApi.resource("tone-44k1-16bit-mono.wav"), MediaType.APPLICATION_OCTET_STREAM)));

        // One store call waits out the timeout; cleanup does not wait it out again (it is left to the sweep).
        assertThat(took).as("ms to the 503").isGreaterThanOrEqualTo(IO_TIMEOUT.toMillis() - 100)
                .isLessThan(IO_TIMEOUT.plus(FAST).toMillis());
        scene.assertNothingLeftOnceStorageIsBack();
    }

    @Test
    void shouldAnswer503AndLeaveNoMultipartUploadWhenTheLinkIsResetMidUpload() {
        Scene scene = new Scene();
        byte[] body = AssetApi.multipartFile(AssetApi.wav(12 * 1024 * 1024));
        int firstChunk = 10 * 1024 * 1024;
        // The client holds the rest of the body back until the link is cut, so the cut lands mid-upload: after the
        // store started a multipart upload (more than one part's worth was sent), before the server has every byte.
        // The clock starts just before the cut, in the thread that cuts: the server may answer before that thread has
        // completed the future, so a time taken in a callback of the future could still be unset when the 503 arrives.
        java.util.concurrent.atomic.AtomicLong cutAt = new java.util.concurrent.atomic.AtomicLong();
        CompletableFuture<Void> linkCut = CompletableFuture.runAsync(() -> {
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(10)).until(() -> multipartStarted(scene.owner));
            cutAt.set(System.nanoTime());
            link.refuse();
        });
        Flux<DataBuffer> slowClient = Flux.concat(
                Mono.fromSupplier(() -> DefaultDataBufferFactory.sharedInstance.wrap(Arrays.copyOfRange(body, 0, firstChunk))),
                Mono.fromFuture(linkCut).then(Mono.fromSupplier(() ->
                        DefaultDataBufferFactory.sharedInstance.wrap(Arrays.copyOfRange(body, firstChunk, body.length)))));

        assertUnavailable(assets.http().post().uri("/api/projects/" + scene.project + "/assets")
                .header(HttpHeaders.AUTHORIZATION, scene.owner.bearer())
                .header(HttpHeaders.CONTENT_TYPE, "multipart/form-data; boundary=" + AssetApi.MULTIPART_BOUNDARY)
                .body(slowClient, DataBuffer.class)
                .exchange());

        long answeredAt = System.nanoTime();
        linkCut.join();
        assertThat(answeredAt).as("the 503 came after the cut, not for another reason before it").isGreaterThan(cutAt.get());
        assertThat((answeredAt - cutAt.get()) / 1_000_000).as("ms from the reset to the 503").isLessThan(FAST.toMillis());
        scene.assertNothingLeftOnceStorageIsBack();
    }

    // ---- presigned uploads

    @Test
    void shouldAnswer503AndKeepTheUploadOpenWhenStorageRefusesACompletion() throws Exception {
        Scene scene = new Scene();
        Presigned upload = scene.presignedAndPut();
        link.refuse();

        long took = timed(() -> assertUnavailable(complete(scene.owner, upload.id())));

        assertThat(took).as("ms to the 503").isLessThan(FAST.toMillis());
        assertStillOpenAndCompletesOnceStorageIsBack(scene, upload);
    }

    @Test
    void shouldAnswer503WithinTheIoTimeoutWhenStorageIsBlackHoledDuringACompletion() throws Exception {
        Scene scene = new Scene();
        Presigned upload = scene.presignedAndPut();
        link.blackHole();

        long took = timed(() -> assertUnavailable(complete(scene.owner, upload.id())));

        assertThat(took).as("ms to the 503").isGreaterThanOrEqualTo(IO_TIMEOUT.toMillis() - 100)
                .isLessThan(IO_TIMEOUT.plus(FAST).toMillis());
        assertStillOpenAndCompletesOnceStorageIsBack(scene, upload);
    }

    @Test
    void shouldAnswer503AtOnceWhenTheLinkIsResetDuringACompletion() throws Exception {
        Scene scene = new Scene();
        Presigned upload = scene.presignedAndPut();
        // The completion's first store call hangs on a frozen link; the reset then cuts it in the middle.
        link.blackHole();
        CompletableFuture<HttpResponse<String>> answer = http.sendAsync(HttpRequest.newBuilder(
                        URI.create("http://localhost:" + api.port() + "/api/assets/uploads/" + upload.id() + "/complete"))
                .header(HttpHeaders.AUTHORIZATION, scene.owner.bearer()).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10)).until(() -> "completing".equals(uploadState(upload.id())));

        link.refuse();
        long cut = System.nanoTime();
        HttpResponse<String> response = answer.get(IO_TIMEOUT.plusSeconds(10).toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);

        assertThat((System.nanoTime() - cut) / 1_000_000).as("ms from the reset to the 503").isLessThan(FAST.toMillis());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
        assertThat(response.headers().firstValue(HttpHeaders.CONTENT_TYPE)).hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(response.headers().firstValue(HttpHeaders.RETRY_AFTER)).isPresent();
        assertThat(response.body()).contains("\"code\":\"SERVICE_UNAVAILABLE\"", "\"requestId\"").doesNotContain("127.0.0.1", "Exception");
        assertStillOpenAndCompletesOnceStorageIsBack(scene, upload);
    }

    @Test
    void shouldNotAskTheStoreForTheBucketAgainOnceItExists() {
        storage.ready().block(Duration.ofSeconds(30));
        // Asked again, every write would pay a round trip, and one made after an outage could join a call sent
        // into it and fail with it (seen: a SocketTimeoutException in a call made once the link was back).
        link.refuse();

        storage.ready().block(Duration.ofSeconds(1));
    }

    // ---- the scene and its checks

    /** A user with a project, and what the store and the table held before the fault. */
    private final class Scene {

        final Api.User owner = api.signUp();
        final UUID project = assets.project(owner, "private");
        final Set<String> objectsBefore = storedObjects();
        final Set<String> filesBefore = filesOfTheStore();
        final long quotaBefore = assets.usedBytes(owner.id());
        final Set<String> tempFilesBefore = multipartTempFiles();

        /** The failed upload left nothing, and once storage is back nothing of it remains in the store either. */
        void assertNothingLeftOnceStorageIsBack() {
            assertThat(assets.assetRows(project)).as("asset rows").isZero();
            assertThat(assets.uploadRows(owner.id())).as("uploads in flight").isZero();
            assertThat(assets.usedBytes(owner.id())).as("quota used").isEqualTo(quotaBefore);
            assets.get("/api/projects/" + project + "/assets", owner.bearer()).expectStatus().isOk().expectBody(MAP)
                    .value(page -> assertThat((java.util.List<?>) page.get("items")).isEmpty());

            link.pass();
            // The sweep (every second here) removes the queued object and aborts the multipart upload.
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                assertThat(assets.orphanRows()).as("objects queued for removal").isZero();
                assertThat(objectsBefore).as("objects in the bucket").containsAll(storedObjects());
                assertThat(filesBefore).as("files of the store, multipart parts included").containsAll(filesOfTheStore());
            });
            assertThat(tempFilesBefore).as("multipart temp files on the server").containsAll(multipartTempFiles());
        }

        Presigned presignedAndPut() throws Exception {
            byte[] flac = AssetApi.resource("tone-44k1-16bit-stereo.flac");
            Map<String, Object> upload = assets.http().post().uri("/api/projects/" + project + "/assets/uploads")
                    .header(HttpHeaders.AUTHORIZATION, owner.bearer()).contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(Map.of("filename", "tone.flac", "sizeBytes", flac.length, "contentType", "audio/flac"))
                    .exchange().expectStatus().isCreated().expectBody(MAP).returnResult().getResponseBody();
            assertThat(http.send(AssetApi.presignedPut(upload, flac), HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(200);
            return new Presigned(UUID.fromString((String) upload.get("uploadId")), flac.length);
        }
    }

    /** A presigned upload whose bytes are in the store, waiting for its completion. */
    private record Presigned(UUID id, long size) {
    }

    /** A failed completion changed nothing: no asset, the upload open again, its reservation held; a retry works. */
    private void assertStillOpenAndCompletesOnceStorageIsBack(Scene scene, Presigned upload) {
        assertThat(assets.assetRows(scene.project)).as("asset rows").isZero();
        assertThat(uploadState(upload.id())).as("the upload, given back for another try").isEqualTo("open");
        assertThat(assets.usedBytes(scene.owner.id())).as("quota: the declared size stays reserved")
                .isEqualTo(scene.quotaBefore + upload.size());

        link.pass();
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                complete(scene.owner, upload.id()).expectStatus().isCreated());
        assertThat(assets.assetRows(scene.project)).isEqualTo(1);
        assertThat(assets.uploadRows(scene.owner.id())).isZero();
        assertThat(assets.usedBytes(scene.owner.id())).isEqualTo(scene.quotaBefore + upload.size());
    }

    private static void assertUnavailable(WebTestClient.ResponseSpec response) {
        Map<String, Object> problem = assertProblem(response.expectHeader().exists(HttpHeaders.RETRY_AFTER), 503, "SERVICE_UNAVAILABLE");
        assertThat(problem.get("detail").toString()).contains("storage").doesNotContain("127.0.0.1", "Exception");
    }

    private WebTestClient.ResponseSpec complete(Api.User user, UUID uploadId) {
        return assets.http().post().uri("/api/assets/uploads/" + uploadId + "/complete").header(HttpHeaders.AUTHORIZATION, user.bearer())
                .exchange();
    }

    private boolean multipartStarted(Api.User owner) {
        return Boolean.TRUE.equals(db.sql("SELECT count(*) > 0 FROM asset_uploads WHERE owner_id = :id AND s3_upload_id IS NOT NULL")
                .bind("id", owner.id()).map(row -> row.get(0, Boolean.class)).one().block());
    }

    private String uploadState(UUID uploadId) {
        return db.sql("SELECT state FROM asset_uploads WHERE id = :id").bind("id", uploadId)
                .map(row -> row.get(0, String.class)).one().block();
    }

    /**
     * Every object of the bucket as the app's client lists it (storage must be reachable), but the sample library's:
     * it is seeded in the background and tried again after a failure, so it may grow during a test.
     */
    private Set<String> storedObjects() {
        // The app creates its bucket in the background at start-up (its own calls wait for it); so does this listing,
        // which the first test of a fresh context can otherwise make before the bucket exists (NoSuchBucket, seen once).
        storage.ready().block(Duration.ofSeconds(30));
        Set<String> keys = new TreeSet<>();
        for (Result<Item> result : storage.client().listObjects(ListObjectsArgs.builder().bucket(storage.bucket()).recursive(true).build())) {
            try {
                String key = result.get().objectName();
                if (!key.startsWith("library/")) {
                    keys.add(key);
                }
            }
            catch (Exception ex) {
                throw new IllegalStateException(ex);
            }
        }
        return keys;
    }

    /** Every file the S3 endpoint keeps on disk (objects and the parts of unfinished multipart uploads) but the library's. */
    private static Set<String> filesOfTheStore() {
        try (Stream<Path> files = Files.walk(objectsDir)) {
            return files.filter(Files::isRegularFile).map(path -> objectsDir.relativize(path).toString())
                    .filter(path -> !path.startsWith(Path.of(BUCKET, "library").toString()))
                    .collect(java.util.stream.Collectors.toCollection(TreeSet::new));
        }
        catch (IOException ex) {
            throw new java.io.UncheckedIOException(ex);
        }
    }

    /** Spring's disk-backed multipart reader would leave these; uploads here are streamed and must not. */
    private static Set<String> multipartTempFiles() {
        try (Stream<Path> entries = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return entries.map(path -> path.getFileName().toString()).filter(name -> name.startsWith("spring-multipart-"))
                    .collect(java.util.stream.Collectors.toCollection(TreeSet::new));
        }
        catch (IOException ex) {
            throw new java.io.UncheckedIOException(ex);
        }
    }

    private static long timed(Runnable call) {
        long started = System.nanoTime();
        call.run();
        return (System.nanoTime() - started) / 1_000_000;
    }

}
