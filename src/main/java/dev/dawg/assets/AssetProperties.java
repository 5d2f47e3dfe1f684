package dev.dawg.assets;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Settings of audio assets, bound from {@code dawg.assets.*} (each mapped from a {@code DAWG_ASSETS_*}
 * variable in application.yaml).
 *
 * @param maxUploadSize largest audio file accepted (413 above it)
 * @param quota bytes each user may store, uploads in flight included (413 {@code QUOTA_EXCEEDED} above it)
 * @param partSize bytes per multipart part of a streamed upload; memory per upload is about twice this
 * @param maxConcurrentUploads streamed uploads one node runs at once (503 with Retry-After beyond)
 * @param uploadUrlTtl how long a presigned upload URL works
 * @param uploadTimeout how long an upload may stay unfinished before the sweep discards it (after the URL expired)
 * @param downloadUrlTtl how long a presigned download URL ({@code ?redirect=true}) works
 * @param sweepInterval how often each node looks for abandoned uploads and orphaned objects
 * @param maxConcurrentUploadsPerUser streamed uploads one user runs at once on a node (429 with Retry-After beyond)
 * @param uploadIdleTimeout how long a streamed upload may wait for its client to send more of the body (408 after it)
 * @param resumablePartSize bytes per part of a resumable upload (larger for a file that would need more than 10,000)
 * @param resumableUploadTimeout how long a resumable upload may stay unfinished before the sweep aborts it
 */
@ConfigurationProperties("dawg.assets")
public record AssetProperties(
        @DefaultValue("500MB") DataSize maxUploadSize,
        @DefaultValue("1GB") DataSize quota,
        @DefaultValue("8MB") DataSize partSize,
        @DefaultValue("8") int maxConcurrentUploads,
        @DefaultValue("15m") Duration uploadUrlTtl,
        @DefaultValue("1h") Duration uploadTimeout,
        @DefaultValue("5m") Duration downloadUrlTtl,
        @DefaultValue("1m") Duration sweepInterval,
        @DefaultValue("2") int maxConcurrentUploadsPerUser,
        @DefaultValue("30s") Duration uploadIdleTimeout,
        @DefaultValue("8MB") DataSize resumablePartSize,
        @DefaultValue("24h") Duration resumableUploadTimeout) {

    public AssetProperties {
        if (partSize.toBytes() < DataSize.ofMegabytes(5).toBytes() || partSize.toBytes() > DataSize.ofMegabytes(256).toBytes()) {
            throw new IllegalArgumentException("dawg.assets.part-size must be between 5MB (the S3 minimum) and 256MB");
        }
        if (resumablePartSize.toBytes() < DataSize.ofMegabytes(5).toBytes() || resumablePartSize.toBytes() > DataSize.ofGigabytes(5).toBytes()) {
            throw new IllegalArgumentException("dawg.assets.resumable-part-size must be between 5MB and 5GB (the S3 part limits)");
        }
        if (resumableUploadTimeout.isNegative() || resumableUploadTimeout.isZero()) {
            throw new IllegalArgumentException("dawg.assets.resumable-upload-timeout must be positive");
        }
        if (maxConcurrentUploads < 1) {
            throw new IllegalArgumentException("dawg.assets.max-concurrent-uploads must be at least 1");
        }
        if (maxConcurrentUploadsPerUser < 1) {
            throw new IllegalArgumentException("dawg.assets.max-concurrent-uploads-per-user must be at least 1");
        }
        if (uploadIdleTimeout.isNegative() || uploadIdleTimeout.isZero()) {
            throw new IllegalArgumentException("dawg.assets.upload-idle-timeout must be positive");
        }
        if (uploadUrlTtl.isNegative() || uploadUrlTtl.isZero() || uploadUrlTtl.compareTo(Duration.ofDays(7)) > 0) {
            throw new IllegalArgumentException("dawg.assets.upload-url-ttl must be between 1s and 7d (the S3 maximum)");
        }
        if (downloadUrlTtl.isNegative() || downloadUrlTtl.isZero() || downloadUrlTtl.compareTo(Duration.ofDays(7)) > 0) {
            throw new IllegalArgumentException("dawg.assets.download-url-ttl must be between 1s and 7d (the S3 maximum)");
        }
    }
}
