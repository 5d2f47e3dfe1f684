package dev.dawg.assets.storage;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import io.minio.AbortMultipartUploadArgs;
import io.minio.BucketExistsArgs;
import io.minio.CompleteMultipartUploadArgs;
import io.minio.CopyObjectArgs;
import io.minio.CreateMultipartUploadArgs;
import io.minio.GetObjectArgs;
import io.minio.Http;
import io.minio.ListMultipartUploadsArgs;
import io.minio.ListObjectsV2Args;
import io.minio.ListPartsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioAsyncClient;
import io.minio.PutObjectAPIArgs;
import io.minio.RemoveObjectArgs;
import io.minio.SourceObject;
import io.minio.StatObjectArgs;
import io.minio.UploadPartArgs;
import io.minio.messages.Part;
import io.netty.channel.ChannelOption;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;

import dev.dawg.platform.config.DawgProperties;

/**
 * The bucket of the S3-compatible object store (MinIO, S3 or the embedded endpoint) through MinIO's asynchronous
 * client, so no call ever blocks an event-loop thread; downloads stream through a non-blocking HTTP client from a
 * presigned URL. Owns the bucket; object keys are always chosen by the server. Failures read as
 * {@link StorageFailures} says.
 */
@Component
public class ObjectStorage {

    private static final Logger log = LoggerFactory.getLogger(ObjectStorage.class);

    private final MinioAsyncClient client;
    private final WebClient http;
    private final String bucket;
    private final Mono<Void> bucketReady;

    /** An object as the store describes it. */
    public record StoredObject(String key, long size, String etag) {
    }

    /** A part of a multipart upload, as the store acknowledged it (ETag and checksums). */
    public record UploadedPart(Part part) {
    }

    ObjectStorage(DawgProperties properties) {
        this.client = minio(properties.s3());
        this.http = downloads(properties.s3());
        this.bucket = properties.s3().bucket();
        // Created once on first use; a failure is not cached, so the next call tries again. The success is kept for
        // good: it completes empty, so the TTL that keeps it is the empty one (kept at zero, every write paid a
        // HEAD of the bucket, and a call made after an outage could join one sent into it and fail with it).
        this.bucketReady = Mono.defer(this::createBucketIfMissing).cache(ok -> Duration.ofDays(36500), error -> Duration.ZERO, () -> Duration.ofDays(36500));
    }

    /** MinIO's asynchronous client for every call but downloads. */
    private static MinioAsyncClient minio(DawgProperties.S3 s3) {
        // MinIO's default OkHttp dispatcher runs at most 5 requests per host: too few for parallel uploads.
        Dispatcher dispatcher = new Dispatcher();
        dispatcher.setMaxRequests(256);
        dispatcher.setMaxRequestsPerHost(256);
        OkHttpClient okHttp = new OkHttpClient.Builder()
                .dispatcher(dispatcher)
                .connectionPool(new ConnectionPool(32, 5, TimeUnit.MINUTES))
                .connectTimeout(s3.connectTimeout())
                // Inactivity bounds, not totals: a part of any size may take as long as it keeps moving.
                .writeTimeout(s3.ioTimeout())
                .readTimeout(s3.ioTimeout())
                .protocols(List.of(Protocol.HTTP_1_1))
                .addInterceptor(new Http.StatusRetryInterceptor())
                .build();
        return MinioAsyncClient.builder()
                .endpoint(s3.endpoint())
                .region(s3.region())
                .credentials(s3.accessKey(), s3.secretKey())
                .httpClient(okHttp, true)
                .build();
    }

    /**
     * The non-blocking client of downloads: the MinIO client hands out an {@code InputStream}, which would need a
     * thread per download.
     */
    private static WebClient downloads(DawgProperties.S3 s3) {
        ConnectionProvider connections = ConnectionProvider.builder("object-storage")
                .maxConnections(256)
                .pendingAcquireMaxCount(1024)
                .maxIdleTime(Duration.ofSeconds(30))
                .build();
        return WebClient.builder()
                .clientConnector(new ReactorClientHttpConnector(HttpClient.create(connections)
                        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) s3.connectTimeout().toMillis())
                        // Also bounds a pause in reading: a listener's client may hold a download back that long.
                        .responseTimeout(Duration.ofMinutes(10))))
                .build();
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
        return call(() -> client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build()));
    }

    /** The object's size and ETag, or empty when there is no such object. */
    public Mono<StoredObject> stat(String key) {
        return call(() -> client.statObject(StatObjectArgs.builder().bucket(bucket).object(key).build()))
                .map(stat -> new StoredObject(key, stat.size(), stat.etag()))
                .onErrorResume(StorageFailures::isMissing, ex -> Mono.empty());
    }

    /** Stores a small object in one request, made on a CPU worker for the same reason as {@link #uploadPart}. */
    public Mono<Void> put(String key, byte[] data, int length, String contentType) {
        return ready().then(call(() -> client.putObject(PutObjectAPIArgs.builder().bucket(bucket).object(key)
                        .data(data, length).contentType(contentType).build()))
                        .subscribeOn(Schedulers.parallel()))
                .then();
    }

    /** Starts a multipart upload and answers its upload id. */
    public Mono<String> startMultipart(String key, String contentType) {
        return ready().then(call(() -> client.createMultipartUpload(CreateMultipartUploadArgs.builder().bucket(bucket)
                        .object(key).headers(new Http.Headers(HttpHeaders.CONTENT_TYPE, contentType)).build())))
                .map(response -> response.result().uploadId());
    }

    /**
     * Uploads one part. The client hashes the part to sign it, so the call is made on a CPU worker rather
     * than on the caller's (possibly event-loop) thread.
     */
    public Mono<UploadedPart> uploadPart(String key, String uploadId, int number, byte[] data, int length) {
        return call(() -> client.uploadPart(UploadPartArgs.builder().bucket(bucket).object(key)
                        .uploadId(uploadId).partNumber(number).data(data, length).build()))
                .subscribeOn(Schedulers.parallel())
                .map(response -> new UploadedPart(response.part()));
    }

    public Mono<Void> completeMultipart(String key, String uploadId, List<UploadedPart> parts) {
        Part[] list = parts.stream().map(UploadedPart::part).toArray(Part[]::new);
        return complete(key, uploadId, list);
    }

    /** Completes a multipart upload with {@code parts} as the store listed them (their numbers and ETags). */
    public Mono<Void> completeListedParts(String key, String uploadId, List<Part> parts) {
        return complete(key, uploadId, parts.stream().map(part -> new Part(part.partNumber(), part.etag())).toArray(Part[]::new));
    }

    private Mono<Void> complete(String key, String uploadId, Part[] list) {
        return call(() -> client.completeMultipartUpload(CompleteMultipartUploadArgs.builder().bucket(bucket)
                        .object(key).uploadId(uploadId).parts(list).build()))
                .then();
    }

    /** Aborts a multipart upload; one that is already gone counts as aborted. */
    public Mono<Void> abortMultipart(String key, String uploadId) {
        return call(() -> client.abortMultipartUpload(AbortMultipartUploadArgs.builder().bucket(bucket)
                        .object(key).uploadId(uploadId).build()))
                .then()
                .onErrorResume(StorageFailures::isMissing, ex -> Mono.empty());
    }

    /** The parts of a multipart upload the store holds, in part-number order, page after page; an upload that is gone fails as missing. */
    public Flux<Part> listParts(String key, String uploadId) {
        return partsPage(key, uploadId, null)
                .expand(page -> page.result().isTruncated() && page.result().nextPartNumberMarker() != null
                        ? partsPage(key, uploadId, page.result().nextPartNumberMarker()) : Mono.empty())
                .concatMapIterable(page -> page.result().parts() == null ? List.<Part>of() : page.result().parts());
    }

    private Mono<io.minio.ListPartsResponse> partsPage(String key, String uploadId, Integer marker) {
        ListPartsArgs.Builder args = ListPartsArgs.builder().bucket(bucket).object(key).uploadId(uploadId).maxParts(1000);
        if (marker != null) {
            args.partNumberMarker(marker);
        }
        return call(() -> client.listParts(args.build()));
    }

    /** Whether a failure of a store call means the object or multipart upload does not exist. */
    public static boolean isMissing(Throwable failure) {
        return StorageFailures.isMissing(failure);
    }

    /** A multipart upload the store has not completed nor aborted yet. */
    public record IncompleteUpload(String key, String uploadId, java.time.Instant initiated) {
    }

    /** The multipart uploads under {@code prefix} that are neither completed nor aborted, page by page. */
    public Flux<IncompleteUpload> listIncompleteUploads(String prefix) {
        return uploadsPage(prefix, null, null)
                .expand(page -> page.result().isTruncated() && page.result().nextKeyMarker() != null
                        ? uploadsPage(prefix, page.result().nextKeyMarker(), page.result().nextUploadIdMarker()) : Mono.empty())
                .concatMapIterable(page -> page.result().uploads() == null ? List.<IncompleteUpload>of()
                        : page.result().uploads().stream().map(upload -> new IncompleteUpload(upload.objectName(), upload.uploadId(),
                                upload.initiated() == null ? null : upload.initiated().toInstant())).toList());
    }

    private Mono<io.minio.ListMultipartUploadsResponse> uploadsPage(String prefix, String keyMarker, String uploadIdMarker) {
        ListMultipartUploadsArgs.Builder args = ListMultipartUploadsArgs.builder().bucket(bucket).prefix(prefix).maxUploads(1000);
        if (keyMarker != null) {
            args.keyMarker(keyMarker);
        }
        if (uploadIdMarker != null) {
            args.uploadIdMarker(uploadIdMarker);
        }
        return call(() -> client.listMultipartUploads(args.build()));
    }

    /** Copies an object within the bucket on the store's side: no byte passes through this server. */
    public Mono<Void> copy(String source, String target) {
        return call(() -> client.copyObject(CopyObjectArgs.builder().bucket(bucket).object(target)
                        .source(SourceObject.builder().bucket(bucket).object(source).build()).build()))
                .then();
    }

    /** The keys of the objects under {@code prefix}, page by page as the store lists them. */
    public Flux<String> list(String prefix) {
        return listPage(prefix, null).expand(page -> page.nextToken() == null ? Mono.empty() : listPage(prefix, page.nextToken()))
                .concatMapIterable(KeyPage::keys);
    }

    private record KeyPage(List<String> keys, String nextToken) {
    }

    private Mono<KeyPage> listPage(String prefix, String continuationToken) {
        ListObjectsV2Args.Builder args = ListObjectsV2Args.builder().bucket(bucket).prefix(prefix).maxKeys(1000);
        if (continuationToken != null) {
            args.continuationToken(continuationToken);
        }
        return call(() -> client.listObjectsV2(args.build()))
                .map(response -> new KeyPage(response.result().contents().stream().filter(item -> !item.isDir()).map(item -> item.objectName())
                        .toList(), response.result().isTruncated() ? response.result().nextContinuationToken() : null));
    }

    /** Removes an object; a missing one counts as removed. */
    public Mono<Void> remove(String key) {
        return call(() -> client.removeObject(RemoveObjectArgs.builder().bucket(bucket).object(key).build()))
                .then()
                .onErrorResume(StorageFailures::isMissing, ex -> Mono.empty());
    }

    /**
     * Up to {@code length} bytes of the object from {@code offset} (fewer at its end). Blocks the calling thread:
     * call it only off the event loop (the audio probe runs on {@code boundedElastic}).
     */
    public byte[] readRangeBlocking(String key, long offset, int length) throws IOException {
        try (InputStream in = client.getObject(GetObjectArgs.builder().bucket(bucket).object(key)
                .offset(offset).length((long) length).build()).get(1, TimeUnit.MINUTES)) {
            return in.readNBytes(length);
        }
        catch (ExecutionException ex) {
            throw new IOException("Reading object " + key + " failed: " + StorageFailures.describe(ex).orElse(ex.toString()),
                    StorageFailures.translate(ex.getCause()));
        }
        catch (TimeoutException ex) {
            throw new IOException("Reading object " + key + " timed out", StorageFailures.translate(ex));
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while reading object " + key, ex);
        }
    }

    /**
     * Streams {@code length} bytes of the object from {@code offset} without blocking, straight from the
     * store's socket to the caller's.
     */
    public Flux<DataBuffer> stream(String key, long offset, long length) {
        URI url = URI.create(PresignedUrls.get(client, bucket, key, Duration.ofMinutes(5), Map.of()));
        return http.get().uri(url)
                .header(HttpHeaders.RANGE, "bytes=" + offset + "-" + (offset + length - 1))
                .retrieve()
                .bodyToFlux(DataBuffer.class)
                .onErrorMap(WebClientResponseException.class,
                        ex -> ex.getStatusCode().is5xxServerError() ? StorageFailures.unavailable(ex)
                                : new IllegalStateException("The store answered " + ex.getStatusCode() + " for object " + key))
                .onErrorMap(StorageFailures::translate);
    }

    /** A call of the MinIO client, its transport failures turned into unavailability ({@link StorageFailures#translate}). */
    private static <T> Mono<T> call(Supplier<CompletableFuture<T>> request) {
        return Mono.fromFuture(request).onErrorMap(StorageFailures::translate);
    }

    private Mono<Void> createBucketIfMissing() {
        return bucketExists()
                .flatMap(exists -> exists ? Mono.<Void>empty()
                        : call(() -> client.makeBucket(MakeBucketArgs.builder().bucket(bucket).build()))
                                .doOnSuccess(created -> log.info("Created bucket {}", bucket))
                                .then());
    }
}
