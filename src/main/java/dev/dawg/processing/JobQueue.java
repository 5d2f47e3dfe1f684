package dev.dawg.processing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.data.redis.connection.stream.Consumer;
import org.springframework.data.redis.connection.stream.MapRecord;
import org.springframework.data.redis.connection.stream.ReadOffset;
import org.springframework.data.redis.connection.stream.StreamOffset;
import org.springframework.data.redis.connection.stream.StreamReadOptions;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;

/**
 * The processing jobs: entries of a Redis Stream read by one consumer group, so each job goes to one node at a time
 * and stays pending until that node acknowledges it. A job a node took and never acknowledged (the node died) is
 * claimed by another node once it has been idle {@code claimAfter} (XAUTOCLAIM); a node working on a job renews its
 * claim (XCLAIM JUSTID resets the idle time). Acknowledged jobs are deleted from the stream, which so holds only
 * jobs not yet done. Reads never block a connection (no BLOCK): the shared reactive connection serves everyone.
 */
@Component
class JobQueue {

    static final String GROUP = "processors";

    /** A job: its stream entry and the asset it processes. */
    record Job(String entryId, UUID assetId) {
    }

    /** XAUTOCLAIM (Redis 6.2), flattened to entry id, asset id pairs; entries deleted meanwhile are skipped. */
    private static final RedisScript<List> CLAIM_ABANDONED = RedisScript.of("""
            local claimed = redis.call('XAUTOCLAIM', KEYS[1], ARGV[1], ARGV[2], ARGV[3], '0-0', 'COUNT', ARGV[4])
            local out = {}
            for _, entry in ipairs(claimed[2]) do
              if type(entry) == 'table' and type(entry[2]) == 'table' then
                local fields = entry[2]
                for i = 1, #fields, 2 do
                  if fields[i] == 'asset' then
                    table.insert(out, entry[1])
                    table.insert(out, fields[i + 1])
                  end
                end
              end
            end
            return out
            """, List.class);

    /** Resets the idle time of a job its consumer is still working on (JUSTID: the delivery count stays). */
    private static final RedisScript<List> RENEW = RedisScript.of(
            "return redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[3], 'JUSTID')", List.class);

    /** Acknowledges and deletes a job in one step. */
    private static final RedisScript<Long> ACK = RedisScript.of(
            "redis.call('XACK', KEYS[1], ARGV[1], ARGV[2]) return redis.call('XDEL', KEYS[1], ARGV[2])", Long.class);

    private final ReactiveStringRedisTemplate redis;
    private final ProcessingProperties properties;
    private final Mono<Void> groupReady;

    JobQueue(ReactiveStringRedisTemplate redis, ProcessingProperties properties) {
        this.redis = redis;
        this.properties = properties;
        this.groupReady = redis.opsForStream().createGroup(properties.jobs(), ReadOffset.from("0"), GROUP)
                .onErrorResume(ex -> String.valueOf(ex.getMessage()).contains("BUSYGROUP")
                        || (ex.getCause() != null && String.valueOf(ex.getCause().getMessage()).contains("BUSYGROUP")), ex -> Mono.just("OK"))
                .then()
                .cache(ok -> Duration.ofDays(36500), error -> Duration.ZERO, () -> Duration.ZERO);
    }

    /** Completes once the stream and its consumer group exist (created by the first node to ask). */
    Mono<Void> ready() {
        return groupReady;
    }

    Mono<String> enqueue(UUID assetId) {
        return redis.opsForStream().add(MapRecord.create(properties.jobs(), Map.of("asset", assetId.toString())))
                .map(id -> id.getValue());
    }

    /** Up to {@code count} jobs no consumer has been given yet, now {@code consumer}'s. */
    Flux<Job> takeNew(String consumer, int count) {
        return ready().thenMany(redis.opsForStream().read(Consumer.from(GROUP, consumer), StreamReadOptions.empty().count(count),
                        StreamOffset.create(properties.jobs(), ReadOffset.lastConsumed())))
                .flatMap(record -> job(record.getId().getValue(), String.valueOf(record.getValue().get("asset"))));
    }

    /** Up to {@code count} jobs another consumer took and left idle for {@code idle}, now {@code consumer}'s. */
    Flux<Job> claimAbandoned(String consumer, Duration idle, int count) {
        return ready().thenMany(redis.execute(CLAIM_ABANDONED, List.of(properties.jobs()),
                        List.of(GROUP, consumer, Long.toString(idle.toMillis()), Integer.toString(count))))
                .collectList()
                .flatMapMany(reply -> {
                    List<String> flat = flatten(reply);
                    List<Mono<Job>> jobs = new ArrayList<>();
                    for (int i = 0; i + 1 < flat.size(); i += 2) {
                        jobs.add(job(flat.get(i), flat.get(i + 1)));
                    }
                    return Flux.concat(jobs);
                });
    }

    /** Tells the group {@code consumer} still works on the job, so no other node claims it. */
    Mono<Void> renew(String consumer, Job job) {
        return redis.execute(RENEW, List.of(properties.jobs()), List.of(GROUP, consumer, job.entryId())).then();
    }

    /** The job is done (or given up): acknowledged and removed from the stream. */
    Mono<Void> acknowledge(Job job) {
        return redis.execute(ACK, List.of(properties.jobs()), List.of(GROUP, job.entryId())).then();
    }

    /** Keeps a failed job, with its error, in the dead-letter stream (the latest 10 000) and removes it from the queue. */
    Mono<Void> deadLetter(Job job, String error) {
        return redis.opsForStream().add(MapRecord.create(properties.deadLetters(), Map.of("asset", job.assetId().toString(), "job",
                        job.entryId(), "error", error)))
                .then(redis.opsForStream().trim(properties.deadLetters(), 10_000, true))
                .then(acknowledge(job));
    }

    /** Jobs waiting or in progress (the stream holds only those), for tests and metrics. */
    Mono<Long> size() {
        return redis.opsForStream().size(properties.jobs());
    }

    private static Mono<Job> job(String entryId, String assetId) {
        try {
            return Mono.just(new Job(entryId, UUID.fromString(assetId)));
        }
        catch (IllegalArgumentException | NullPointerException ex) {
            return Mono.empty();
        }
    }

    /** A script's array reply, whether the template hands it over as one list or element by element. */
    private static List<String> flatten(List<?> reply) {
        List<String> flat = new ArrayList<>();
        for (Object element : reply) {
            if (element instanceof List<?> list) {
                flat.addAll(flatten(list));
            }
            else if (element != null) {
                flat.add(element.toString());
            }
        }
        return flat;
    }
}
