package dev.dawg.assets.storage;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.minio.messages.Part;
import reactor.core.publisher.Mono;

/**
 * A fake store in memory for unit tests of what writes to it. Its writes can be held: a held write has been
 * "sent" and lands when the hold is lifted, whether or not its caller still waits for it, as a request already
 * on the wire to a real store does when its caller cancels.
 */
public final class InMemoryObjectStorage extends ObjectStorage {

    private final Map<String, byte[]> objects = new ConcurrentHashMap<>();
    private final Set<String> openMultiparts = ConcurrentHashMap.newKeySet();
    private final AtomicInteger sentWrites = new AtomicInteger();
    private final AtomicInteger uploadIds = new AtomicInteger();
    private volatile CompletableFuture<Void> hold = CompletableFuture.completedFuture(null);

    public InMemoryObjectStorage() {
        super(ObjectStorageTest.storageProperties(Map.of("endpoint", "http://127.0.0.1:9", "access-key", "key", "secret-key", "secret-secret")));
    }

    /** Writes sent from now on wait until {@link #landHeldWrites()}. */
    public void holdWrites() {
        hold = new CompletableFuture<>();
    }

    public void landHeldWrites() {
        hold.complete(null);
    }

    /** Writes sent so far, held or landed. */
    public int sentWrites() {
        return sentWrites.get();
    }

    public boolean contains(String key) {
        return objects.containsKey(key);
    }

    public Set<String> openMultipartUploads() {
        return Set.copyOf(openMultiparts);
    }

    @Override
    public Mono<Void> ready() {
        return Mono.empty();
    }

    @Override
    public Mono<StoredObject> stat(String key) {
        return Mono.justOrEmpty(objects.get(key)).map(data -> new StoredObject(key, data.length, "etag"));
    }

    @Override
    public Mono<Void> put(String key, byte[] data, int length, String contentType) {
        byte[] copy = Arrays.copyOf(data, length);
        return send(() -> objects.put(key, copy)).then();
    }

    @Override
    public Mono<String> startMultipart(String key, String contentType) {
        String uploadId = "upload-" + uploadIds.incrementAndGet();
        return send(() -> openMultiparts.add(uploadId)).thenReturn(uploadId);
    }

    @Override
    public Mono<UploadedPart> uploadPart(String key, String uploadId, int number, byte[] data, int length) {
        return send(() -> { }).thenReturn(new UploadedPart(new Part(number, "etag-" + number)));
    }

    @Override
    public Mono<Void> completeMultipart(String key, String uploadId, List<UploadedPart> parts) {
        return send(() -> {
            openMultiparts.remove(uploadId);
            objects.put(key, new byte[0]);
        }).then();
    }

    @Override
    public Mono<Void> abortMultipart(String key, String uploadId) {
        openMultiparts.remove(uploadId);
        return Mono.empty();
    }

    @Override
    public Mono<Void> remove(String key) {
        objects.remove(key);
        return Mono.empty();
    }

    /** Sends a write: it lands once the hold (if any) is lifted, even if the caller cancelled meanwhile. */
    private Mono<Void> send(Runnable landing) {
        return Mono.defer(() -> {
            sentWrites.incrementAndGet();
            CompletableFuture<Void> landed = hold.thenRun(landing);
            // The caller may cancel its wait (a copy), never the landing itself.
            return Mono.fromFuture(landed.thenApply(done -> (Void) null));
        });
    }
}
