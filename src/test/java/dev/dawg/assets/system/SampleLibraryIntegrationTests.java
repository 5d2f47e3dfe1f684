package dev.dawg.assets.system;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;

import dev.dawg.assets.AssetApi;
import dev.dawg.assets.AssetIntegrationTest;
import dev.dawg.assets.AssetStore;
import dev.dawg.assets.audio.AudioInfo;
import dev.dawg.assets.audio.AudioProbe;
import dev.dawg.assets.audio.AudioSource;
import dev.dawg.support.Api;

import static dev.dawg.support.Api.MAP;
import static dev.dawg.support.Api.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/** The built-in sample library: there on first start, real audio, idempotent seeding, administrators add to it. */
@AssetIntegrationTest
class SampleLibraryIntegrationTests {

    @Autowired
    Api api;

    @Autowired
    AssetApi assets;

    @Autowired
    SampleLibrary library;

    @SuppressWarnings("unchecked")
    List<Map<String, Object>> listed(String query) {
        return (List<Map<String, Object>>) assets.get("/api/system-assets" + query, null).expectStatus().isOk()
                .expectBody(MAP).returnResult().getResponseBody().get("items");
    }

    @Test
    void shouldListPlayableBuiltInSamplesInEveryCategoryToAnyone() {
        List<Map<String, Object>> samples = listed("?limit=100");

        Set<Object> categories = samples.stream().map(sample -> sample.get("category")).collect(Collectors.toSet());
        assertThat(categories).contains("kick", "snare", "hat", "clap", "bass", "pad");
        for (Map<String, Object> sample : samples.stream().filter(s -> SampleLibrary.builtInCategories().contains(s.get("category"))).toList()) {
            assertThat(sample).containsEntry("system", true).containsEntry("projectId", null).containsEntry("ownerId", null)
                    .containsEntry("format", "wav").containsEntry("sampleRate", 44100).containsEntry("channels", 1)
                    .containsEntry("bitDepth", 16);
            byte[] content = assets.get((String) sample.get("contentUrl"), null).expectStatus().isOk()
                    .expectBody(byte[].class).returnResult().getResponseBody();
            AudioInfo info = AudioProbe.probe(AudioSource.of(content));
            assertThat(info.durationSeconds()).isEqualTo(((Number) sample.get("durationSeconds")).doubleValue()).isGreaterThan(0.1);
            assertThat(AssetApi.sha256(content)).isEqualTo(sample.get("sha256"));
            assertThat(peak(content)).as("audible, not silence: " + sample.get("filename")).isGreaterThan(20000);
        }
        assertThat(listed("?category=kick")).extracting(sample -> sample.get("category")).containsOnly("kick").hasSizeGreaterThanOrEqualTo(2);
        assertProblem(assets.get("/api/system-assets?category=Not%20One", null), 400, "VALIDATION_FAILED");
    }

    @Test
    void shouldSeedEachSampleOnceHoweverOftenSeedingRuns() {
        int before = listed("?limit=100").size();
        // A second node, or a restart: seeding finds every sample recorded and stores nothing.
        java.util.Set<String> keys = assets.storedKeys();
        new SampleLibrary(context().getBean(AssetStore.class), context().getBean(dev.dawg.assets.storage.ObjectStorage.class),
                context().getBean(dev.dawg.events.AssetProcessingQueue.class))
                .ready().block();
        library.ready().block();
        assertThat(listed("?limit=100")).hasSize(before);
        assertThat(assets.storedKeys()).isEqualTo(keys);
    }

    @Test
    void shouldRenderAgainABuiltInSampleWhoseObjectWasLost() {
        Map<String, Object> kick = listed("?category=kick").get(0);
        String key = assets.objectKey(java.util.UUID.fromString((String) kick.get("id")));
        context().getBean(dev.dawg.assets.storage.ObjectStorage.class).remove(key).block();
        assertThat(assets.objectExists(key)).isFalse();

        new SampleLibrary(context().getBean(AssetStore.class), context().getBean(dev.dawg.assets.storage.ObjectStorage.class),
                context().getBean(dev.dawg.events.AssetProcessingQueue.class))
                .ready().block();

        byte[] content = assets.get((String) kick.get("contentUrl"), null).expectStatus().isOk()
                .expectBody(byte[].class).returnResult().getResponseBody();
        assertThat(AssetApi.sha256(content)).isEqualTo(kick.get("sha256"));
    }

    @Autowired
    org.springframework.context.ApplicationContext applicationContext;

    org.springframework.context.ApplicationContext context() {
        return applicationContext;
    }

    @Test
    void shouldLetAdministratorsAddToTheLibraryAndNoOneElse() {
        Api.User admin = api.admin();
        Api.User user = api.signUp();
        byte[] ogg = AssetApi.resource("tone-44k1-stereo.ogg");

        assertProblem(assets.uploadTo("/api/system-assets", user.bearer(), "mine.ogg", ogg, MediaType.APPLICATION_OCTET_STREAM,
                Map.of("category", "fx")), 403, "FORBIDDEN");
        assertProblem(assets.uploadTo("/api/system-assets", admin.bearer(), "riser.ogg", ogg, MediaType.APPLICATION_OCTET_STREAM,
                Map.of("category", "Not a category!")), 400, "VALIDATION_FAILED");
        Map<String, Object> added = assets.uploadTo("/api/system-assets", admin.bearer(), "riser.ogg", ogg,
                        MediaType.APPLICATION_OCTET_STREAM, Map.of("category", "fx"))
                .expectStatus().isCreated().expectBody(MAP).returnResult().getResponseBody();

        assertThat(added).containsEntry("category", "fx").containsEntry("system", true).containsEntry("format", "ogg")
                .containsEntry("durationSeconds", 0.5).containsEntry("ownerId", null);
        assertThat(listed("?category=fx")).extracting(sample -> sample.get("id")).contains(added.get("id"));
        assertThat(assets.usedBytes(admin.id())).as("the library counts against no quota").isZero();
        assertThat(assets.get("/api/assets/" + added.get("id") + "/content", null).expectStatus().isOk()
                .expectBody(byte[].class).returnResult().getResponseBody()).isEqualTo(ogg);
        assertProblem(assets.http().delete().uri("/api/assets/" + added.get("id")).header(HttpHeaders.AUTHORIZATION, user.bearer()).exchange(),
                403, "FORBIDDEN");
        assets.http().delete().uri("/api/assets/" + added.get("id")).header(HttpHeaders.AUTHORIZATION, admin.bearer()).exchange()
                .expectStatus().isNoContent();
    }

    private static int peak(byte[] wav) {
        int peak = 0;
        for (int i = 44; i + 1 < wav.length; i += 2) {
            peak = Math.max(peak, Math.abs((short) ((wav[i] & 0xFF) | wav[i + 1] << 8)));
        }
        return peak;
    }
}
