package dev.dawg.assets;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;

import dev.dawg.assets.storage.ObjectStorage;
import dev.dawg.support.Api;

import static dev.dawg.support.Api.MAP;
import static dev.dawg.support.Api.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A presigned upload URL outlives its upload: whatever is PUT to it once the upload ended (here after a refused
 * completion) is outside every quota, and goes at the latest with the first sweep after the URL expired.
 */
@AssetIntegrationTest
// The same settings as StalledUploadIntegrationTests, so that both share one application context.
@TestPropertySource(properties = { "dawg.assets.upload-url-ttl=" + PresignedUrlLifetimeIntegrationTests.URL_TTL,
        "dawg.assets.upload-idle-timeout=2s" })
public class PresignedUrlLifetimeIntegrationTests {

    static final String URL_TTL = "6s";
    /** The sweep interval of every asset test ({@link AssetIntegrationTest}). */
    static final Duration SWEEP = Duration.ofSeconds(1);

    @Autowired
    Api api;

    @Autowired
    AssetApi assets;

    @Autowired
    ObjectStorage storage;

    private final AssetApi.StoreClient store = new AssetApi.StoreClient();

    @Test
    void shouldRemoveBytesPutAgainAfterARefusedCompletionByTheFirstSweepAfterTheUrlExpired() throws Exception {
        Api.User owner = api.signUp();
        UUID project = assets.project(owner, "private");
        byte[] text = "not audio at all, just words ".repeat(100).getBytes(StandardCharsets.UTF_8);
        Map<String, Object> upload = assets.http().post().uri("/api/projects/" + project + "/assets/uploads")
                .header(HttpHeaders.AUTHORIZATION, owner.bearer()).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("filename", "song.flac", "sizeBytes", text.length, "contentType", "audio/flac"))
                .exchange().expectStatus().isCreated().expectBody(MAP).returnResult().getResponseBody();
        Instant expiresAt = Instant.parse((String) upload.get("expiresAt"));
        String urlKey = AssetApi.urlObjectKey(upload, storage.bucket());
        assertThat(store.put(upload, text)).isEqualTo(200);
        assertProblem(assets.http().post().uri("/api/assets/uploads/" + upload.get("uploadId") + "/complete")
                .header(HttpHeaders.AUTHORIZATION, owner.bearer()).exchange(), 415, "UNSUPPORTED_MEDIA_TYPE");

        long putAgain = System.nanoTime();
        assertThat(store.put(upload, text)).as("the URL has not expired yet").isEqualTo(200);
        assertThat(assets.usedBytes(owner.id())).as("the quota counts nothing for it").isZero();

        await().atMost(Duration.between(Instant.now(), expiresAt).plus(SWEEP).plusSeconds(5)).pollInterval(Duration.ofMillis(50))
                .until(() -> !assets.objectExists(urlKey));
        Instant goneAt = Instant.now();
        System.out.printf("bytes PUT again after the refusal gone %d ms after the PUT, %d ms before the URL expired%n",
                (System.nanoTime() - putAgain) / 1_000_000, Duration.between(goneAt, expiresAt).toMillis());
        assertThat(goneAt).as("gone by the first sweep after the URL expired").isBefore(expiresAt.plus(SWEEP).plusSeconds(1));

        await().atMost(Duration.between(Instant.now(), expiresAt).plusSeconds(5)).until(() -> Instant.now().isAfter(expiresAt));
        int afterExpiry = store.put(upload, text);
        System.out.printf("a PUT to the expired URL: %d%n", afterExpiry);
        await().atMost(SWEEP.plusSeconds(3)).until(() -> !assets.objectExists(urlKey));
        assertThat(assets.usedBytes(owner.id())).isZero();
        assertThat(assets.uploadRows(owner.id())).isZero();
        assertThat(assets.assetRows(project)).isZero();
    }
}
