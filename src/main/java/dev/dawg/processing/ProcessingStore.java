package dev.dawg.processing;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Component;

/** The SQL of processing: an asset's job state (V28 columns of {@code assets}), its outputs and its loudness. */
@Component
class ProcessingStore {

    /** What a job needs of its asset. */
    record Source(UUID id, UUID ownerId, String objectKey, String status) {
    }

    /** The asset after its job ended: its owner and what the owner's clients are told. */
    record Outcome(UUID assetId, UUID ownerId, String status, String error) {
    }

    private final DatabaseClient db;

    ProcessingStore(DatabaseClient db) {
        this.db = db;
    }

    Mono<Source> source(UUID assetId) {
        return db.sql("SELECT id, owner_id, object_key, processing_status FROM assets WHERE id = :id")
                .bind("id", assetId)
                .map(row -> new Source(row.get("id", UUID.class), row.get("owner_id", UUID.class), row.get("object_key", String.class),
                        row.get("processing_status", String.class)))
                .one();
    }

    /**
     * Takes the asset's processing for job {@code job}: unless it is done, or another job holds an unexpired lease on
     * it. Counts the attempt, records the output keys and answers the attempts so far; empty when not taken.
     */
    Mono<Integer> begin(UUID assetId, String job, Duration lease, List<String> outputs) {
        return db.sql("UPDATE assets SET processing_status = 'running', processing_attempts = processing_attempts + 1, "
                        + " processing_job = :job, processing_lease_until = now() + make_interval(secs => :lease), "
                        + " processing_outputs = :outputs, processing_error = NULL "
                        + "WHERE id = :id AND processing_status <> 'done' "
                        + " AND (processing_status <> 'running' OR processing_job = :job OR processing_lease_until < now()) "
                        + "RETURNING processing_attempts")
                .bind("id", assetId).bind("job", job).bind("lease", (double) lease.toMillis() / 1000)
                .bind("outputs", outputs.toArray(String[]::new))
                .map(row -> row.get(0, Integer.class))
                .one();
    }

    /** Renews the job's lease while it runs; false when the asset is gone or another job took it. */
    Mono<Boolean> renew(UUID assetId, String job, Duration lease) {
        return db.sql("UPDATE assets SET processing_lease_until = now() + make_interval(secs => :lease) "
                        + "WHERE id = :id AND processing_job = :job AND processing_status = 'running'")
                .bind("id", assetId).bind("job", job).bind("lease", (double) lease.toMillis() / 1000)
                .fetch().rowsUpdated().map(updated -> updated > 0);
    }

    /** Records the measurement; empty when the asset was deleted meanwhile (its outputs are then the caller's to remove). */
    Mono<Outcome> done(UUID assetId, LoudnessMeter.Loudness loudness) {
        return db.sql("UPDATE assets SET processing_status = 'done', processing_error = NULL, processing_job = NULL, "
                        + " processing_lease_until = NULL, processed_at = now(), loudness_lufs = :lufs, loudness_range_lu = :range, "
                        + " true_peak_dbtp = :peak, decoded_duration_seconds = :duration "
                        + "WHERE id = :id RETURNING id, owner_id, processing_status, processing_error")
                .bind("id", assetId)
                .bind("lufs", Parameter.fromOrEmpty(loudness.integratedLufs(), Double.class))
                .bind("range", Parameter.fromOrEmpty(loudness.rangeLu(), Double.class))
                .bind("peak", Parameter.fromOrEmpty(loudness.truePeakDbtp(), Double.class))
                .bind("duration", loudness.decodedDurationSeconds())
                .map(ProcessingStore::outcome)
                .one();
    }

    /** Fails the asset's processing for good with {@code error}; empty when the asset is gone. */
    Mono<Outcome> failed(UUID assetId, String error) {
        return db.sql("UPDATE assets SET processing_status = 'failed', processing_error = :error, processing_job = NULL, "
                        + " processing_lease_until = NULL, processed_at = now() WHERE id = :id "
                        + "RETURNING id, owner_id, processing_status, processing_error")
                .bind("id", assetId)
                .bind("error", error.length() > 1000 ? error.substring(0, 1000) : error)
                .map(ProcessingStore::outcome)
                .one();
    }

    /** Gives a job that will be tried again back to {@code pending}, its lease dropped. */
    Mono<Void> release(UUID assetId, String job) {
        return db.sql("UPDATE assets SET processing_status = 'pending', processing_job = NULL, processing_lease_until = NULL "
                        + "WHERE id = :id AND processing_job = :job AND processing_status = 'running'")
                .bind("id", assetId).bind("job", job)
                .fetch().rowsUpdated().then();
    }

    /**
     * A page of the assets the backfill queues, after {@code afterId} in id order: those never processed and those
     * whose job's lease ran out (its node died and the job is not in the stream any more). Failed ones stay failed.
     */
    Flux<UUID> unprocessed(UUID afterId, int limit) {
        return db.sql("SELECT id FROM assets WHERE processing_status IN ('pending', 'running') AND id > :after "
                        + " AND (processing_status = 'pending' OR processing_lease_until < now()) ORDER BY id LIMIT :limit")
                .bind("after", afterId).bind("limit", limit)
                .map(row -> row.get(0, UUID.class))
                .all();
    }

    private static Outcome outcome(io.r2dbc.spi.Readable row) {
        return new Outcome(row.get("id", UUID.class), row.get("owner_id", UUID.class), row.get("processing_status", String.class),
                row.get("processing_error", String.class));
    }
}
