package dev.dawg.assets.storage;

import java.time.Duration;

import io.minio.BucketExistsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioAsyncClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import org.springframework.stereotype.Component;

import dev.dawg.platform.config.DawgProperties;

/**
 * The S3-compatible object store (MinIO, S3 or the embedded endpoint) through MinIO's asynchronous client,
 * so no call ever blocks an event-loop thread. Owns the bucket; object keys are always chosen by the server.
 */
@Component
public class ObjectStorage {

    private static final Logger log = LoggerFactory.getLogger(ObjectStorage.class);

    private final MinioAsyncClient client;
    private final String bucket;
    private final Mono<Void> bucketReady;

    ObjectStorage(DawgProperties properties) {
        DawgProperties.S3 s3 = properties.s3();
        this.client = MinioAsyncClient.builder()
                .endpoint(s3.endpoint())
                .region(s3.region())
                .credentials(s3.accessKey(), s3.secretKey())
                .build();
        this.bucket = s3.bucket();
        // Created once on first use; a failure is not cached, so the next call tries again.
        this.bucketReady = Mono.defer(this::createBucketIfMissing).cache(ok -> Duration.ofDays(36500), error -> Duration.ZERO, () -> Duration.ZERO);
    }

    public MinioAsyncClient client() {
        return client;
    }

    public String bucket() {
        return bucket;
    }

    /** Completes when the bucket exists; every write path waits on it. */
    public Mono<Void> ready() {
        return bucketReady;
    }

    /** Whether the store answers and the bucket exists, for the health endpoint. */
    public Mono<Boolean> bucketExists() {
        return Mono.fromFuture(() -> client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build()));
    }

    private Mono<Void> createBucketIfMissing() {
        return bucketExists()
                .flatMap(exists -> exists ? Mono.<Void>empty()
                        : Mono.fromFuture(() -> client.makeBucket(MakeBucketArgs.builder().bucket(bucket).build()))
                                .doOnSuccess(created -> log.info("Created bucket {}", bucket))
                                .then());
    }
}
