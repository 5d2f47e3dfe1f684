package dev.dawg.assets.storage;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.minio.Http;
import io.minio.MinioAsyncClient;
import io.netty.channel.ChannelOption;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;

import dev.dawg.platform.config.DawgProperties;

/** The HTTP clients that talk to the store, sized for many uploads and downloads at once. */
final class StorageClients {

    private StorageClients() {
    }

    /** MinIO's asynchronous client for every call but downloads. */
    static MinioAsyncClient minio(DawgProperties.S3 s3) {
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

    /** A client that only signs URLs for {@code endpoint} (with the region known, it never makes a request). */
    static MinioAsyncClient signer(String endpoint, DawgProperties.S3 s3) {
        return MinioAsyncClient.builder()
                .endpoint(endpoint)
                .region(s3.region())
                .credentials(s3.accessKey(), s3.secretKey())
                .build();
    }

    /**
     * The non-blocking client of downloads: the MinIO client hands out an {@code InputStream}, which would need a
     * thread per download.
     */
    static WebClient downloads(DawgProperties.S3 s3) {
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
}
