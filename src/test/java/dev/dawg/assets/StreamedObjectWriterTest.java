package dev.dawg.assets;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.io.buffer.DefaultDataBufferFactory;

import dev.dawg.assets.storage.InMemoryObjectStorage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An upload stopped while a store request is on its way (a refused later multipart part, a client that goes
 * away) leaves nothing behind: the request lands whatever happens to its caller, so the discard waits for it
 * before removing the object or aborting the multipart upload, instead of removing first and being overtaken.
 */
class StreamedObjectWriterTest {

    static final String KEY = "assets/writer-test";
    static final StreamedObjectWriter.Hooks NO_QUOTA = new StreamedObjectWriter.Hooks() {
        @Override
        public Mono<Void> reserve(long bytes) {
            return Mono.empty();
        }

        @Override
        public Mono<Void> multipartStarted(String s3UploadId) {
            return Mono.empty();
        }
    };

    final InMemoryObjectStorage store = new InMemoryObjectStorage();

    @Test
    void shouldRemoveTheObjectOnlyAfterAPutAlreadySentHasLanded() throws Exception {
        StreamedObjectWriter writer = new StreamedObjectWriter(store, KEY, 1024 * 1024, 16 * 1024 * 1024, NO_QUOTA);
        store.holdWrites();

        CompletableFuture<Void> discarded = stopWhileAWriteIsOnItsWay(writer, AssetApi.wav(4096));

        assertThat(discarded).as("discard while the PUT is on its way").isNotDone();
        store.landHeldWrites();
        discarded.get(10, TimeUnit.SECONDS);
        assertThat(store.contains(KEY)).as("object left after the discard").isFalse();
    }

    @Test
    void shouldAbortAMultipartUploadStartedWhileTheUploadWasBeingStopped() throws Exception {
        // Parts of 64 KB: the first full part starts a multipart upload.
        StreamedObjectWriter writer = new StreamedObjectWriter(store, KEY, 64 * 1024, 16 * 1024 * 1024, NO_QUOTA);
        store.holdWrites();

        CompletableFuture<Void> discarded = stopWhileAWriteIsOnItsWay(writer, AssetApi.wav(200 * 1024));

        assertThat(discarded).as("discard while the multipart upload is being started").isNotDone();
        store.landHeldWrites();
        discarded.get(10, TimeUnit.SECONDS);
        assertThat(store.openMultipartUploads()).as("multipart uploads left open").isEmpty();
        assertThat(store.contains(KEY)).as("object left after the discard").isFalse();
    }

    /** Starts writing {@code file}, cancels once a store request is sent, and starts the discard. */
    private CompletableFuture<Void> stopWhileAWriteIsOnItsWay(StreamedObjectWriter writer, byte[] file) {
        Disposable upload = writer.write(Flux.just(DefaultDataBufferFactory.sharedInstance.wrap(file))).subscribe(written -> { }, failure -> { });
        await().atMost(Duration.ofSeconds(10)).until(() -> store.sentWrites() >= 1);
        upload.dispose();
        return writer.discard().toFuture();
    }
}
