package dev.dawg.assets.storage;

import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.minio.GetPresignedObjectUrlArgs;
import io.minio.Http;
import io.minio.MinioAsyncClient;
import io.minio.Signer;
import io.minio.Time;
import io.minio.Utils;
import io.minio.errors.MinioException;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;

import org.springframework.stereotype.Component;

import dev.dawg.platform.config.DawgProperties;

/**
 * URLs that let a browser PUT or GET one object of the bucket for a while. They are signed for
 * {@code dawg.s3.public-endpoint} when it is set, since the signature covers the host. Signing is local arithmetic:
 * nothing here makes a request.
 */
@Component
public class PresignedUrls {

    private final MinioAsyncClient publicSigner;
    private final HttpUrl publicEndpoint;
    private final String region;
    private final String accessKey;
    private final String secretKey;
    private final String bucket;

    PresignedUrls(DawgProperties properties) {
        DawgProperties.S3 s3 = properties.s3();
        String endpoint = s3.publicEndpoint() == null || s3.publicEndpoint().isBlank() ? s3.endpoint() : s3.publicEndpoint();
        // With the region known, signing is local: this client never makes a request. Hence a bare OkHttp client of
        // its own: MinIO's default one reads every certificate named by SSL_CERT_FILE and SSL_CERT_DIR (hundreds on
        // Debian), which cost ~1.7 s of CPU at start-up for a client that never connects (issue 20, item 5).
        this.publicSigner = MinioAsyncClient.builder().endpoint(endpoint).region(s3.region()).credentials(s3.accessKey(), s3.secretKey())
                .httpClient(new OkHttpClient(), true).build();
        this.publicEndpoint = HttpUrl.get(endpoint);
        this.region = s3.region();
        this.accessKey = s3.accessKey();
        this.secretKey = s3.secretKey();
        this.bucket = s3.bucket();
    }

    /**
     * A URL a browser may PUT the object to until {@code ttl} passes, with {@code signedHeaders} (such as its
     * Content-Type and Content-Length) part of the signature, so a PUT with other values is refused by the store.
     * The MinIO client signs only the host of a presigned URL, hence the request is signed here with its signer.
     */
    public String put(String key, Duration ttl, Map<String, String> signedHeaders) {
        return put(publicEndpoint.newBuilder().addPathSegment(bucket).addPathSegments(key).build(), key, ttl, signedHeaders);
    }

    /**
     * A URL a browser may PUT part {@code partNumber} of multipart upload {@code uploadId} to until {@code ttl} passes
     * (S3's UploadPart: the upload id and part number are query parameters, signed like the rest of the URL), with
     * {@code signedHeaders} (such as the part's Content-Length) part of the signature.
     */
    public String putPart(String key, String uploadId, int partNumber, Duration ttl, Map<String, String> signedHeaders) {
        return put(publicEndpoint.newBuilder().addPathSegment(bucket).addPathSegments(key)
                .addQueryParameter("partNumber", Integer.toString(partNumber)).addQueryParameter("uploadId", uploadId).build(),
                key, ttl, signedHeaders);
    }

    private String put(HttpUrl url, String key, Duration ttl, Map<String, String> signedHeaders) {
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
    public String get(String key, Duration ttl, Map<String, String> overrides) {
        return get(publicSigner, bucket, key, ttl, overrides);
    }

    /** A GET of the object signed by {@code signer}, for the endpoint that signer was built for. */
    static String get(MinioAsyncClient signer, String bucket, String key, Duration ttl, Map<String, String> overrides) {
        try {
            return signer.getPresignedObjectUrl(GetPresignedObjectUrlArgs.builder().method(Http.Method.GET)
                    .bucket(bucket).object(key).expiry((int) ttl.toSeconds(), TimeUnit.SECONDS).extraQueryParams(overrides).build());
        }
        catch (MinioException ex) {
            throw new IllegalStateException("Cannot presign a download of " + key, ex);
        }
    }
}
