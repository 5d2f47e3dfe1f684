package dev.dawg.assets.storage;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.concurrent.TimeUnit;

import io.minio.AbortMultipartUploadArgs;
import io.minio.BucketExistsArgs;
import io.minio.CompleteMultipartUploadArgs;
import io.minio.CopyObjectArgs;
import io.minio.CreateMultipartUploadArgs;
import io.minio.GetObjectArgs;
import io.minio.GetPresignedObjectUrlArgs;
import io.minio.ListObjectsV2Args;
import io.minio.Http;
import io.minio.MakeBucketArgs;
import io.minio.MinioAsyncClient;
import io.minio.PutObjectAPIArgs;
import io.minio.RemoveObjectArgs;
import io.minio.SourceObject;
import io.minio.Signer;
import io.minio.Time;
import io.minio.Utils;
import io.minio.StatObjectArgs;
import io.minio.UploadPartArgs;
import io.minio.errors.ErrorResponseException;
import io.minio.errors.MinioException;
import io.minio.errors.ServerException;
import io.minio.messages.Part;
import io.netty.channel.ChannelOption;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.RequestBody;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;

import dev.dawg.platform.config.DawgProperties;
import dev.dawg.platform.web.DependencyUnavailableException;

/**
 * The S3-compatible object store (MinIO, S3 or the embedded endpoint) through MinIO's asynchronous client,
 * so no call ever blocks an event-loop thread. Owns the bucket; object keys are always chosen by the server.
 *
 * <p>Downloads stream through a non-blocking HTTP client from a presigned URL (the MinIO client hands out an
 * {@link InputStream}, which would need a thread per download). Presigned URLs given to browsers are signed
 * for {@code dawg.s3.public-endpoint} when it is set, since the signature covers the host.
 */
@Component
public class ObjectStorage {

    private static final Logger log = LoggerFactory.getLogger(ObjectStorage.class);
    private static final String UNAVAILABLE = "Audio storage is unavailable at the moment; retry shortly";

    private final MinioAsyncClient client;
    private final MinioAsyncClient publicSigner;
    private final WebClient http;
    private final HttpUrl publicEndpoint;
    private final String region;
    private final String accessKey;
    private final String secretKey;
    private final String bucket;
    private final Mono<Void> bucketReady;

    /** An object as the store describes it. */
    public record StoredObject(String key, long size, String etag) {
    }

    /** A part of a multipart upload, as the store acknowledged it (ETag and checksums). */
    public record UploadedPart(Part part) {
    }

    ObjectStorage(DawgProperties properties) {
        DawgProperties.S3 s3 = properties.s3();
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
        this.client = MinioAsyncClient.builder()
                .endpoint(s3.endpoint())
                .region(s3.region())
                .credentials(s3.accessKey(), s3.secretKey())
                .httpClient(okHttp, true)
                .build();
        String publicEndpoint = s3.publicEndpoint() == null || s3.publicEndpoint().isBlank() ? s3.endpoint() : s3.publicEndpoint();
        // Signing is local arithmetic when the region is known: this client never makes a request.
        this.publicSigner = MinioAsyncClient.builder()
                .endpoint(publicEndpoint)
                .region(s3.region())
                .credentials(s3.accessKey(), s3.secretKey())
                .build();
        this.publicEndpoint = HttpUrl.get(publicEndpoint);
        this.region = s3.region();
        this.accessKey = s3.accessKey();
        this.secretKey = s3.secretKey();
        ConnectionProvider connections = ConnectionProvider.builder("object-storage")
                .maxConnections(256)
                .pendingAcquireMaxCount(1024)
                .maxIdleTime(Duration.ofSeconds(30))
                .build();
        this.http = WebClient.builder()
                .clientConnector(new ReactorClientHttpConnector(HttpClient.create(connections)
                        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) s3.connectTimeout().toMillis())
                        // Also bounds a pause in reading: a listener's client may hold a download back that long.
                        .responseTimeout(Duration.ofMinutes(10))))
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
        return call(() -> client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build()));
    }

    /** The object's size and ETag, or empty when there is no such object. */
    public Mono<StoredObject> stat(String key) {
        return call(() -> client.statObject(StatObjectArgs.builder().bucket(bucket).object(key).build()))
                .map(stat -> new StoredObject(key, stat.size(), stat.etag()))
                .onErrorResume(ObjectStorage::isMissing, ex -> Mono.empty());
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
        return call(() -> client.completeMultipartUpload(CompleteMultipartUploadArgs.builder().bucket(bucket)
                        .object(key).uploadId(uploadId).parts(list).build()))
                .then();
    }

    /** Aborts a multipart upload; one that is already gone counts as aborted. */
    public Mono<Void> abortMultipart(String key, String uploadId) {
        return call(() -> client.abortMultipartUpload(AbortMultipartUploadArgs.builder().bucket(bucket)
                        .object(key).uploadId(uploadId).build()))
                .then()
                .onErrorResume(ObjectStorage::isMissing, ex -> Mono.empty());
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
                .onErrorResume(ObjectStorage::isMissing, ex -> Mono.empty());
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
        catch (java.util.concurrent.ExecutionException ex) {
            throw new IOException("Reading object " + key + " failed: " + describe(ex).orElse(ex.toString()), translate(ex.getCause()));
        }
        catch (java.util.concurrent.TimeoutException ex) {
            throw new IOException("Reading object " + key + " timed out", translate(ex));
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
        URI url = URI.create(presign(client, Http.Method.GET, key, Duration.ofMinutes(5), Map.of()));
        return http.get().uri(url)
                .header(HttpHeaders.RANGE, "bytes=" + offset + "-" + (offset + length - 1))
                .retrieve()
                .bodyToFlux(DataBuffer.class)
                .onErrorMap(WebClientResponseException.class,
                        ex -> ex.getStatusCode().is5xxServerError() ? new DependencyUnavailableException(UNAVAILABLE, ex)
                                : new IllegalStateException("The store answered " + ex.getStatusCode() + " for object " + key))
                .onErrorMap(ObjectStorage::translate);
    }

    /**
     * A URL a browser may PUT the object to until {@code ttl} passes, with {@code signedHeaders} (such as its
     * Content-Type and Content-Length) part of the signature, so a PUT with other values is refused by the store.
     * The MinIO client signs only the host of a presigned URL, hence the request is signed here with its signer.
     */
    public String presignedPut(String key, Duration ttl, Map<String, String> signedHeaders) {
        HttpUrl url = publicEndpoint.newBuilder().addPathSegment(bucket).addPathSegments(key).build();
        Request.Builder request = new Request.Builder().url(url).put(RequestBody.create(new byte[0], null, 0, 0))
                .header("Host", Utils.getHostHeader(url))
                .header(Http.Headers.X_AMZ_DATE, ZonedDateTime.now(ZoneOffset.UTC).format(Time.AMZ_DATE_FORMAT));
        signedHeaders.forEach(request::header);
        try {
            return Signer.presignV4(request.build(), region, accessKey, secretKey, (int) ttl.toSeconds()).toString();
        }
        catch (MinioException ex) {
            throw new IllegalStateException("Cannot presign an upload of " + key, ex);
        }
    }

    /** A URL a browser may GET the object from until {@code ttl} passes; {@code overrides} are response-* parameters. */
    public String presignedGet(String key, Duration ttl, Map<String, String> overrides) {
        try {
            return publicSigner.getPresignedObjectUrl(GetPresignedObjectUrlArgs.builder().method(Http.Method.GET)
                    .bucket(bucket).object(key).expiry((int) ttl.toSeconds(), TimeUnit.SECONDS).extraQueryParams(overrides).build());
        }
        catch (MinioException ex) {
            throw new IllegalStateException("Cannot presign a download of " + key, ex);
        }
    }

    private String presign(MinioAsyncClient signer, Http.Method method, String key, Duration ttl, Map<String, String> headers) {
        try {
            GetPresignedObjectUrlArgs.Builder args = GetPresignedObjectUrlArgs.builder().method(method).bucket(bucket).object(key)
                    .expiry((int) ttl.toSeconds(), TimeUnit.SECONDS);
            if (!headers.isEmpty()) {
                args.extraHeaders(headers);
            }
            return signer.getPresignedObjectUrl(args.build());
        }
        catch (MinioException ex) {
            throw new IllegalStateException("Cannot presign " + method + " of " + key, ex);
        }
    }

    /** A call of the MinIO client, its transport failures turned into {@link DependencyUnavailableException}. */
    private static <T> Mono<T> call(Supplier<CompletableFuture<T>> request) {
        return Mono.fromFuture(request).onErrorMap(ObjectStorage::translate);
    }

    /**
     * The failure as callers should see it: a store that could not be reached, did not answer in time, cut the
     * connection or answered 5xx is unavailable (503, and cleanup is left to the sweep); any other failure, such
     * as a missing object, is kept as it is.
     */
    static Throwable translate(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        return isTransportFailure(cause) && !(cause instanceof DependencyUnavailableException)
                ? new DependencyUnavailableException(UNAVAILABLE, cause) : cause;
    }

    /**
     * Whether the failure came from the store being unreachable. Every store call translates such failures (see
     * {@link #translate}), so this looks for the translation alone: an I/O error of another kind (a client that
     * went away mid-upload) is not the store's.
     */
    public static boolean isUnreachable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof DependencyUnavailableException) {
                return true;
            }
        }
        return false;
    }

    /** Whether a failure of a store call is the store being unreachable, rather than an answer about the request. */
    private static boolean isTransportFailure(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof DependencyUnavailableException) {
                return true;
            }
            if (t instanceof ErrorResponseException error) {
                return error.response() != null && error.response().code() >= 500;
            }
            if (t instanceof ServerException || t instanceof IOException || t instanceof TimeoutException) {
                return true;
            }
        }
        return false;
    }

    /** Whether a failure means the object (or multipart upload) does not exist. */
    static boolean isMissing(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ErrorResponseException error) {
                String code = error.errorResponse() == null ? "" : error.errorResponse().code();
                return Arrays.asList("NoSuchKey", "NoSuchObject", "NoSuchUpload", "ResourceNotFound").contains(code)
                        || error.response() != null && error.response().code() == HttpStatus.NOT_FOUND.value();
            }
        }
        return false;
    }

    private Mono<Void> createBucketIfMissing() {
        return bucketExists()
                .flatMap(exists -> exists ? Mono.<Void>empty()
                        : call(() -> client.makeBucket(MakeBucketArgs.builder().bucket(bucket).build()))
                                .doOnSuccess(created -> log.info("Created bucket {}", bucket))
                                .then());
    }

    /** The first store-side failure behind a wrapped one, for logs. */
    public static Optional<String> describe(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ErrorResponseException error && error.errorResponse() != null) {
                return Optional.of(error.errorResponse().code() + ": " + error.errorResponse().message());
            }
        }
        return Optional.empty();
    }
}
