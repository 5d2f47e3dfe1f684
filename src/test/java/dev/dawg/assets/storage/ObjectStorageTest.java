package dev.dawg.assets.storage;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import dev.dawg.platform.config.DawgProperties;

import static org.assertj.core.api.Assertions.assertThat;

/** Presigned URLs are signed for the address browsers use, which may differ from the one the server uses. */
class ObjectStorageTest {

    static PresignedUrls storage(Map<String, String> s3) {
        return new PresignedUrls(storageProperties(s3));
    }

    static DawgProperties storageProperties(Map<String, String> s3) {
        MapConfigurationPropertySource source = new MapConfigurationPropertySource();
        s3.forEach((key, value) -> source.put("dawg.s3." + key, value));
        return new Binder(source).bindOrCreate("dawg", DawgProperties.class);
    }

    @Test
    void shouldSignPresignedUrlsForThePublicEndpointWhenOneIsSet() {
        PresignedUrls storage = storage(Map.of("endpoint", "http://127.0.0.1:9000", "public-endpoint", "https://media.example.test",
                "access-key", "key", "secret-key", "secret-secret"));

        String put = storage.put("assets/abc", Duration.ofMinutes(15), Map.of("Content-Type", "audio/wav"));
        String get = storage.get("assets/abc", Duration.ofMinutes(5), Map.of("response-content-type", "audio/wav"));

        assertThat(put).startsWith("https://media.example.test/dawg-assets/assets/abc?").contains("X-Amz-Expires=900")
                .contains("X-Amz-SignedHeaders=content-type%3Bhost");
        assertThat(get).startsWith("https://media.example.test/dawg-assets/assets/abc?").contains("X-Amz-Expires=300")
                .contains("response-content-type=audio%2Fwav");
    }

    @Test
    void shouldSignTheLengthOfAPresignedUploadWhenGivenOne() {
        PresignedUrls storage = storage(Map.of("endpoint", "http://127.0.0.1:9000", "access-key", "key", "secret-key", "secret-secret"));

        String put = storage.put("assets/abc", Duration.ofMinutes(15), Map.of("Content-Type", "audio/wav", "Content-Length", "1234"));

        assertThat(put).contains("X-Amz-SignedHeaders=content-length%3Bcontent-type%3Bhost");
    }

    @Test
    void shouldSignAPartUrlWithItsPartNumberUploadIdAndLengthForThePublicEndpoint() {
        PresignedUrls storage = storage(Map.of("endpoint", "http://127.0.0.1:9000", "public-endpoint", "https://media.example.test",
                "access-key", "key", "secret-key", "secret-secret"));

        String part = storage.putPart("uploads/abc", "up/load+id=", 7, Duration.ofMinutes(15), Map.of("Content-Length", "5242880"));

        assertThat(part).startsWith("https://media.example.test/dawg-assets/uploads/abc?").contains("partNumber=7")
                .contains("uploadId=up%2Fload%2Bid%3D").contains("X-Amz-SignedHeaders=content-length%3Bhost").contains("X-Amz-Signature=");
        // Signing is local CPU work (milliseconds a URL): what one request may ask for (100) is measured here.
        for (int round = 0; round < 3; round++) {
            long started = System.nanoTime();
            for (int number = 1; number <= 100; number++) {
                storage.putPart("uploads/abc", "upload-id", number, Duration.ofMinutes(15), Map.of("Content-Length", "5242880"));
            }
            System.out.printf("100 part URLs signed in %d ms%n", (System.nanoTime() - started) / 1_000_000);
        }
    }

    @Test
    void shouldSignForTheStoreItselfWithoutAPublicEndpoint() {
        PresignedUrls storage = storage(Map.of("endpoint", "http://127.0.0.1:9000", "access-key", "key", "secret-key", "secret-secret"));

        assertThat(storage.put("assets/abc", Duration.ofMinutes(1), Map.of())).startsWith("http://127.0.0.1:9000/dawg-assets/assets/abc?");
    }
}
