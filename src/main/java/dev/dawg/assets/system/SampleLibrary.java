package dev.dawg.assets.system;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Set;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.Retry;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import dev.dawg.assets.Asset;
import dev.dawg.assets.AssetStore;
import dev.dawg.assets.audio.AudioInfo;
import dev.dawg.assets.audio.AudioProbe;
import dev.dawg.assets.audio.AudioSource;
import dev.dawg.assets.storage.ObjectStorage;
import dev.dawg.events.AssetProcessingQueue;

/**
 * The built-in sample library: on first start each {@link SampleSynth} sound is rendered, stored and
 * recorded once. Seeding is idempotent on restart and across nodes (a seed marker per sample, written in
 * the same statement as the asset; a node that loses the race removes its copy), and a sample an
 * administrator deleted stays deleted.
 */
@Component
public class SampleLibrary {

    private static final Logger log = LoggerFactory.getLogger(SampleLibrary.class);

    private final AssetStore store;
    private final ObjectStorage storage;
    private final AssetProcessingQueue processing;
    private final Mono<Void> seeded;

    public SampleLibrary(AssetStore store, ObjectStorage storage, AssetProcessingQueue processing) {
        this.store = store;
        this.storage = storage;
        this.processing = processing;
        // Done once per node; a failure (store or database down) is not cached, so the next ask tries again.
        this.seeded = Mono.defer(this::seedMissing).cache(ok -> Duration.ofDays(36500), error -> Duration.ZERO, () -> Duration.ofDays(36500));
    }

    @EventListener(ApplicationReadyEvent.class)
    void seedOnStart() {
        seeded.retryWhen(Retry.backoff(5, Duration.ofSeconds(2)))
                .subscribe(null, ex -> log.warn("Seeding the sample library failed; the next request for it tries again", ex));
    }

    /** Completes when every built-in sample has been seeded (now or before). */
    public Mono<Void> ready() {
        return seeded;
    }

    private Mono<Void> seedMissing() {
        return restoreLost().then(store.seededKeys().collect(java.util.stream.Collectors.toSet())
                .flatMapMany(done -> Flux.fromIterable(SampleSynth.LIBRARY).filter(sample -> !done.contains(sample.key())))
                .concatMap(this::seed)
                .count()
                .doOnNext(count -> {
                    if (count > 0) {
                        log.info("Seeded {} built-in samples into the sample library", count);
                    }
                })
                .then());
    }

    /**
     * Puts back the object of a built-in sample whose row exists but whose object does not (a store restored
     * from an older backup, or emptied while the database was kept): the sound is rendered again, byte for byte.
     */
    private Mono<Void> restoreLost() {
        return store.builtInObjects().concatMap(entry -> restoreIfMissing(entry.getKey(), entry.getValue())).then();
    }

    private Mono<Void> restoreIfMissing(String libraryKey, String objectKey) {
        SampleSynth.Sample sample = SampleSynth.LIBRARY.stream().filter(s -> s.key().equals(libraryKey)).findFirst().orElse(null);
        if (sample == null) {
            return Mono.empty();
        }
        return storage.stat(objectKey).hasElement().flatMap(present -> {
            if (present) {
                return Mono.empty();
            }
            log.warn("The object of built-in sample {} is missing from the store; rendering it again", sample.key());
            return Mono.fromCallable(sample::wav).subscribeOn(Schedulers.parallel())
                    .flatMap(bytes -> storage.put(objectKey, bytes, bytes.length, "audio/wav"));
        });
    }

    private Mono<Asset> seed(SampleSynth.Sample sample) {
        String key = "library/" + UUID.randomUUID();
        return Mono.fromCallable(() -> Rendered.of(sample.wav()))
                .subscribeOn(Schedulers.parallel())
                .flatMap(rendered -> storage.put(key, rendered.bytes(), rendered.bytes().length, rendered.info().format().contentType())
                        .then(store.seed(sample.key(), sample.category(), sample.filename(), key, rendered.bytes().length, rendered.sha256(),
                                rendered.info()))
                        .flatMap(asset -> processing.enqueue(asset.id()).thenReturn(asset))
                        // Another node (or an earlier start) seeded it first: drop this copy.
                        .switchIfEmpty(Mono.defer(() -> storage.remove(key).then(Mono.empty()))));
    }

    /** A rendered sample with what the server records of it. */
    private record Rendered(byte[] bytes, AudioInfo info, String sha256) {

        static Rendered of(byte[] bytes) throws NoSuchAlgorithmException {
            return new Rendered(bytes, AudioProbe.probe(AudioSource.of(bytes)),
                    HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
        }
    }

    /** The categories of the built-in sounds. */
    public static Set<String> builtInCategories() {
        return SampleSynth.LIBRARY.stream().map(SampleSynth.Sample::category).collect(java.util.stream.Collectors.toSet());
    }
}
