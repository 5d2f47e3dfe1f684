package dev.dawg.assets;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.util.unit.DataSize;

import dev.dawg.support.Api;

import static dev.dawg.support.Api.MAP;
import static dev.dawg.support.Api.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Streamed multipart uploads: every format with its metadata, and every refusal leaving nothing behind. */
@AssetIntegrationTest
public class AssetUploadIntegrationTests {

    @Autowired
    Api api;

    @Autowired
    AssetApi assets;

    @ParameterizedTest
    @CsvSource(nullValues = "-", value = {
            "tone-44k1-16bit-mono.wav,       wav,  audio/wav,  0.5,      44100, 1, 16",
            "tone-48k-24bit-stereo.wav,      wav,  audio/wav,  0.25,     48000, 2, 24",
            "tone-22k05-16bit-stereo.aiff,   aiff, audio/aiff, 0.5,      22050, 2, 16",
            "tone-16k-8bit-mono.aifc,        aiff, audio/aiff, 0.5,      16000, 1, 8",
            "tone-44k1-16bit-stereo.flac,    flac, audio/flac, 0.5,      44100, 2, 16",
            "tone-44k1-stereo-cbr128.mp3,    mp3,  audio/mpeg, 0.5,      44100, 2, -",
            "tone-44k1-stereo-vbr-id3.mp3,   mp3,  audio/mpeg, 0.5,      44100, 2, -",
            "tone-44k1-mono-cbr64-notag.mp3, mp3,  audio/mpeg, 0.548571, 44100, 1, -",
            "tone-44k1-stereo.ogg,           ogg,  audio/ogg,  0.5,      44100, 2, -",
            "tone-48k-stereo.opus,           ogg,  audio/ogg,  0.5,      48000, 2, -" })
    void shouldStoreEachFormatWithTheMetadataOfTheAudioItself(String file, String format, String contentType, double duration,
            int sampleRate, int channels, Integer bitDepth) {
        Api.User owner = api.signUp();
        UUID project = assets.project(owner, "private");
        byte[] bytes = AssetApi.resource(file);

        Map<String, Object> asset = assets.uploaded(owner, project, file, bytes);

        assertThat(asset).containsEntry("projectId", project.toString()).containsEntry("ownerId", owner.id().toString())
                .containsEntry("filename", file).containsEntry("format", format).containsEntry("contentType", contentType)
                .containsEntry("sizeBytes", bytes.length).containsEntry("sha256", AssetApi.sha256(bytes))
                .containsEntry("durationSeconds", duration).containsEntry("sampleRate", sampleRate)
                .containsEntry("channels", channels).containsEntry("bitDepth", bitDepth).containsEntry("status", "ready")
                .containsKeys("id", "createdAt");
        assertThat(assets.usedBytes(owner.id())).isEqualTo(bytes.length);
        assertThat(assets.uploadRows(owner.id())).isZero();
    }

    @Test
    void shouldStoreAFileLargerThanAPartInSeveralPartsWithTheRightDigestAndBytes() {
        Api.User owner = api.signUp();
        UUID project = assets.project(owner, "private");
        byte[] bytes = AssetApi.wav(12 * 1024 * 1024);

        Map<String, Object> asset = assets.uploaded(owner, project, "long take.wav", bytes);

        assertThat(asset).containsEntry("sizeBytes", bytes.length).containsEntry("sha256", AssetApi.sha256(bytes))
                .containsEntry("durationSeconds", Math.round(12 * 1024 * 1024 / 2 / 44100.0 * 1e6) / 1e6)
                .containsEntry("sampleRate", 44100).containsEntry("channels", 1).containsEntry("bitDepth", 16);
        assertThat(assets.downloadedSha256("/api/assets/" + asset.get("id") + "/content", owner.bearer()))
                .isEqualTo(AssetApi.sha256(bytes));
    }

    @Test
    void shouldRefuseTextNamedWavWith415AndKeepNothing() {
        Api.User owner = api.signUp();
        UUID project = assets.project(owner, "private");
        Set<String> before = assets.storedKeys();
        byte[] text = "This is a text file pretending to be a wave. ".repeat(200).getBytes(StandardCharsets.UTF_8);

        assertProblem(assets.upload(owner.bearer(), project, "drums.wav", text, MediaType.parseMediaType("audio/wav")), 415,
                "UNSUPPORTED_MEDIA_TYPE");

        assets.assertNothingStored(project, owner, before);
    }

    @Test
    void shouldRefuseAPngSentAsAudioWavWith415AndKeepNothing() {
        Api.User owner = api.signUp();
        UUID project = assets.project(owner, "private");
        Set<String> before = assets.storedKeys();
        byte[] png = new byte[4096];
        System.arraycopy(new byte[] { (byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R' }, 0, png, 0, 16);

        assertProblem(assets.upload(owner.bearer(), project, "kick.wav", png, MediaType.parseMediaType("audio/wav")), 415,
                "UNSUPPORTED_MEDIA_TYPE");

        assets.assertNothingStored(project, owner, before);
    }

    @Test
    void shouldRefuseAnEmptyFileAndAMissingFilePart() {
        Api.User owner = api.signUp();
        UUID project = assets.project(owner, "private");
        assertProblem(assets.upload(owner.bearer(), project, "empty.wav", new byte[0], MediaType.APPLICATION_OCTET_STREAM), 415,
                "UNSUPPORTED_MEDIA_TYPE");
        assertProblem(assets.http().post().uri("/api/projects/" + project + "/assets").header(HttpHeaders.AUTHORIZATION, owner.bearer())
                .contentType(MediaType.MULTIPART_FORM_DATA)
                .body(org.springframework.web.reactive.function.BodyInserters.fromMultipartData("title", "no file")).exchange(), 400,
                "VALIDATION_FAILED");
        assertProblem(assets.http().post().uri("/api/projects/" + project + "/assets").header(HttpHeaders.AUTHORIZATION, owner.bearer())
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("file", "x")).exchange(), 415, "UNSUPPORTED_MEDIA_TYPE");
        assets.assertNothingStored(project, owner, Set.copyOf(assets.storedKeys()));
    }

    @Test
    void shouldRefuseAFileOverTheSizeLimitWith413WhileStreamingAndKeepNothing() {
        Api.User owner = api.signUp();
        UUID project = assets.project(owner, "private");
        Set<String> before = assets.storedKeys();
        // Sent chunked (no Content-Length), so the limit is found while the bytes stream through: past the first part.
        byte[] tooLarge = AssetApi.wav((int) AssetIntegrationTest.MAX_UPLOAD + 1024);

        assertProblem(assets.upload(owner.bearer(), project, "huge.wav", tooLarge, MediaType.APPLICATION_OCTET_STREAM), 413,
                "PAYLOAD_TOO_LARGE");

        assets.assertNothingStored(project, owner, before);
        await().atMost(Duration.ofSeconds(5)).until(() -> assets.orphanRows() == 0);
    }

    @Test
    void shouldRefuseADeclaredLengthOverTheLimitBeforeReadingTheBody(@LocalServerPort int port) throws Exception {
        Api.User owner = api.signUp();
        UUID project = assets.project(owner, "private");
        Set<String> before = assets.storedKeys();
        byte[] body = AssetApi.multipartFile(AssetApi.wav((int) AssetIntegrationTest.MAX_UPLOAD + 128 * 1024));

        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://localhost:" + port + "/api/projects/" + project + "/assets"))
                .header(HttpHeaders.AUTHORIZATION, owner.bearer())
                .header(HttpHeaders.CONTENT_TYPE, "multipart/form-data; boundary=" + AssetApi.MULTIPART_BOUNDARY)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.body()).contains("PAYLOAD_TOO_LARGE");
        assets.assertNothingStored(project, owner, before);
        // Refusals before the body is read hold none of the node's upload permits (there are 8).
        byte[] small = AssetApi.multipartFile(AssetApi.resource("tone-44k1-16bit-mono.wav"));
        for (int i = 0; i < 12; i++) {
            assertThat(HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create("http://localhost:" + port + "/api/projects/" + project + "/assets"))
                    .header(HttpHeaders.AUTHORIZATION, owner.bearer())
                    .header(HttpHeaders.CONTENT_TYPE, "audio/wav")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(small)).build(), HttpResponse.BodyHandlers.discarding()).statusCode())
                    .isEqualTo(415);
        }
        HttpResponse<String> accepted = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://localhost:" + port + "/api/projects/" + project + "/assets"))
                .header(HttpHeaders.AUTHORIZATION, owner.bearer())
                .header(HttpHeaders.CONTENT_TYPE, "multipart/form-data; boundary=" + AssetApi.MULTIPART_BOUNDARY)
                .POST(HttpRequest.BodyPublishers.ofByteArray(small)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(201);
    }

    @Test
    void shouldRefuseAnUploadPastTheQuotaWith413QuotaExceededAndKeepNothing() {
        Api.User owner = api.signUp();
        UUID project = assets.project(owner, "private");
        long quota = DataSize.ofGigabytes(1).toBytes();
        assets.setUsedBytes(owner.id(), quota - 10_000);
        Set<String> before = assets.storedKeys();

        Map<String, Object> problem = assertProblem(assets.upload(owner.bearer(), project, "tone.wav",
                AssetApi.resource("tone-44k1-16bit-mono.wav"), MediaType.APPLICATION_OCTET_STREAM), 413, "QUOTA_EXCEEDED");

        assertThat(((Number) problem.get("limitBytes")).longValue()).isEqualTo(quota);
        assertThat(assets.assetRows(project)).isZero();
        assertThat(assets.uploadRows(owner.id())).isZero();
        assertThat(assets.usedBytes(owner.id())).isEqualTo(quota - 10_000);
        assertThat(before).containsAll(assets.storedKeys());
        assets.get("/api/assets/quota", owner.bearer()).expectStatus().isOk().expectBody(MAP)
                .value(body -> {
                    assertThat(((Number) body.get("usedBytes")).longValue()).isEqualTo(quota - 10_000);
                    assertThat(((Number) body.get("limitBytes")).longValue()).isEqualTo(quota);
                });
    }

    @Test
    void shouldLetEditorsUploadAndRefuseViewersApiKeysWithoutTheScopeAndStrangers() {
        Api.User owner = api.signUp();
        UUID project = assets.project(owner, "unlisted");
        byte[] tone = AssetApi.resource("tone-44k1-16bit-mono.wav");
        Api.User editor = api.signUp();
        String editLink = assets.shareLink(project, owner, "edit");
        Map<String, Object> byEditor = assets.http().post().uri("/api/projects/" + project + "/assets")
                .header(HttpHeaders.AUTHORIZATION, editor.bearer()).header("X-Share-Token", editLink)
                .body(org.springframework.web.reactive.function.BodyInserters.fromMultipartData(part(tone)))
                .exchange().expectStatus().isCreated().expectBody(MAP).returnResult().getResponseBody();
        assertThat(byEditor).containsEntry("ownerId", editor.id().toString());
        assertThat(assets.usedBytes(editor.id())).as("the uploader's quota").isEqualTo(tone.length);

        Api.User viewer = api.signUp();
        assertProblem(assets.upload(viewer.bearer(), project, "tone.wav", tone, MediaType.APPLICATION_OCTET_STREAM), 403, "FORBIDDEN");
        UUID privateProject = assets.project(owner, "private");
        assertProblem(assets.upload(viewer.bearer(), privateProject, "tone.wav", tone, MediaType.APPLICATION_OCTET_STREAM), 404, "NOT_FOUND");
        assertProblem(assets.upload(null, project, "tone.wav", tone, MediaType.APPLICATION_OCTET_STREAM), 401, "UNAUTHORIZED");

        String readOnlyKey = api.createApiKey(owner, List.of("assets:read", "projects:write"));
        assertProblem(assets.upload(readOnlyKey, project, "tone.wav", tone, MediaType.APPLICATION_OCTET_STREAM), 403, "INSUFFICIENT_SCOPE");
        String writeKey = api.createApiKey(owner, List.of("assets:write"));
        assets.upload(writeKey, project, "tone.wav", tone, MediaType.APPLICATION_OCTET_STREAM).expectStatus().isCreated();
        assertThat(assets.assetRows(project)).isEqualTo(2);
    }

    @Test
    void shouldCleanUpWhenTheClientGoesAwayMidUpload(@LocalServerPort int port) throws IOException {
        Api.User owner = api.signUp();
        UUID project = assets.project(owner, "private");
        Set<String> before = assets.storedKeys();
        byte[] body = AssetApi.multipartFile(AssetApi.wav(12 * 1024 * 1024));
        try (Socket socket = new Socket("localhost", port)) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/projects/" + project + "/assets HTTP/1.1\r\nHost: localhost\r\n"
                    + "Authorization: " + owner.bearer() + "\r\n"
                    + "Content-Type: multipart/form-data; boundary=" + AssetApi.MULTIPART_BOUNDARY + "\r\n"
                    + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            // More than one part's worth, so a multipart upload is under way in the store when the client vanishes.
            out.write(body, 0, 10 * 1024 * 1024);
            out.flush();
            await().atMost(Duration.ofSeconds(10)).until(() -> assets.uploadRows(owner.id()) == 1);
        }
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            assets.assertNothingStored(project, owner, before);
            assertThat(assets.orphanRows()).isZero();
        });
    }



    private static org.springframework.util.MultiValueMap<String, org.springframework.http.HttpEntity<?>> part(byte[] bytes) {
        org.springframework.http.client.MultipartBodyBuilder builder = new org.springframework.http.client.MultipartBodyBuilder();
        builder.part("file", new org.springframework.core.io.ByteArrayResource(bytes)).filename("tone.wav");
        return builder.build();
    }
}
