package dev.dawg.processing;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.TestPropertySource;

import dev.dawg.assets.AssetApi;
import dev.dawg.processing.TestAudio.Format;
import dev.dawg.processing.TestAudio.Signal;
import dev.dawg.support.Api;
import dev.dawg.support.IntegrationTest;
import dev.dawg.support.LiveSocket;

import static dev.dawg.support.Api.MAP;
import static dev.dawg.support.Api.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

/**
 * Processing end to end against real PostgreSQL, Redis and S3: uploads of generated audio of known content in every
 * format become peaks, a preview and a loudness measurement; a job a dead node took is finished by another; audio
 * FFmpeg cannot decode fails with its reason.
 */
@IntegrationTest
@TestPropertySource(properties = { "dawg.processing.enabled=true", "dawg.processing.concurrency=2", "dawg.processing.claim-after=2s",
        "dawg.processing.poll-interval=200ms", "dawg.processing.retry-backoff=200ms", "dawg.processing.key-prefix=test-${random.uuid}",
        "dawg.assets.sweep-interval=1s" })
@Import(AssetApi.class)
class ProcessingIntegrationTests {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Autowired
    Api api;

    @Autowired
    AssetApi assets;

    @Autowired
    ProcessingJobs jobs;

    @Autowired
    JobQueue queue;

    @Autowired
    ProcessingStore store;

    @Autowired
    DatabaseClient db;

    @Autowired
    org.springframework.data.redis.core.ReactiveStringRedisTemplate redis;

    @Autowired
    ProcessingProperties properties;

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Format.class)
    void shouldProcessEveryFormatIntoPeaksPreviewAndLoudness(Format format) throws Exception {
        Api.User owner = api.signUp();
        Signal sine = TestAudio.sine(1000, -20, 3.0, 44_100, 2);
        Map<String, Object> processed;
        UUID id;
        try (LiveSocket session = LiveSocket.open(api.port(), owner.accessToken())) {
            id = upload(owner, "tone." + format.extension, TestAudio.encode(sine, format));
            Map<String, Object> event = nextOfType(session, "asset:processed");
            assertThat(((Map<?, ?>) event.get("data")).get("assetId")).isEqualTo(id.toString());
            assertThat((Map<String, Object>) ((Map<?, ?>) event.get("data")).get("processing")).containsEntry("status", "done");
        }
        processed = asset(owner, id);
        assertThat((Map<String, Object>) processed.get("processing")).containsEntry("status", "done").containsEntry("error", null);
        Map<String, Object> loudness = (Map<String, Object>) processed.get("loudness");
        assertThat(((Number) loudness.get("integratedLufs")).doubleValue()).isCloseTo(-20.0, within(0.5));
        assertThat(((Number) loudness.get("truePeakDbtp")).doubleValue()).isCloseTo(-20.0, within(0.5));
        assertThat(((Number) loudness.get("decodedDurationSeconds")).doubleValue()).isCloseTo(3.0, within(0.06));

        short amplitude = (short) Math.round(Math.pow(10, -1.0) * 32767);
        for (int level : ProcessedOutputs.ZOOM_LEVELS) {
            Map<String, Object> json = assets.get("/api/assets/" + id + "/peaks?samplesPerPixel=" + level + "&format=json", owner.bearer())
                    .expectStatus().isOk()
                    .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
                    .expectHeader().valueEquals(HttpHeaders.CACHE_CONTROL, "private, no-cache")
                    .expectBody(MAP).returnResult().getResponseBody();
            assertThat(json).containsEntry("version", 2).containsEntry("channels", 2).containsEntry("sample_rate", 44_100)
                    .containsEntry("samples_per_pixel", level).containsEntry("bits", 16);
            List<Integer> data = (List<Integer>) json.get("data");
            int length = (Integer) json.get("length");
            assertThat(data).hasSize(length * 2 * 2);
            int edge = (int) Math.ceil(0.1 * 44_100 / level);
            for (int pixel = edge; pixel < length - edge; pixel++) {
                assertThat(data.get(pixel * 4)).isCloseTo(-amplitude, within(amplitude / 20 + 40));
                assertThat(data.get(pixel * 4 + 1)).isCloseTo((int) amplitude, within(amplitude / 20 + 40));
            }
            byte[] dat = assets.get("/api/assets/" + id + "/peaks?samplesPerPixel=" + level + "&format=dat", owner.bearer())
                    .expectStatus().isOk().expectBody(byte[].class).returnResult().getResponseBody();
            ByteBuffer header = ByteBuffer.wrap(dat).order(ByteOrder.LITTLE_ENDIAN);
            assertThat(List.of(header.getInt(), header.getInt(), header.getInt(), header.getInt(), header.getInt(), header.getInt()))
                    .containsExactly(2, 0, 44_100, level, length, 2);
            assertThat(dat).hasSize(24 + length * 4 * 2);
            assertThat(header.getShort(24 + edge * 8 + 2)).isEqualTo(data.get(edge * 4 + 1).shortValue());
        }

        byte[] preview = assets.get("/api/assets/" + id + "/preview", owner.bearer()).expectStatus().isOk()
                .expectHeader().contentType("audio/ogg")
                .expectHeader().valueEquals(HttpHeaders.ACCEPT_RANGES, "bytes")
                .expectBody(byte[].class).returnResult().getResponseBody();
        assertThat(decodedSeconds(preview)).isCloseTo(sine.seconds(), within(0.05));
    }

    @Test
    void shouldServePeaksWithValidatorsAndThePreviewByRanges() {
        Api.User owner = api.signUp();
        UUID id = upload(owner, "tone.wav", TestAudio.wav(TestAudio.sine(440, -6, 2.0, 48_000, 1)));
        awaitStatus(owner, id, "done");

        String etag = assets.get("/api/assets/" + id + "/peaks?samplesPerPixel=4096", owner.bearer()).expectStatus().isOk()
                .returnResult(byte[].class).getResponseHeaders().getETag();
        assertThat(etag).isNotBlank();
        api.http().get().uri("/api/assets/" + id + "/peaks?samplesPerPixel=4096").header(HttpHeaders.AUTHORIZATION, owner.bearer())
                .header(HttpHeaders.IF_NONE_MATCH, etag).exchange().expectStatus().isNotModified();

        byte[] whole = assets.get("/api/assets/" + id + "/preview", owner.bearer()).expectBody(byte[].class).returnResult().getResponseBody();
        byte[] part = api.http().get().uri("/api/assets/" + id + "/preview").header(HttpHeaders.AUTHORIZATION, owner.bearer())
                .header(HttpHeaders.RANGE, "bytes=10-109").exchange()
                .expectStatus().isEqualTo(206)
                .expectHeader().valueEquals(HttpHeaders.CONTENT_RANGE, "bytes 10-109/" + whole.length)
                .expectBody(byte[].class).returnResult().getResponseBody();
        assertThat(part).isEqualTo(java.util.Arrays.copyOfRange(whole, 10, 110));

        assertProblem(assets.get("/api/assets/" + id + "/peaks?samplesPerPixel=100", owner.bearer()), 400, "VALIDATION_FAILED");
        assertProblem(assets.get("/api/assets/" + id + "/peaks?format=png", owner.bearer()), 400, "VALIDATION_FAILED");
        // Someone else's personal library asset: not found, as its content.
        assertProblem(assets.get("/api/assets/" + id + "/peaks", api.signUp().bearer()), 404, "NOT_FOUND");
        assertProblem(assets.get("/api/assets/" + id + "/preview", null), 404, "NOT_FOUND");
    }

    @Test
    void shouldFailAudioFfmpegCannotDecodeWithItsReason() {
        Api.User owner = api.signUp();
        byte[] flac = TestAudio.encode(TestAudio.sine(1000, -20, 2.0, 44_100, 2), Format.FLAC);
        for (int i = 200; i < flac.length; i++) {
            flac[i] = (byte) (i * 31);
        }
        UUID id;
        try (LiveSocket session = LiveSocket.open(api.port(), owner.accessToken())) {
            id = upload(owner, "broken.flac", flac);
            Map<String, Object> event = nextOfType(session, "asset:processed");
            assertThat((Map<String, Object>) ((Map<?, ?>) event.get("data")).get("processing")).containsEntry("status", "failed");
        }
        Map<String, Object> processing = (Map<String, Object>) asset(owner, id).get("processing");
        assertThat(processing).containsEntry("status", "failed");
        assertThat((String) processing.get("error")).startsWith("the audio could not be decoded");
        assertThat(attempts(id)).isEqualTo(1); // never tried again
        Map<String, Object> problem = assertProblem(assets.get("/api/assets/" + id + "/peaks", owner.bearer()), 409, "NOT_PROCESSED");
        assertThat((Map<String, Object>) problem.get("processing")).containsEntry("status", "failed");
    }

    @Test
    void shouldFinishAJobWhoseNodeDiedOnAnotherNode() {
        Api.User owner = api.signUp();
        jobs.stop();
        UUID id;
        try {
            id = upload(owner, "tone.wav", TestAudio.wav(TestAudio.sine(1000, -20, 1.0, 44_100, 2)));
            // A second node takes the job, starts it, and dies without acknowledging it.
            List<JobQueue.Job> taken = queue.takeNew("node-that-dies", 10).collectList().block();
            assertThat(taken).extracting(JobQueue.Job::assetId).contains(id);
            JobQueue.Job job = taken.stream().filter(candidate -> candidate.assetId().equals(id)).findFirst().orElseThrow();
            assertThat(store.begin(id, job.entryId(), Duration.ofSeconds(2), ProcessedOutputs.all(id)).block()).isEqualTo(1);
            assertThat((Map<String, Object>) asset(owner, id).get("processing")).containsEntry("status", "running");
            Map<String, Object> problem = assertProblem(assets.get("/api/assets/" + id + "/preview", owner.bearer()), 409, "NOT_PROCESSED");
            assertThat((Map<String, Object>) problem.get("processing")).containsEntry("status", "running");
        }
        finally {
            jobs.start();
        }
        // This node claims the job once it has been idle past claim-after and finishes it.
        awaitStatus(owner, id, "done");
        assertThat(attempts(id)).isEqualTo(2);
        await().atMost(WAIT).until(() -> queue.size().block() == 0);
    }

    @Test
    void shouldDeadLetterAJobWhoseNodesKeptDying() {
        Api.User owner = api.signUp();
        jobs.stop();
        UUID id;
        try {
            id = upload(owner, "tone.wav", TestAudio.wav(TestAudio.sine(1000, -20, 1.0, 44_100, 2)));
            JobQueue.Job job = queue.takeNew("node-that-dies", 10).filter(candidate -> candidate.assetId().equals(id)).blockFirst();
            // Its last allowed attempt (max-attempts is 3) was taken by a node that died too.
            db.sql("UPDATE assets SET processing_attempts = 2 WHERE id = :id").bind("id", id).fetch().rowsUpdated().block();
            assertThat(store.begin(id, job.entryId(), Duration.ofSeconds(2), ProcessedOutputs.all(id)).block()).isEqualTo(3);
        }
        finally {
            jobs.start();
        }
        awaitStatus(owner, id, "failed");
        assertThat((String) ((Map<?, ?>) asset(owner, id).get("processing")).get("error")).contains("abandoned 3 times");
        assertThat(redis.opsForStream().range(deadLetters(), org.springframework.data.domain.Range.unbounded()).collectList().block())
                .anySatisfy(entry -> assertThat(entry.getValue()).containsEntry("asset", id.toString()));
        await().atMost(WAIT).until(() -> queue.size().block() == 0);
    }

    @Test
    void shouldRemoveTheOutputsWithTheAsset() {
        Api.User owner = api.signUp();
        UUID id = upload(owner, "tone.wav", TestAudio.wav(TestAudio.sine(1000, -20, 1.0, 44_100, 2)));
        awaitStatus(owner, id, "done");
        assertThat(ProcessedOutputs.all(id)).allMatch(assets::objectExists);

        api.http().delete().uri("/api/assets/" + id).header(HttpHeaders.AUTHORIZATION, owner.bearer()).exchange().expectStatus().isNoContent();

        await().atMost(WAIT).until(() -> ProcessedOutputs.all(id).stream().noneMatch(assets::objectExists));
    }

    @Test
    void shouldBackfillAssetsNeverProcessedAndLeaveDoneOnesAlone() {
        Api.User owner = api.signUp();
        UUID done = upload(owner, "done.wav", TestAudio.wav(TestAudio.sine(1000, -20, 1.0, 44_100, 2)));
        awaitStatus(owner, done, "done");
        UUID pending = upload(owner, "again.wav", TestAudio.wav(TestAudio.sine(500, -20, 1.0, 44_100, 2)));
        awaitStatus(owner, pending, "done");
        // As if it had been uploaded before processing existed (or while it was off).
        db.sql("UPDATE assets SET processing_status = 'pending', processing_attempts = 0, loudness_lufs = NULL WHERE id = :id").bind("id", pending)
                .fetch().rowsUpdated().block();
        // Run twice (as two starts would): the second job of the same asset is acknowledged without work.
        assertThat(jobs.queueUnprocessed().block()).isGreaterThanOrEqualTo(1L);
        jobs.queueUnprocessed().block();

        awaitStatus(owner, pending, "done");
        await().atMost(WAIT).until(() -> queue.size().block() == 0);
        assertThat(attempts(pending)).isEqualTo(1);
        assertThat(attempts(done)).isEqualTo(1);
        assertThat(((Map<?, ?>) asset(owner, pending).get("loudness")).get("integratedLufs")).isNotNull();
    }

    private String deadLetters() {
        return properties.deadLetters();
    }

    private UUID upload(Api.User owner, String filename, byte[] bytes) {
        Map<String, Object> created = assets.uploadTo("/api/assets", owner.bearer(), filename, bytes, MediaType.APPLICATION_OCTET_STREAM, Map.of())
                .expectStatus().isCreated().expectBody(MAP).returnResult().getResponseBody();
        assertThat((Map<String, Object>) created.get("processing")).containsKey("status");
        return UUID.fromString((String) created.get("id"));
    }

    private Map<String, Object> asset(Api.User owner, UUID id) {
        return assets.get("/api/assets/" + id, owner.bearer()).expectStatus().isOk().expectBody(MAP).returnResult().getResponseBody();
    }

    private void awaitStatus(Api.User owner, UUID id, String status) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200))
                .until(() -> status.equals(((Map<?, ?>) asset(owner, id).get("processing")).get("status")));
    }

    private int attempts(UUID id) {
        return db.sql("SELECT processing_attempts FROM assets WHERE id = :id").bind("id", id).map(row -> row.get(0, Integer.class)).one().block();
    }

    private static Map<String, Object> nextOfType(LiveSocket socket, String type) {
        for (int i = 0; i < 1000; i++) {
            Map<String, Object> message = socket.next(WAIT);
            if (type.equals(message.get("type"))) {
                return message;
            }
        }
        throw new AssertionError("No " + type + " among 1000 messages");
    }

    /** Seconds of audio the preview decodes to. */
    private double decodedSeconds(byte[] preview) throws Exception {
        Path file = dir.resolve("preview.ogg");
        Files.write(file, preview);
        try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(file.toFile())) {
            grabber.start();
            assertThat(grabber.getSampleRate()).isEqualTo(48_000);
            assertThat(grabber.getAudioChannels()).isEqualTo(2);
            long samples = 0;
            Frame frame;
            while ((frame = grabber.grabSamples()) != null) {
                samples += frame.samples[0].limit() / (frame.samples.length == 1 ? 2 : 1);
            }
            return samples / 48_000.0;
        }
    }
}
