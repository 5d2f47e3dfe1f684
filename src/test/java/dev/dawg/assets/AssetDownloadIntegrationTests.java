package dev.dawg.assets;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import dev.dawg.assets.storage.ObjectStorage;
import dev.dawg.support.Api;

import static dev.dawg.support.Api.MAP;
import static dev.dawg.support.Api.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Downloads: streamed bytes with ranges, headers that keep browsers safe, presigned redirects, listing and deletion. */
@AssetIntegrationTest
public class AssetDownloadIntegrationTests {

    @Autowired
    Api api;

    @Autowired
    AssetApi assets;

    @Autowired
    ObjectStorage storage;

    Api.User owner;
    UUID project;
    byte[] wav;
    String assetId;

    @BeforeEach
    void upload() {
        owner = api.signUp();
        project = assets.project(owner, "private");
        wav = AssetApi.resource("tone-44k1-16bit-mono.wav");
        assetId = (String) assets.uploaded(owner, project, "Kick \"hard\"; v2 \u00fc.wav", wav).get("id");
    }

    EntityExchangeResult<byte[]> range(String range) {
        return assets.http().get().uri("/api/assets/" + assetId + "/content").header(HttpHeaders.AUTHORIZATION, owner.bearer())
                .header(HttpHeaders.RANGE, range).exchange()
                .expectBody(byte[].class).returnResult();
    }

    @Test
    void shouldStreamTheWholeFileWithSafeHeaders() {
        EntityExchangeResult<byte[]> result = assets.get("/api/assets/" + assetId + "/content", owner.bearer())
                .expectStatus().isOk().expectBody(byte[].class).returnResult();

        assertThat(result.getResponseBody()).isEqualTo(wav);
        HttpHeaders headers = result.getResponseHeaders();
        assertThat(headers.getContentType()).hasToString("audio/wav");
        assertThat(headers.getContentLength()).isEqualTo(wav.length);
        assertThat(headers.getFirst(HttpHeaders.ACCEPT_RANGES)).isEqualTo("bytes");
        assertThat(headers.get("X-Content-Type-Options")).containsExactly("nosniff");
        assertThat(headers.getETag()).isEqualTo("\"" + AssetApi.sha256(wav) + "\"");
        // The stored name had quotes, a semicolon and a line break: none may reach the header unescaped.
        assertThat(headers.getFirst(HttpHeaders.CONTENT_DISPOSITION))
                .isEqualTo("attachment; filename=\"Kick _hard__ v2 _.wav\"; filename*=UTF-8''Kick%20%22hard%22%3B%20v2%20%C3%BC.wav");
    }

    @Test
    void shouldAnswerHeadWithTheHeadersOfAGetWithoutReadingTheObject() {
        // With the object gone from the store, only an answer made from the asset's row can still be a 200.
        storage.remove(assets.objectKey(UUID.fromString(assetId))).block(Duration.ofSeconds(10));

        EntityExchangeResult<byte[]> head = assets.http().head().uri("/api/assets/" + assetId + "/content")
                .header(HttpHeaders.AUTHORIZATION, owner.bearer()).exchange()
                .expectStatus().isOk().expectBody(byte[].class).returnResult();

        assertThat(head.getResponseBody()).isNullOrEmpty();
        HttpHeaders headers = head.getResponseHeaders();
        assertThat(headers.getContentType()).hasToString("audio/wav");
        assertThat(headers.getContentLength()).isEqualTo(wav.length);
        assertThat(headers.getFirst(HttpHeaders.ACCEPT_RANGES)).isEqualTo("bytes");
        assertThat(headers.getETag()).isEqualTo("\"" + AssetApi.sha256(wav) + "\"");
    }

    @Test
    void shouldServeTheFirstBytesAMiddleRangeASuffixAndAnOpenEndedRange() {
        assertPartial(range("bytes=0-99"), 0, 99);
        assertPartial(range("bytes=1000-1999"), 1000, 1999);
        assertPartial(range("bytes=-500"), wav.length - 500, wav.length - 1);
        assertPartial(range("bytes=44000-"), 44000, wav.length - 1);
        assertPartial(range("bytes=44000-99999999"), 44000, wav.length - 1);
    }

    /** A 206 of bytes {@code first} to {@code last} (inclusive), described as such and as the audio it is part of. */
    private void assertPartial(EntityExchangeResult<byte[]> result, int first, int last) {
        assertThat(result.getStatus().value()).isEqualTo(206);
        assertThat(result.getResponseBody()).isEqualTo(Arrays.copyOfRange(wav, first, last + 1));
        HttpHeaders headers = result.getResponseHeaders();
        assertThat(headers.getFirst(HttpHeaders.CONTENT_RANGE)).isEqualTo("bytes " + first + "-" + last + "/" + wav.length);
        assertThat(headers.getContentLength()).isEqualTo(last - first + 1);
        assertThat(headers.getContentType()).hasToString("audio/wav");
        assertThat(headers.getFirst(HttpHeaders.ACCEPT_RANGES)).isEqualTo("bytes");
        assertThat(headers.get("X-Content-Type-Options")).containsExactly("nosniff");
    }

    @Test
    void shouldAnswer416ForAnUnsatisfiableRangeAndIgnoreOnesItDoesNotServe() {
        assertProblem(assets.http().get().uri("/api/assets/" + assetId + "/content").header(HttpHeaders.AUTHORIZATION, owner.bearer())
                        .header(HttpHeaders.RANGE, "bytes=" + wav.length + "-").exchange()
                        .expectHeader().valueEquals(HttpHeaders.CONTENT_RANGE, "bytes */" + wav.length),
                416, "RANGE_NOT_SATISFIABLE");
        assertThat(range("bytes=-0").getStatus().value()).isEqualTo(416);
        for (String ignored : List.of("bytes=0-1,5-9", "items=0-5", "bytes=9-2", "bytes=abc")) {
            EntityExchangeResult<byte[]> whole = range(ignored);
            assertThat(whole.getStatus().value()).as(ignored).isEqualTo(200);
            assertThat(whole.getResponseBody()).isEqualTo(wav);
        }
    }

    @Test
    void shouldAnswerNotModifiedForTheCurrentETag() {
        assets.http().get().uri("/api/assets/" + assetId + "/content").header(HttpHeaders.AUTHORIZATION, owner.bearer())
                .header(HttpHeaders.IF_NONE_MATCH, "\"" + AssetApi.sha256(wav) + "\"").exchange()
                .expectStatus().isNotModified();
    }

    @Test
    void shouldRedirectToAShortLivedPresignedUrl() throws Exception {
        String location = assets.get("/api/assets/" + assetId + "/content?redirect=true", owner.bearer())
                .expectStatus().isFound().returnResult(Void.class).getResponseHeaders().getFirst(HttpHeaders.LOCATION);

        assertThat(location).contains("X-Amz-Signature=", "X-Amz-Expires=300");
        HttpResponse<byte[]> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(location)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(wav);
    }

    @Test
    void shouldShowMetadataAndListTheProjectsAssetsPageByPage() {
        assets.get("/api/assets/" + assetId, owner.bearer()).expectStatus().isOk().expectBody(MAP)
                .value(asset -> assertThat(asset).containsEntry("id", assetId).containsEntry("filename", "Kick \"hard\"; v2 \u00fc.wav")
                        .containsEntry("contentUrl", "/api/assets/" + assetId + "/content").containsEntry("system", false)
                        .doesNotContainKey("objectKey"));
        for (int i = 0; i < 4; i++) {
            assets.uploaded(owner, project, "take " + i + ".wav", wav);
        }
        Map<String, Object> first = assets.get("/api/projects/" + project + "/assets?limit=3", owner.bearer())
                .expectStatus().isOk().expectBody(MAP).returnResult().getResponseBody();
        assertThat((List<?>) first.get("items")).hasSize(3);
        assertThat(first.get("nextCursor")).isNotNull();
        Map<String, Object> second = assets.get("/api/projects/" + project + "/assets?limit=3&cursor=" + first.get("nextCursor"),
                owner.bearer()).expectStatus().isOk().expectBody(MAP).returnResult().getResponseBody();
        assertThat((List<?>) second.get("items")).hasSize(2);
        assertThat(second.get("nextCursor")).isNull();
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> all = new java.util.ArrayList<>((List<Map<String, Object>>) first.get("items"));
        all.addAll((List<Map<String, Object>>) second.get("items"));
        assertThat(all).extracting(item -> item.get("filename"))
                .containsExactly("take 3.wav", "take 2.wav", "take 1.wav", "take 0.wav", "Kick \"hard\"; v2 \u00fc.wav");
        assertProblem(assets.get("/api/projects/" + project + "/assets?cursor=bogus", owner.bearer()), 400, "VALIDATION_FAILED");
    }

    @Test
    void shouldDeleteTheRowAndTheObjectAndGiveTheQuotaBack() {
        String key = assets.objectKey(UUID.fromString(assetId));
        assertThat(assets.objectExists(key)).isTrue();
        assertThat(assets.usedBytes(owner.id())).isEqualTo(wav.length);

        assets.http().delete().uri("/api/assets/" + assetId).header(HttpHeaders.AUTHORIZATION, owner.bearer()).exchange()
                .expectStatus().isNoContent();

        assertThat(assets.objectExists(key)).isFalse();
        assertThat(assets.assetRows(project)).isZero();
        assertThat(assets.usedBytes(owner.id())).isZero();
        // Its own object: other tests' objects may still wait for the sweeper in the shared database.
        assertThat(assets.orphanRows(key)).isZero();
        assertProblem(assets.get("/api/assets/" + assetId, owner.bearer()), 404, "NOT_FOUND");
        assertProblem(assets.get("/api/assets/" + assetId + "/content", owner.bearer()), 404, "NOT_FOUND");
        assertProblem(assets.http().delete().uri("/api/assets/" + assetId).header(HttpHeaders.AUTHORIZATION, owner.bearer()).exchange(),
                404, "NOT_FOUND");
    }

    @Test
    void shouldGiveAProjectsAudioBackWhenTheProjectIsDeleted() throws Exception {
        UUID otherProject = assets.project(owner, "private");
        String kept = (String) assets.uploaded(owner, otherProject, "kept.wav", wav).get("id");
        String second = (String) assets.uploaded(owner, project, "snare.wav", wav).get("id");
        // And an upload still in flight: presigned, PUT, never completed.
        Map<String, Object> pending = assets.http().post().uri("/api/projects/" + project + "/assets/uploads")
                .header(HttpHeaders.AUTHORIZATION, owner.bearer()).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("filename", "hat.wav", "sizeBytes", wav.length, "contentType", "audio/wav"))
                .exchange().expectStatus().isCreated().expectBody(MAP).returnResult().getResponseBody();
        assertThat(HttpClient.newHttpClient().send(AssetApi.presignedPut(pending, wav), HttpResponse.BodyHandlers.discarding()).statusCode())
                .isEqualTo(200);
        List<String> keys = List.of(assets.objectKey(UUID.fromString(assetId)), assets.objectKey(UUID.fromString(second)),
                pendingObjectKey(pending.get("uploadId")));
        assertThat(keys).allMatch(assets::objectExists);
        assertThat(assets.usedBytes(owner.id())).isEqualTo(4L * wav.length);

        assets.http().delete().uri("/api/projects/" + project).header(HttpHeaders.AUTHORIZATION, owner.bearer()).exchange()
                .expectStatus().isNoContent();

        assertThat(assets.usedBytes(owner.id())).as("quota: only the other project's asset").isEqualTo(wav.length);
        assertThat(assets.assetRows(project)).isZero();
        assertThat(assets.uploadRows(owner.id())).as("uploads in flight").isZero();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(keys).noneMatch(assets::objectExists));
        await().atMost(Duration.ofSeconds(10)).until(() -> assets.orphanRows() == 0);
        for (String id : List.of(assetId, second)) {
            assertProblem(assets.get("/api/assets/" + id + "/content", owner.bearer()), 404, "NOT_FOUND");
        }
        assertProblem(assets.http().post().uri("/api/assets/uploads/" + pending.get("uploadId") + "/complete")
                .header(HttpHeaders.AUTHORIZATION, owner.bearer()).exchange(), 404, "NOT_FOUND");
        assertThat(assets.objectExists(assets.objectKey(UUID.fromString(kept)))).as("another project's asset").isTrue();
        assets.get("/api/assets/" + kept + "/content", owner.bearer()).expectStatus().isOk();
    }

    private String pendingObjectKey(Object uploadId) {
        return assets.uploadObjectKey(UUID.fromString((String) uploadId));
    }
}
