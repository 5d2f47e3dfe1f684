package dev.dawg.processing;

import java.net.InetAddress;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.stereotype.Component;

import dev.dawg.events.AssetProcessingQueue;

/**
 * This node's share of the processing: queues a job for every asset that becomes available, and while running
 * takes jobs (new ones, and those a dead node left idle past {@code claimAfter}) as long as fewer than
 * {@code concurrency} run, each on the bounded worker pool. At start it runs the backfill: every asset whose
 * processing is pending (or whose job's lease ran out) is queued again. It runs at start-up rather than from an
 * admin route so a deployment converges on its own, existing assets included, and it is safe to run again: a job
 * for an asset that is done, or that another job holds, is acknowledged without work. One node at a time runs it (a
 * Redis lock lasting {@code claimAfter}).
 */
@Component
class ProcessingJobs implements AssetProcessingQueue, SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ProcessingJobs.class);
    private static final int BACKFILL_PAGE = 500;

    private final JobQueue queue;
    private final AssetProcessor processor;
    private final ProcessingStore store;
    private final ReactiveStringRedisTemplate redis;
    private final ProcessingProperties properties;
    private final String consumer;
    private final AtomicInteger inFlight = new AtomicInteger();
    /** Jobs queued on this node: looked for at once rather than at the next poll. */
    private final Sinks.Many<Long> nudges = Sinks.many().multicast().directBestEffort();
    private volatile Disposable running;
    private volatile Scheduler workers;

    ProcessingJobs(JobQueue queue, AssetProcessor processor, ProcessingStore store, ReactiveStringRedisTemplate redis,
            ProcessingProperties properties) {
        this.queue = queue;
        this.processor = processor;
        this.store = store;
        this.redis = redis;
        this.properties = properties;
        this.consumer = host() + "-" + UUID.randomUUID();
    }

    @Override
    public Mono<Void> enqueue(UUID assetId) {
        if (!properties.enabled()) {
            return Mono.empty(); // the backfill of a node with processing on queues it
        }
        return queue.ready().then(queue.enqueue(assetId))
                .doOnSuccess(id -> nudges.tryEmitNext(0L))
                .onErrorResume(ex -> {
                    log.warn("Could not queue the processing of asset {} (the backfill will): {}", assetId, ex.toString());
                    return Mono.empty();
                })
                .then();
    }

    @Override
    public void start() {
        if (!properties.enabled()) {
            return;
        }
        Scheduler pool = Schedulers.newBoundedElastic(properties.concurrency(), 1000, "processing");
        workers = pool;
        Disposable jobs = Flux.merge(Flux.interval(Duration.ZERO, properties.pollInterval()), nudges.asFlux())
                .onBackpressureDrop()
                .concatMap(tick -> fetch(), 1)
                .flatMap(job -> processor.process(job, consumer, pool)
                        .onErrorResume(ex -> {
                            // The job stays pending in the stream: claimed again after claimAfter.
                            log.warn("Processing job {} for asset {} stopped: {}", job.entryId(), job.assetId(), ex.toString());
                            return Mono.empty();
                        })
                        .doFinally(signal -> inFlight.decrementAndGet()), properties.concurrency())
                .subscribe();
        Disposable backfill = backfill().subscribe(queued -> {
            if (queued > 0) {
                log.info("Processing backfill queued {} assets", queued);
            }
        }, ex -> log.warn("Processing backfill failed; it runs again at the next start: {}", ex.toString()));
        running = Disposables.composite(jobs, backfill);
        log.info("Processing jobs run on this node as {} ({} at a time)", consumer, properties.concurrency());
    }

    /** Up to as many jobs as there are free workers: abandoned ones first, then new ones. */
    private Flux<JobQueue.Job> fetch() {
        int free = properties.concurrency() - inFlight.get();
        if (free <= 0) {
            return Flux.empty();
        }
        return queue.claimAbandoned(consumer, properties.claimAfter(), free).collectList()
                .flatMapMany(claimed -> Flux.fromIterable(claimed)
                        .concatWith(claimed.size() < free ? queue.takeNew(consumer, free - claimed.size()) : Flux.empty()))
                .doOnNext(job -> inFlight.incrementAndGet())
                .onErrorResume(ex -> {
                    log.warn("Could not read processing jobs: {}", ex.toString());
                    return Flux.empty();
                });
    }

    /** The backfill, unless another node ran it within {@code claimAfter}; answers how many assets it queued. */
    Mono<Long> backfill() {
        return redis.opsForValue().setIfAbsent(properties.keyPrefix() + ":backfill", consumer, properties.claimAfter())
                .flatMap(mine -> mine ? queueUnprocessed() : Mono.just(0L));
    }

    /** Queues every asset the backfill is for (see the class comment); answers how many. */
    Mono<Long> queueUnprocessed() {
        return backfillAfter(new UUID(0, 0));
    }

    private Mono<Long> backfillAfter(UUID after) {
        return store.unprocessed(after, BACKFILL_PAGE).collectList()
                .flatMap(page -> page.isEmpty() ? Mono.just(0L)
                        : Flux.fromIterable(page).concatMap(this::enqueue).then(
                                page.size() < BACKFILL_PAGE ? Mono.just((long) page.size())
                                        : backfillAfter(page.get(page.size() - 1)).map(more -> more + page.size())));
    }

    @Override
    public void stop() {
        Disposable current = running;
        if (current != null) {
            current.dispose();
        }
        running = null;
        Scheduler pool = workers;
        if (pool != null) {
            pool.dispose();
        }
        workers = null;
        inFlight.set(0);
    }

    @Override
    public boolean isRunning() {
        return running != null && !running.isDisposed();
    }

    /** This node's consumer name in the group. */
    String consumer() {
        return consumer;
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        }
        catch (Exception ex) {
            return "node";
        }
    }
}
