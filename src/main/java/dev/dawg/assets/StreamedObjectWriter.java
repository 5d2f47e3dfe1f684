package dev.dawg.assets;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;

import dev.dawg.assets.audio.AudioFormat;
import dev.dawg.assets.audio.AudioProbe;
import dev.dawg.assets.storage.ObjectStorage;
import dev.dawg.platform.web.ApiProblem;

/**
 * Streams one uploaded file into the store as it arrives: the first bytes are sniffed before anything is
 * stored (415), the running size is checked against the limit (413), the SHA-256 is computed on the way, and
 * the bytes go out in multipart parts (one request for a file smaller than a part). At most two parts are in
 * memory at once, so memory does not grow with the file; every part is reserved against the owner's quota
 * before it is stored. One instance per upload.
 */
final class StreamedObjectWriter {

    /** What the upload needs from its caller around each stored part. */
    interface Hooks {

        /** Reserves {@code bytes} before they are stored; fails (413 QUOTA_EXCEEDED) when the quota does not allow it. */
        Mono<Void> reserve(long bytes);

        /** The store's multipart upload id, recorded so an abandoned upload can be aborted. */
        Mono<Void> multipartStarted(String s3UploadId);
    }

    /** The stored file: its size, digest and the format its first bytes announced. */
    record Written(long size, String sha256, AudioFormat sniffed) {
    }

    /** A part's worth of bytes, the last (possibly short) one, or a refusal found while reading. */
    private record Chunk(byte[] data, int length, boolean last, ApiProblem refusal) {

        Chunk(byte[] data, int length, boolean last) {
            this(data, length, last, null);
        }

        static Chunk refused(ApiProblem refusal) {
            return new Chunk(new byte[0], 0, false, refusal);
        }
    }

    private static final int FIRST_BUFFER = 256 * 1024;

    private final ObjectStorage storage;
    private final String key;
    private final int partSize;
    private final long maxBytes;
    private final Hooks hooks;
    private final MessageDigest sha256;
    private final byte[] head = new byte[AudioProbe.SNIFF_LENGTH];
    private int headFill;
    private AudioFormat format;
    private byte[] part;
    private int partFill;
    private long total;
    private ApiProblem refusal;
    private int nextPartNumber = 1;
    private volatile String s3UploadId;
    /** The store request of the part being stored (one at a time); it runs to its end even if the upload is cancelled. */
    private volatile CompletableFuture<Void> inFlight = CompletableFuture.completedFuture(null);
    private final List<ObjectStorage.UploadedPart> parts = new ArrayList<>();

    StreamedObjectWriter(ObjectStorage storage, String key, int partSize, long maxBytes, Hooks hooks) {
        this.storage = storage;
        this.key = key;
        this.partSize = partSize;
        this.maxBytes = maxBytes;
        this.hooks = hooks;
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        }
        catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /** Stores {@code content}; on failure the caller runs {@link #discard()}. */
    Mono<Written> write(Flux<DataBuffer> content) {
        return content
                .concatMapIterable(this::absorb, 1)
                .concatWith(Mono.fromCallable(this::lastChunk))
                // One part stored at a time while the next one fills: two parts in memory at most.
                .concatMap(this::store, 1)
                .then(Mono.fromCallable(() -> new Written(total, HexFormat.of().formatHex(sha256.digest()), format)))
                .doOnDiscard(DataBuffer.class, DataBufferUtils::release);
    }

    /**
     * Removes whatever this upload put in the store: the multipart upload and the object. Safe at any time: it
     * first waits for a store request already sent to settle, since one landing after the removal would leave
     * its object behind (or start a multipart upload this would not know to abort).
     */
    Mono<Void> discard() {
        return Mono.defer(() -> Mono.fromFuture(inFlight, true))
                // The request's failure is the upload's to report; here it only has to be over.
                .onErrorComplete()
                .then(Mono.defer(() -> {
                    String multipart = s3UploadId;
                    Mono<Void> abort = multipart == null ? Mono.empty() : storage.abortMultipart(key, multipart);
                    return abort.then(storage.remove(key));
                }));
    }

    /**
     * Copies one buffer into the current part and releases it, exactly once. A refusal (too large, not audio)
     * travels downstream as a chunk instead of being thrown here, since an operator that throws would also
     * hand the buffer to the discard hook, releasing it twice.
     */
    private List<Chunk> absorb(DataBuffer buffer) {
        try {
            if (refusal != null) {
                return List.of();
            }
            total += buffer.readableByteCount();
            if (total > maxBytes) {
                return refuse(ApiProblem.payloadTooLarge("The file is larger than the limit of " + maxBytes + " bytes"));
            }
            List<Chunk> full = List.of();
            while (buffer.readableByteCount() > 0) {
                int take = Math.min(buffer.readableByteCount(), partSize - partFill);
                ensureCapacity(partFill + take);
                buffer.read(part, partFill, take);
                if (!sniff(part, partFill, take)) {
                    return refuse(notAudio());
                }
                partFill += take;
                if (partFill == partSize) {
                    if (full.isEmpty()) {
                        full = new ArrayList<>(1);
                    }
                    full.add(new Chunk(part, partFill, false));
                    part = null;
                    partFill = 0;
                }
            }
            return full;
        }
        finally {
            DataBufferUtils.release(buffer);
        }
    }

    private List<Chunk> refuse(ApiProblem problem) {
        refusal = problem;
        part = null;
        return List.of(Chunk.refused(problem));
    }

    private void ensureCapacity(int needed) {
        if (part == null) {
            // Small files start small; once a file has filled a part, the next ones are allocated whole.
            part = new byte[total > partSize ? partSize : Math.min(partSize, Math.max(FIRST_BUFFER, needed))];
        }
        else if (part.length < needed) {
            part = Arrays.copyOf(part, Math.min(partSize, Math.max(needed, part.length * 2)));
        }
    }

    /** Decides on the first bytes, before any of them is stored; false when they are not audio. */
    private boolean sniff(byte[] bytes, int offset, int length) {
        if (format != null || headFill == head.length) {
            return true;
        }
        int n = Math.min(length, head.length - headFill);
        System.arraycopy(bytes, offset, head, headFill, n);
        headFill += n;
        if (headFill == head.length) {
            format = AudioProbe.sniff(head).orElse(null);
            return format != null;
        }
        return true;
    }

    private Chunk lastChunk() {
        if (refusal != null) {
            return Chunk.refused(refusal); // already on its way; if it arrived, this is quietly discarded
        }
        if (total == 0) {
            throw ApiProblem.unsupportedMediaType("The file is empty; send WAV, AIFF, FLAC, MP3 or OGG audio");
        }
        if (format == null) {
            format = AudioProbe.sniff(Arrays.copyOf(head, headFill)).orElseThrow(StreamedObjectWriter::notAudio);
        }
        Chunk last = new Chunk(part == null ? new byte[0] : part, partFill, true);
        part = null;
        return last;
    }

    private static ApiProblem notAudio() {
        return ApiProblem.unsupportedMediaType("The content is not WAV, AIFF, FLAC, MP3 or OGG audio (whatever its name or declared type)");
    }

    private Mono<Void> store(Chunk chunk) {
        if (chunk.refusal() != null) {
            return Mono.error(chunk.refusal());
        }
        // Parts come here one at a time and in order, so the digest sees the bytes in order; it is computed on a
        // CPU worker while the part goes to the store and the event loop reads the next one.
        Mono<Void> hash = Mono.<Void>fromRunnable(() -> sha256.update(chunk.data(), 0, chunk.length())).subscribeOn(Schedulers.parallel());
        // A request sent to the store cannot be called back: cancelled or not, it may still land. So the part's
        // requests run to their end on their own, a refusal or a client that goes away only stops the waiting for
        // them, and discard() waits for them before it removes anything.
        return Mono.deferContextual(context -> {
            CompletableFuture<Void> request = Mono.when(hash, write(chunk)).contextWrite(context).toFuture();
            inFlight = request;
            return Mono.fromFuture(request, true);
        });
    }

    private Mono<Void> write(Chunk chunk) {
        if (chunk.last() && s3UploadId == null) {
            // The whole file fits in one part: one request, no multipart upload.
            return hooks.reserve(chunk.length()).then(storage.put(key, chunk.data(), chunk.length(), format.contentType()));
        }
        Mono<Void> upload = chunk.length() == 0 ? Mono.empty()
                : hooks.reserve(chunk.length())
                        .then(Mono.defer(this::ensureMultipart))
                        .then(Mono.defer(() -> storage.uploadPart(key, s3UploadId, nextPartNumber++, chunk.data(), chunk.length())))
                        .doOnNext(parts::add)
                        .then();
        return chunk.last() ? upload.then(Mono.defer(() -> storage.completeMultipart(key, s3UploadId, parts))) : upload;
    }

    private Mono<Void> ensureMultipart() {
        if (s3UploadId != null) {
            return Mono.empty();
        }
        return storage.startMultipart(key, format.contentType()).flatMap(id -> {
            s3UploadId = id;
            return hooks.multipartStarted(id);
        });
    }
}
