package dev.dawg.processing;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of audio processing, bound from {@code dawg.processing.*} (each mapped from a {@code DAWG_PROCESSING_*}
 * variable in application.yaml).
 *
 * @param enabled whether this node queues and works on processing jobs (off: assets stay {@code pending} until a
 *        node with processing on backfills them)
 * @param concurrency jobs one node works on at once, each on its own worker thread (about one core each)
 * @param timeout how long one attempt of a job may run before its decoder is stopped and the job fails
 * @param maxAttempts attempts of a job (deliveries included) before it is dead-lettered as failed
 * @param retryBackoff the first pause before a job that failed for a passing reason (store, database) is tried
 *        again; doubled each time
 * @param claimAfter how long a job may sit unacknowledged, its node silent, before another node claims it; a node
 *        working on a job renews its claim every third of this
 * @param pollInterval how often an idle node looks for new and abandoned jobs (jobs queued on the node start at once)
 */
@ConfigurationProperties("dawg.processing")
public record ProcessingProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("1") int concurrency,
        @DefaultValue("5m") Duration timeout,
        @DefaultValue("3") int maxAttempts,
        @DefaultValue("10s") Duration retryBackoff,
        @DefaultValue("2m") Duration claimAfter,
        @DefaultValue("1s") Duration pollInterval,
        @DefaultValue("dawg:processing") String keyPrefix) {

    public ProcessingProperties {
        if (concurrency < 1 || concurrency > 64) {
            throw new IllegalArgumentException("dawg.processing.concurrency must be between 1 and 64");
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("dawg.processing.max-attempts must be at least 1");
        }
        if (timeout.isNegative() || timeout.isZero() || claimAfter.compareTo(Duration.ofSeconds(1)) < 0
                || pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("dawg.processing.timeout, claim-after (at least 1s) and poll-interval must be positive");
        }
    }

    /** The stream of jobs. */
    String jobs() {
        return keyPrefix + ":jobs";
    }

    /** The stream of dead-lettered jobs, kept for an operator to read. */
    String deadLetters() {
        return keyPrefix + ":dead";
    }
}
