package dev.dawg.assets;

import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

import dev.dawg.assets.audio.AudioInfo;
import dev.dawg.assets.audio.AudioProbe;
import dev.dawg.assets.audio.AudioRejection;
import dev.dawg.assets.audio.AudioSource;
import dev.dawg.assets.storage.ObjectStorage;
import dev.dawg.platform.web.ApiProblem;

/**
 * Reads stored objects for what the server must know of them: the audio metadata (a few ranged reads of
 * the headers, on {@code boundedElastic} because the readers are synchronous) and, for presigned uploads whose
 * bytes the server never saw, the SHA-256 (one streamed pass).
 */
@Component
class AudioInspector {

    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(60);

    private final ObjectStorage storage;

    AudioInspector(ObjectStorage storage) {
        this.storage = storage;
    }

    /** The audio metadata of the stored object; 415 when it is not audio, 422 when its headers are damaged. */
    Mono<AudioInfo> probe(String key, long size) {
        AudioSource source = new AudioSource() {
            @Override
            public long size() {
                return size;
            }

            @Override
            public byte[] read(long position, int length) throws IOException {
                return storage.readRangeBlocking(key, position, length);
            }
        };
        return Mono.fromCallable(() -> AudioProbe.probe(source))
                .subscribeOn(Schedulers.boundedElastic())
                .timeout(PROBE_TIMEOUT)
                .onErrorMap(AudioRejection.class, AudioInspector::toProblem);
    }

    /** The SHA-256 of the stored object, in hex. */
    Mono<String> sha256(String key, long size) {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        }
        catch (NoSuchAlgorithmException ex) {
            return Mono.error(new IllegalStateException(ex));
        }
        return storage.stream(key, 0, size)
                .publishOn(Schedulers.parallel())
                .doOnNext(buffer -> {
                    try (DataBuffer.ByteBufferIterator chunks = buffer.readableByteBuffers()) {
                        chunks.forEachRemaining(digest::update);
                    }
                    finally {
                        DataBufferUtils.release(buffer);
                    }
                })
                .then(Mono.fromCallable(() -> HexFormat.of().formatHex(digest.digest())));
    }

    static ApiProblem toProblem(AudioRejection rejection) {
        return rejection.kind() == AudioRejection.Kind.NOT_AUDIO
                ? ApiProblem.unsupportedMediaType("The content is not WAV, AIFF, FLAC, MP3 or OGG audio: " + rejection.getMessage())
                : ApiProblem.of(HttpStatus.UNPROCESSABLE_CONTENT, "UNPROCESSABLE", "The audio cannot be read: " + rejection.getMessage());
    }
}
