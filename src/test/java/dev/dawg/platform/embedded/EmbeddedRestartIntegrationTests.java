package dev.dawg.platform.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.client.MultipartBodyBuilder;
import org.springframework.web.reactive.function.BodyInserters;

import dev.dawg.support.Api;
import dev.dawg.support.TestNodes;

import static dev.dawg.support.Api.MAP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * With nothing configured, a user's account, projects and audio survive a restart of the server: the embedded
 * PostgreSQL, Redis and S3 keep their data (and the JWT key) in the data directory, stop with the application
 * and find everything again when it starts on the same directory.
 *
 * <p>It always runs on embedded services, in a data directory of its own, even when the DAWG_* variables name
 * external ones: what is tested is the embedded mode.
 */
class EmbeddedRestartIntegrationTests {

    private static final byte[] WAV = audio("tone-44k1-16bit-mono.wav");

    @Test
    void shouldKeepAccountsProjectsAndAudioAcrossARestart(@TempDir Path dataDir) {
        Api.User owner;
        Object projectId;
        Object assetId;
        List<URI> embeddedServices;
        try (ConfigurableApplicationContext first = start(dataDir)) {
            Api api = Api.against(first);
            owner = api.signUp();
            projectId = api.createProject(owner, Map.of("title", "Survives a restart", "projectData", Map.of("tempo", 97))).get("id");
            assetId = upload(api, owner, projectId).get("id");
            embeddedServices = embeddedServices(first.getEnvironment());
        }

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(embeddedServices)
                .as("embedded PostgreSQL, Redis and S3 stopped with the application").noneMatch(EmbeddedRestartIntegrationTests::listening));

        try (ConfigurableApplicationContext second = start(dataDir)) {
            Api api = Api.against(second);
            // The access token of the first run still works: its signing key was kept in the data directory.
            api.getProject(owner, projectId).expectStatus().isOk()
                    .expectBody()
                    .jsonPath("$.title").isEqualTo("Survives a restart")
                    .jsonPath("$.projectData.tempo").isEqualTo(97);
            byte[] content = api.http().get().uri("/api/assets/{id}/content", assetId)
                    .header(HttpHeaders.AUTHORIZATION, owner.bearer()).exchange()
                    .expectStatus().isOk()
                    .expectBody(byte[].class).returnResult().getResponseBody();
            assertThat(content).isEqualTo(WAV);
            api.login(owner.username(), Api.PASSWORD);
        }
    }

    private static ConfigurableApplicationContext start(Path dataDir) {
        // Command-line arguments outrank the DAWG_* variables, so the embedded services start whatever is set.
        return TestNodes.start("--server.port=0", "--dawg.data-dir=" + dataDir,
                "--dawg.db.url=", "--dawg.db.replica-url=", "--dawg.redis.url=", "--dawg.s3.endpoint=", "--dawg.auth.jwt-secret=");
    }

    private static Map<String, Object> upload(Api api, Api.User owner, Object projectId) {
        MultipartBodyBuilder body = new MultipartBodyBuilder();
        body.part("file", new ByteArrayResource(WAV)).filename("tone.wav").contentType(MediaType.parseMediaType("audio/wav"));
        return api.http().post().uri("/api/projects/{id}/assets", projectId).header(HttpHeaders.AUTHORIZATION, owner.bearer())
                .body(BodyInserters.fromMultipartData(body.build())).exchange()
                .expectStatus().isCreated()
                .expectBody(MAP).returnResult().getResponseBody();
    }

    /** Where the application found its PostgreSQL, Redis and S3 endpoint: the embedded ones it started. */
    private static List<URI> embeddedServices(Environment environment) {
        return List.of(URI.create(environment.getRequiredProperty("dawg.db.url")),
                URI.create(environment.getRequiredProperty("spring.data.redis.url")),
                URI.create(environment.getRequiredProperty("dawg.s3.endpoint")));
    }

    private static boolean listening(URI service) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(service.getHost(), service.getPort()), 500);
            return true;
        }
        catch (IOException refused) {
            return false;
        }
    }

    private static byte[] audio(String name) {
        try (InputStream in = EmbeddedRestartIntegrationTests.class.getResourceAsStream("/audio/" + name)) {
            return in.readAllBytes();
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
