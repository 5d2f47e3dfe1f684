package dev.dawg.processing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.minio.GetObjectArgs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;

import org.springframework.stereotype.Component;

import dev.dawg.assets.Asset;
import dev.dawg.assets.storage.ObjectStorage;
import dev.dawg.events.UserEvent;
import dev.dawg.events.UserEventPublisher;

/**
 * One processing job, at least once: takes the asset (a lease in the database, so a second delivery of the job
 * waits), downloads it to a temporary file, decodes it once on a worker ({@link AudioAnalyser}), stores the outputs
 * under their deterministic keys, records the loudness, tells the owner's clients, and acknowledges the job.
 * Audio FFmpeg cannot decode, a decoder past the timeout and a missing object fail at once; other failures (store,
 * database) are tried again with a doubling pause, and after {@code maxAttempts} the job is dead-lettered and the
 * asset fails with the last error. While it runs, the job's claim in the stream and its lease are renewed.
 */
@Component
class AssetProcessor {

    private static final Logger log = LoggerFactory.getLogger(AssetProcessor.class);

    private final ProcessingStore store;
    private final JobQueue queue;
    private final ObjectStorage storage;
    private final UserEventPublisher events;
    private final ProcessingProperties properties;

    AssetProcessor(ProcessingStore store, JobQueue queue, ObjectStorage storage, UserEventPublisher events, ProcessingProperties properties) {
        this.store = store;
        this.queue = queue;
        this.storage = storage;
        this.events = events;
        this.properties = properties;
    }

    /** Runs the job taken by {@code consumer}, blocking work on {@code workers}; completes when it is acknowledged. */
    Mono<Void> process(JobQueue.Job job, String consumer, Scheduler workers) {
        Sinks.Empty<Void> finished = Sinks.empty();
        Duration period = properties.claimAfter().dividedBy(3);
        Mono<Void> heartbeat = Flux.interval(period, period)
                .onBackpressureDrop()
                .takeUntilOther(finished.asMono())
                .concatMap(tick -> queue.renew(consumer, job).then(store.renew(job.assetId(), job.entryId(), properties.claimAfter()))
                        .onErrorResume(ex -> {
                            log.warn("Could not renew processing job {}: {}", job.entryId(), ex.toString());
                            return Mono.empty();
                        }))
                .then();
        Mono<Void> work = store.source(job.assetId()).map(Optional::of).defaultIfEmpty(Optional.empty())
                // An asset that is gone or done needs nothing more.
                .flatMap(source -> source.isEmpty() || "done".equals(source.get().status()) ? queue.acknowledge(job)
                        : attempt(job, source.get(), workers))
                .doFinally(signal -> finished.tryEmitEmpty());
        return Mono.when(work, heartbeat);
    }

    /** One attempt, and the next ones after a passing failure. */
    private Mono<Void> attempt(JobQueue.Job job, ProcessingStore.Source source, Scheduler workers) {
        UUID assetId = source.id();
        return store.begin(assetId, job.entryId(), properties.claimAfter(), ProcessedOutputs.all(assetId))
                .map(Optional::of).defaultIfEmpty(Optional.empty())
                .flatMap(taken -> {
                    if (taken.isEmpty()) {
                        // Another job holds an unexpired lease on the asset (a duplicate of this one), or it is done.
                        return queue.acknowledge(job);
                    }
                    int attempts = taken.get();
                    if (attempts > properties.maxAttempts()) {
                        return giveUp(job, "processing was abandoned " + (attempts - 1) + " times (its node stopped); given up");
                    }
                    return work(source, workers)
                            .flatMap(loudness -> done(job, loudness))
                            .onErrorResume(ex -> {
                                if (isPermanent(ex)) {
                                    return fail(job, ex.getMessage());
                                }
                                if (attempts >= properties.maxAttempts()) {
                                    return giveUp(job, "gave up after " + attempts + " attempts: " + describe(ex));
                                }
                                Duration pause = properties.retryBackoff().multipliedBy(1L << Math.min(attempts - 1, 10));
                                log.info("Processing asset {} failed ({}); attempt {} in {}", assetId, describe(ex), attempts + 1, pause);
                                return Mono.delay(pause).then(Mono.defer(() -> attempt(job, source, workers)));
                            });
                });
    }

    /** Downloads, decodes and stores the outputs; answers the loudness. */
    private Mono<LoudnessMeter.Loudness> work(ProcessingStore.Source source, Scheduler workers) {
        long deadline = System.nanoTime() + properties.timeout().toNanos();
        return storage.stat(source.objectKey())
                .switchIfEmpty(Mono.error(() -> new PermanentFailure("the asset's object is missing from the store")))
                .then(Mono.fromCallable(() -> analyse(source, deadline)).subscribeOn(workers))
                // A backstop: the decoder itself stops at the deadline, between two frames.
                .timeout(properties.timeout().plusSeconds(30))
                .flatMap(result -> store(source.id(), result).thenReturn(result.analysis().loudness()));
    }

    /** The decoded outputs of one asset, in memory for storing. */
    private record Result(AudioAnalyser.Analysis analysis, byte[] preview) {
    }

    private Result analyse(ProcessingStore.Source source, long deadline) throws Exception {
        Path original = Files.createTempFile("dawg-processing-", ".audio");
        Path preview = Files.createTempFile("dawg-processing-", ".ogg");
        try {
            download(source.objectKey(), original);
            AudioAnalyser.Analysis analysis;
            try {
                analysis = AudioAnalyser.analyse(original, preview, () -> System.nanoTime() > deadline);
            }
            catch (AudioAnalyser.ProcessingTimeoutException ex) {
                throw new PermanentFailure("processing took longer than " + properties.timeout() + "; the decoder was stopped");
            }
            catch (AudioAnalyser.UndecodableAudioException ex) {
                throw new PermanentFailure("the audio could not be decoded: " + ex.getMessage());
            }
            catch (LinkageError ex) {
                // Reactor treats linkage errors as fatal and would drop the job silently: a failure to retry instead.
                throw new IllegalStateException("FFmpeg's native libraries could not be loaded: " + ex, ex);
            }
            return new Result(analysis, Files.readAllBytes(preview));
        }
        finally {
            Files.deleteIfExists(original);
            Files.deleteIfExists(preview);
        }
    }

    /** Copies the object to {@code target}: the worker thread may block. */
    private void download(String key, Path target) throws IOException {
        try (InputStream in = storage.client().getObject(GetObjectArgs.builder().bucket(storage.bucket()).object(key).build())
                .get(properties.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
        catch (ExecutionException ex) {
            throw new IOException("Reading the asset's object failed: " + ex.getCause(), ex.getCause());
        }
        catch (java.util.concurrent.TimeoutException ex) {
            throw new IOException("Reading the asset's object timed out", ex);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while reading the asset's object", ex);
        }
    }

    /** Writes every output under its key (the same bytes again when a job runs twice). */
    private Mono<Void> store(UUID assetId, Result result) {
        List<Mono<Void>> writes = new ArrayList<>();
        for (WaveformPeaks level : result.analysis().peaks()) {
            byte[] json = level.json();
            byte[] dat = level.dat();
            writes.add(storage.put(ProcessedOutputs.peaks(assetId, level.samplesPerPixel(), "json"), json, json.length, "application/json"));
            writes.add(storage.put(ProcessedOutputs.peaks(assetId, level.samplesPerPixel(), "dat"), dat, dat.length, "application/octet-stream"));
        }
        writes.add(storage.put(ProcessedOutputs.preview(assetId), result.preview(), result.preview().length, "audio/ogg"));
        return Flux.concat(writes).then();
    }

    private Mono<Void> done(JobQueue.Job job, LoudnessMeter.Loudness loudness) {
        return store.done(job.assetId(), loudness).map(Optional::of).defaultIfEmpty(Optional.empty())
                // Deleted while it was processed: the outputs written after its deletion go now.
                .flatMap(outcome -> outcome.isPresent() ? announce(outcome.get(), loudness) : removeOutputs(job.assetId()))
                .then(queue.acknowledge(job));
    }

    /** Fails the asset for good (bad audio, too long, no object): the job is acknowledged, never tried again. */
    private Mono<Void> fail(JobQueue.Job job, String reason) {
        log.info("Processing asset {} failed: {}", job.assetId(), reason);
        return store.failed(job.assetId(), reason).flatMap(outcome -> announce(outcome, null)).then(queue.acknowledge(job));
    }

    /** Fails the asset after too many attempts and keeps the job in the dead-letter stream. */
    private Mono<Void> giveUp(JobQueue.Job job, String reason) {
        log.warn("Processing asset {} dead-lettered: {}", job.assetId(), reason);
        return store.failed(job.assetId(), reason).flatMap(outcome -> announce(outcome, null)).then(queue.deadLetter(job, reason));
    }

    /** {@code asset:processed} to the owner's connections (system library samples have no owner to tell). */
    private Mono<Void> announce(ProcessingStore.Outcome outcome, LoudnessMeter.Loudness loudness) {
        if (outcome.ownerId() == null) {
            return Mono.empty();
        }
        Map<String, Object> processing = new LinkedHashMap<>();
        processing.put("status", outcome.status());
        processing.put("error", outcome.error());
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("assetId", outcome.assetId());
        data.put("processing", processing);
        data.put("loudness", loudness == null ? null : new Asset.Processing.Loudness(loudness.integratedLufs(), loudness.rangeLu(),
                loudness.truePeakDbtp(), loudness.decodedDurationSeconds()));
        return events.publish(new UserEvent(UserEvent.ASSET_PROCESSED, outcome.ownerId(), data));
    }

    private Mono<Void> removeOutputs(UUID assetId) {
        return Flux.fromIterable(ProcessedOutputs.all(assetId)).concatMap(storage::remove).then()
                .onErrorResume(ex -> Mono.empty());
    }

    private static boolean isPermanent(Throwable ex) {
        return ex instanceof PermanentFailure;
    }

    private static String describe(Throwable ex) {
        return ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
    }

    /** A failure trying again cannot mend; its message is the asset's processing error. */
    static final class PermanentFailure extends Exception {

        PermanentFailure(String message) {
            super(message);
        }
    }
}
