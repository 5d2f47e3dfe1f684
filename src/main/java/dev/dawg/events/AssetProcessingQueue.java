package dev.dawg.events;

import java.util.UUID;

import reactor.core.publisher.Mono;

/**
 * Where assets hand every asset that becomes available (uploaded, completed, seeded) for processing: waveform peaks,
 * preview and loudness. The processing feature implements it; queueing never fails the caller (an asset whose job
 * could not be queued is found by the processing backfill).
 */
public interface AssetProcessingQueue {

    /** Queues the asset's processing; completes empty and never errors. */
    Mono<Void> enqueue(UUID assetId);
}
