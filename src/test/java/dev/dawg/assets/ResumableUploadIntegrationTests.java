package dev.dawg.assets;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;

import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.util.unit.DataSize;

import dev.dawg.assets.storage.ObjectStorage;
import dev.dawg.support.Api;

import static dev.dawg.support.Api.MAP;
import static dev.dawg.support.Api.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Resumable uploads against the embedded store: parts PUT straight to it through presigned part URLs with a plain HTTP
 * client, a client that "reloads" halfway and sends only the missing parts, and every way an upload can end without
 * becoming an asset leaving nothing behind (no object, no incomplete multipart upload, no row, no reservation).
 */
@AssetIntegrationTest
class ResumableUploadIntegrationTests {

    static final int PART = 5 * 1024 * 1024;

    @Autowired
    Api api;

    @Autowired
    AssetApi assets;

    @Autowired
    ObjectStorage storage;

    @Autowired
    AssetSweeper sweeper;

    @Autowired
    ConnectionFactory pool;

    private final AssetApi.StoreClient store = new AssetApi.StoreClient();

    WebTestClient.ResponseSpec start(Api.User user, String uri, Map<String, Object> body) {
        return assets.http().post().uri(uri).header(HttpHeaders.AUTHORIZATION, user.bearer())
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }

    Map<String, Object> started(Api.User user, String filename, long size) {
        return start(user, "/api/assets/multipart-uploads", Map.of("filename", filename, "sizeBytes", size, "contentType", "audio/wav"))
                .expectStatus().isCreated().expectBody(MAP).returnResult().getResponseBody();
    }

    WebTestClient.ResponseSpec partUrls(Api.User user, Object uploadId, Object partNumbers) {
        return assets.http().post().uri("/api/assets/multipart-uploads/" + uploadId + "/parts").header(HttpHeaders.AUTHORIZATION, user.bearer())
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("partNumbers", partNumbers)).exchange();
    }

    @SuppressWarnings("unchecked")
    List<Map<String, Object>> urls(Api.User user, Object uploadId, List<Integer> partNumbers) {
        return (List<Map<String, Object>>) partUrls(user, uploadId, partNumbers).expectStatus().isOk().expectBody(MAP).returnResult()
                .getResponseBody().get("parts");
    }

    WebTestClient.ResponseSpec state(Api.User user, Object uploadId) {
        return assets.http().get().uri("/api/assets/multipart-uploads/" + uploadId).header(HttpHeaders.AUTHORIZATION, user.bearer()).exchange();
    }

    WebTestClient.ResponseSpec complete(Api.User user, Object uploadId) {
        return assets.http().post().uri("/api/assets/multipart-uploads/" + uploadId + "/complete").header(HttpHeaders.AUTHORIZATION, user.bearer())
                .exchange();
    }

    WebTestClient.ResponseSpec abort(Api.User user, Object uploadId) {
        return assets.http().delete().uri("/api/assets/multipart-uploads/" + uploadId).header(HttpHeaders.AUTHORIZATION, user.bearer()).exchange();
    }

    /** PUTs {@code bytes} to a part URL as a browser would (the signed Content-Length is what its client sends for the body). */
    int putPart(Map<String, Object> url, byte[] bytes) throws Exception {
        return store.send(HttpRequest.newBuilder(URI.create((String) url.get("url"))).PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)).build());
    }

    static byte[] part(byte[] file, int number) {
        return Arrays.copyOfRange(file, (number - 1) * PART, Math.min(file.length, number * PART));
    }

    /** Incomplete multipart uploads in the store under the staging prefix. */
    Set<String> incompleteUploads() {
        return Set.copyOf(storage.listIncompleteUploads(PresignedUploads.STAGING_PREFIX).map(ObjectStorage.IncompleteUpload::uploadId)
                .collectList().block(Duration.ofSeconds(10)));
    }

    String s3UploadId(Object uploadId) {
        return assets.uploadS3Id(UUID.fromString((String) uploadId));
    }

    /** Nothing of the user's upload is left: no row, no reservation, no object, no incomplete upload in the store. */
    void assertNothingLeft(Api.User owner, String s3UploadId, Set<String> keysBefore) {
        assertThat(assets.uploadRows(owner.id())).as("upload rows").isZero();
        assertThat(assets.usedBytes(owner.id())).as("quota held").isZero();
        assertThat(incompleteUploads()).as("incomplete uploads in the store").doesNotContain(s3UploadId);
        assertThat(keysBefore).as("objects in the bucket").containsAll(assets.storedKeys());
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldResumeAfterAReloadHalfwayAndCompleteWithTheSameBytes() throws Exception {
        Api.User owner = api.signUp();
        byte[] wav = AssetApi.wav(3 * PART + 500_000 - 44);
        assertThat(wav.length).isLessThan((int) AssetIntegrationTest.MAX_UPLOAD);

        Map<String, Object> upload = started(owner, "long take.wav", wav.length);
        assertThat(upload).containsEntry("partSize", PART).containsEntry("partCount", 4).containsEntry("sizeBytes", wav.length)
                .containsKeys("uploadId", "expiresAt", "partsUrl", "completeUrl");
        Object id = upload.get("uploadId");
        String s3Id = s3UploadId(id);
        assertThat(assets.usedBytes(owner.id())).as("reserved at the start").isEqualTo(wav.length);

        // The first session sends half the parts, then the page is reloaded.
        List<Map<String, Object>> first = urls(owner, id, List.of(1, 2));
        assertThat(first).extracting(url -> url.get("sizeBytes")).containsExactly(PART, PART);
        assertThat((Map<String, String>) first.get(0).get("headers")).containsEntry("Content-Length", Integer.toString(PART));
        for (Map<String, Object> url : first) {
            assertThat(putPart(url, part(wav, (Integer) url.get("partNumber")))).isEqualTo(200);
        }
        assertProblem(complete(owner, id), 409, "PARTS_MISSING");

        // After the reload: what is stored, what is missing, URLs for the missing parts only.
        Map<String, Object> resumed = state(owner, id).expectStatus().isOk().expectBody(MAP).returnResult().getResponseBody();
        assertThat((List<Map<String, Object>>) resumed.get("parts")).extracting(p -> p.get("partNumber"), p -> p.get("sizeBytes"))
                .containsExactly(org.assertj.core.groups.Tuple.tuple(1, PART), org.assertj.core.groups.Tuple.tuple(2, PART));
        assertThat((List<Map<String, Object>>) resumed.get("parts")).allSatisfy(p -> assertThat((String) p.get("etag")).isNotBlank());
        assertThat(resumed).containsEntry("uploadedBytes", 2 * PART).containsEntry("missingPartNumbers", List.of(3, 4));
        Map<String, Object> listed = assets.get("/api/assets/multipart-uploads", owner.bearer()).expectStatus().isOk().expectBody(MAP)
                .returnResult().getResponseBody();
        assertThat((List<Map<String, Object>>) listed.get("items")).extracting(item -> item.get("uploadId")).containsExactly(id);

        List<Map<String, Object>> rest = urls(owner, id, (List<Integer>) resumed.get("missingPartNumbers"));
        assertThat(rest).extracting(url -> url.get("sizeBytes")).containsExactly(PART, 500_000);
        for (Map<String, Object> url : rest) {
            assertThat(putPart(url, part(wav, (Integer) url.get("partNumber")))).isEqualTo(200);
        }
        Map<String, Object> asset = complete(owner, id).expectStatus().isCreated().expectHeader().exists(HttpHeaders.LOCATION)
                .expectBody(MAP).returnResult().getResponseBody();

        assertThat(asset).containsEntry("filename", "long take.wav").containsEntry("format", "wav").containsEntry("sizeBytes", wav.length)
                .containsEntry("sha256", AssetApi.sha256(wav)).containsEntry("sampleRate", 44100).containsEntry("channels", 1)
                .containsEntry("status", "ready");
        String content = "/api/assets/" + asset.get("id") + "/content";
        assertThat(assets.downloadedSha256(content, owner.bearer())).isEqualTo(AssetApi.sha256(wav));
        assertThat(assets.download(content, owner.bearer())).isEqualTo(wav);
        assertThat(assets.usedBytes(owner.id())).as("the asset alone").isEqualTo(wav.length);
        assertThat(assets.uploadRows(owner.id())).isZero();
        assertThat(incompleteUploads()).doesNotContain(s3Id);
        assertProblem(complete(owner, id), 404, "NOT_FOUND");
        assertProblem(state(owner, id), 404, "NOT_FOUND");
    }

    @Test
    void shouldUploadIntoAProjectAndAFolderOfTheCallersLibrary() throws Exception {
        Api.User owner = api.signUp();
        UUID project = assets.project(owner, "private");
        byte[] flac = AssetApi.resource("tone-44k1-16bit-stereo.flac");
        Map<String, Object> upload = start(owner, "/api/projects/" + project + "/assets/multipart-uploads",
                Map.of("filename", "tone.flac", "sizeBytes", flac.length, "contentType", "audio/flac"))
                .expectStatus().isCreated().expectBody(MAP).returnResult().getResponseBody();
        assertThat(upload).containsEntry("partCount", 1);
        Map<String, Object> url = urls(owner, upload.get("uploadId"), List.of(1)).get(0);
        assertThat(putPart(url, flac)).isEqualTo(200);
        complete(owner, upload.get("uploadId")).expectStatus().isCreated().expectBody(MAP)
                .value(asset -> assertThat(asset).containsEntry("projectId", project.toString()).containsEntry("format", "flac")
                        .containsEntry("sha256", AssetApi.sha256(flac)));
        assertThat(assets.assetRows(project)).isOne();

        String folder = (String) start(owner, "/api/asset-folders", Map.of("name", "Takes")).expectStatus().isCreated().expectBody(MAP)
                .returnResult().getResponseBody().get("id");
        Map<String, Object> intoFolder = start(owner, "/api/assets/multipart-uploads",
                Map.of("filename", "tone.flac", "sizeBytes", flac.length, "contentType", "audio/flac", "folderId", folder))
                .expectStatus().isCreated().expectBody(MAP).returnResult().getResponseBody();
        assertThat(putPart(urls(owner, intoFolder.get("uploadId"), List.of(1)).get(0), flac)).isEqualTo(200);
        complete(owner, intoFolder.get("uploadId")).expectStatus().isCreated().expectBody(MAP)
                .value(asset -> assertThat(asset).containsEntry("folderId", folder));

        Api.User stranger = api.signUp();
        assertProblem(start(stranger, "/api/projects/" + project + "/assets/multipart-uploads",
                Map.of("filename", "x.wav", "sizeBytes", 100, "contentType", "audio/wav")), 404, "NOT_FOUND");
        assertProblem(start(stranger, "/api/assets/multipart-uploads",
                Map.of("filename", "x.wav", "sizeBytes", 100, "contentType", "audio/wav", "folderId", folder)), 404, "NOT_FOUND");
        assertThat(assets.uploadRows(stranger.id())).isZero();
    }

    @Test
    void shouldAbortAndLeaveNothing() throws Exception {
        Api.User owner = api.signUp();
        Set<String> before = assets.storedKeys();
        byte[] wav = AssetApi.wav(2 * PART);
        Map<String, Object> upload = started(owner, "take.wav", wav.length);
        Object id = upload.get("uploadId");
        String s3Id = s3UploadId(id);
        List<Map<String, Object>> urls = urls(owner, id, List.of(1, 2, 3));
        assertThat(putPart(urls.get(0), part(wav, 1))).isEqualTo(200);
        assertThat(incompleteUploads()).contains(s3Id);

        abort(owner, id).expectStatus().isNoContent();

        assertNothingLeft(owner, s3Id, before);
        assertThat(putPart(urls.get(1), part(wav, 2))).as("a part URL of an aborted upload").isEqualTo(404);
        assertNothingLeft(owner, s3Id, before);
        assertProblem(state(owner, id), 404, "NOT_FOUND");
        assertProblem(abort(owner, id), 404, "NOT_FOUND");
        assertProblem(complete(owner, id), 404, "NOT_FOUND");
    }

    @Test
    void shouldRefuseOverTheLimitOrTheQuotaAtTheStartAndReserveNothing() {
        Api.User owner = api.signUp();
        String uri = "/api/assets/multipart-uploads";
        assertProblem(start(owner, uri, Map.of("filename", "big.wav", "sizeBytes", AssetIntegrationTest.MAX_UPLOAD + 1, "contentType", "audio/wav")),
                413, "PAYLOAD_TOO_LARGE");
        assertProblem(start(owner, uri, Map.of("filename", "x.wav", "sizeBytes", 0, "contentType", "audio/wav")), 400, "VALIDATION_FAILED");
        assertProblem(start(owner, uri, Map.of("filename", "x.wav", "sizeBytes", 10, "contentType", "text/html")), 415, "UNSUPPORTED_MEDIA_TYPE");
        assertProblem(start(owner, uri, Map.of("filename", "x.wav", "sizeBytes", 10, "contentType", "audio/wav", "partSize", 1)), 400,
                "VALIDATION_FAILED");
        long quota = DataSize.ofGigabytes(1).toBytes();
        assets.setUsedBytes(owner.id(), quota - PART);
        Map<String, Object> problem = assertProblem(start(owner, uri, Map.of("filename", "x.wav", "sizeBytes", PART + 1, "contentType", "audio/wav")),
                413, "QUOTA_EXCEEDED");
        assertThat(((Number) problem.get("usedBytes")).longValue()).isEqualTo(quota - PART);
        assertThat(assets.uploadRows(owner.id())).isZero();
        assertThat(assets.usedBytes(owner.id())).isEqualTo(quota - PART);
        started(owner, "fits.wav", PART);
    }

    @Test
    void shouldRefusePartNumbersOutsideTheUploadAndURLsBentToAnotherPart() throws Exception {
        Api.User owner = api.signUp();
        byte[] wav = AssetApi.wav(2 * PART);
        Object id = started(owner, "take.wav", wav.length).get("uploadId"); // three parts
        for (Object bad : List.of(List.of(0), List.of(4), List.of(-1), List.of(1, 1), List.of(), List.of("1"), List.of(1.5), "1",
                List.of(Long.MAX_VALUE), IntStream.rangeClosed(1, ResumableUploads.MAX_URLS_PER_REQUEST + 1).boxed().toList())) {
            assertProblem(partUrls(owner, id, bad), 400, "VALIDATION_FAILED");
        }
        assertProblem(assets.http().post().uri("/api/assets/multipart-uploads/" + id + "/parts").header(HttpHeaders.AUTHORIZATION, owner.bearer())
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("partNumbers", List.of(1), "uploadId", "x")).exchange(), 400,
                "VALIDATION_FAILED");

        Map<String, Object> first = urls(owner, id, List.of(1)).get(0);
        // The part number, upload id and length are signed: a URL bent to another part, or a body of another length, is refused.
        Map<String, Object> bent = Map.of("url", ((String) first.get("url")).replace("partNumber=1", "partNumber=2"));
        assertThat(putPart(bent, part(wav, 2))).isEqualTo(403);
        assertThat(putPart(first, Arrays.copyOf(part(wav, 1), PART - 1))).isEqualTo(403);
        assertThat(putPart(first, Arrays.copyOf(part(wav, 1), PART + 1))).isEqualTo(403);
        Map<String, Object> state = state(owner, id).expectStatus().isOk().expectBody(MAP).returnResult().getResponseBody();
        assertThat(state).containsEntry("parts", List.of()).containsEntry("missingPartNumbers", List.of(1, 2, 3));
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldNeverHandOutAPartUrlThatOutlivesItsUpload() {
        Api.User owner = api.signUp();
        Object id = started(owner, "take.wav", PART + 1).get("uploadId");
        assets.sql("UPDATE asset_uploads SET expires_at = now() + interval '30 seconds' WHERE id = :id", UUID.fromString((String) id));

        Map<String, Object> answer = partUrls(owner, id, List.of(1, 2)).expectStatus().isOk().expectBody(MAP).returnResult().getResponseBody();

        java.time.Instant expires = java.time.Instant.parse((String) answer.get("expiresAt"));
        assertThat(expires).isBefore(java.time.Instant.now().plusSeconds(31));
        assertThat((List<Map<String, Object>>) answer.get("parts")).allSatisfy(url -> assertThat((String) url.get("url"))
                .containsPattern("X-Amz-Expires=(30|29|28|27|26|25)&"));
    }

    @Test
    void shouldLetACompletionAndAnAbortRacingEndTheUploadOneWayOnly() throws Exception {
        for (int round = 0; round < 3; round++) {
            Api.User owner = api.signUp();
            byte[] flac = AssetApi.resource("tone-44k1-16bit-stereo.flac");
            Object id = started(owner, "tone.flac", flac.length).get("uploadId");
            String s3Id = s3UploadId(id);
            assertThat(putPart(urls(owner, id, List.of(1)).get(0), flac)).isEqualTo(200);

            java.util.concurrent.CompletableFuture<Integer> completing = java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> complete(owner, id).returnResult(Void.class).getStatus().value());
            java.util.concurrent.CompletableFuture<Integer> aborting = java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> abort(owner, id).returnResult(Void.class).getStatus().value());
            int completed = completing.join();
            int aborted = aborting.join();

            // Exactly one wins; the other finds it taken (409) or gone (404).
            assertThat(List.of(completed, aborted)).as("complete, abort").containsAnyOf(201, 204);
            assertThat(completed == 201 ^ aborted == 204).as("one way only: complete " + completed + ", abort " + aborted).isTrue();
            assertThat(completed == 201 ? aborted : completed).isIn(404, 409);
            long assets = this.assets.assetsOf(owner.id());
            assertThat(assets).isEqualTo(completed == 201 ? 1 : 0);
            assertThat(this.assets.usedBytes(owner.id())).isEqualTo(completed == 201 ? flac.length : 0);
            assertThat(this.assets.uploadRows(owner.id())).isZero();
            assertThat(incompleteUploads()).doesNotContain(s3Id);
        }
    }

    @Test
    void shouldEndAnUploadWhosePartsDoNotMakeTheDeclaredSize() {
        Api.User owner = api.signUp();
        Set<String> before = assets.storedKeys();
        byte[] wav = AssetApi.wav(2 * PART);
        Object id = started(owner, "take.wav", wav.length).get("uploadId");
        String key = assets.uploadObjectKey(UUID.fromString((String) id));
        String s3Id = s3UploadId(id);
        // A store that checks no signed length would take parts of any size: the completion refuses them all the same.
        storage.uploadPart(key, s3Id, 1, part(wav, 1), PART).block();
        storage.uploadPart(key, s3Id, 2, part(wav, 2), PART).block();
        storage.uploadPart(key, s3Id, 3, Arrays.copyOf(part(wav, 3), 1000), 1000).block();

        Map<String, Object> problem = assertProblem(complete(owner, id), 422, "UNPROCESSABLE");
        assertThat(problem).containsEntry("uploadedBytes", 2 * PART + 1000);

        assertNothingLeft(owner, s3Id, before);
        assertProblem(complete(owner, id), 404, "NOT_FOUND");
    }

    @Test
    void shouldRefuseBytesThatAreNotAudioAndLeaveNothing() throws Exception {
        Api.User owner = api.signUp();
        Set<String> before = assets.storedKeys();
        byte[] text = "no audio here, only words. ".repeat(PART / 10).getBytes(StandardCharsets.UTF_8);
        Map<String, Object> upload = started(owner, "song.wav", text.length);
        Object id = upload.get("uploadId");
        String s3Id = s3UploadId(id);
        List<Integer> all = IntStream.rangeClosed(1, (Integer) upload.get("partCount")).boxed().toList();
        assertThat(all).hasSizeGreaterThanOrEqualTo(3);
        for (Map<String, Object> url : urls(owner, id, all)) {
            assertThat(putPart(url, part(text, (Integer) url.get("partNumber")))).isEqualTo(200);
        }

        assertProblem(complete(owner, id), 415, "UNSUPPORTED_MEDIA_TYPE");

        assertNothingLeft(owner, s3Id, before);
    }

    @Test
    void shouldGiveAnotherUserNothingOfAnUpload() throws Exception {
        Api.User owner = api.signUp();
        Api.User stranger = api.signUp();
        Object id = started(owner, "take.wav", 100).get("uploadId");
        assertProblem(state(stranger, id), 404, "NOT_FOUND");
        assertProblem(partUrls(stranger, id, List.of(1)), 404, "NOT_FOUND");
        assertProblem(complete(stranger, id), 404, "NOT_FOUND");
        assertProblem(abort(stranger, id), 404, "NOT_FOUND");
        assertProblem(state(stranger, "not-a-uuid"), 404, "NOT_FOUND");
        assertThat((List<?>) assets.get("/api/assets/multipart-uploads", stranger.bearer()).expectStatus().isOk().expectBody(MAP).returnResult()
                .getResponseBody().get("items")).isEmpty();
        state(owner, id).expectStatus().isOk();
        assertThat(assets.uploadRows(owner.id())).isOne();

        String readKey = api.createApiKey(owner, List.of("assets:read"));
        assertProblem(assets.http().get().uri("/api/assets/multipart-uploads/" + id).header("X-API-Key", readKey).exchange(), 403,
                "INSUFFICIENT_SCOPE");
    }

    @Test
    void shouldSweepExpiredUploadsAndStoreSideUploadsNoUploadOwns() throws Exception {
        Api.User owner = api.signUp();
        Set<String> before = assets.storedKeys();
        byte[] wav = AssetApi.wav(PART + 1000);
        Object id = started(owner, "take.wav", wav.length).get("uploadId");
        String s3Id = s3UploadId(id);
        assertThat(putPart(urls(owner, id, List.of(1)).get(0), part(wav, 1))).isEqualTo(200);
        // A store-side upload no row owns (its row went while the abort failed, or a node stopped mid-start). The
        // one-second sweep may abort it at once, so its presence is not asserted: only that it goes.
        String stray = storage.startMultipart(PresignedUploads.STAGING_PREFIX + UUID.randomUUID(), "audio/wav").block();
        assertThat(stray).isNotBlank();
        assertThat(incompleteUploads()).contains(s3Id);

        // The one-second sweep would delete the expired row before the 410 could be seen (a 404 then); a key-share lock
        // held meanwhile makes the sweep skip it (FOR UPDATE SKIP LOCKED) without blocking the request's plain read.
        Connection held = Mono.from(pool.create()).block();
        try {
            Mono.from(held.beginTransaction()).block();
            Flux.from(held.createStatement("SELECT id FROM asset_uploads WHERE id = $1 FOR KEY SHARE").bind("$1", UUID.fromString((String) id))
                    .execute()).flatMap(result -> result.map(row -> row.get(0))).blockLast();
            assets.sql("UPDATE asset_uploads SET expires_at = now() - interval '1 second' WHERE id = :id", UUID.fromString((String) id));
            assertProblem(partUrls(owner, id, List.of(2)), 410, "GONE");
        } finally {
            Mono.from(held.rollbackTransaction()).block();
            Mono.from(held.close()).block();
        }

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            assertThat(assets.uploadRows(owner.id())).isZero();
            assertThat(incompleteUploads()).doesNotContain(s3Id, stray);
        });
        assertNothingLeft(owner, s3Id, before);
        assertProblem(complete(owner, id), 404, "NOT_FOUND");
    }

    @Test
    void shouldKeepTheStoreSideUploadOfAnOpenUploadWhileSweeping() throws Exception {
        Api.User owner = api.signUp();
        byte[] wav = AssetApi.wav(PART + 1000);
        Object id = started(owner, "take.wav", wav.length).get("uploadId");
        String s3Id = s3UploadId(id);
        assertThat(putPart(urls(owner, id, List.of(1)).get(0), part(wav, 1))).isEqualTo(200);

        sweeper.sweep().block(Duration.ofSeconds(30));
        sweeper.sweep().block(Duration.ofSeconds(30));

        assertThat(incompleteUploads()).contains(s3Id);
        assertThat(putPart(urls(owner, id, List.of(2)).get(0), part(wav, 2))).isEqualTo(200);
        complete(owner, id).expectStatus().isCreated();
    }
}
