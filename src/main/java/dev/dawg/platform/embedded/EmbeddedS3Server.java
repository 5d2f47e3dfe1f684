package dev.dawg.platform.embedded;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;

/** An in-process S3 endpoint (S3Proxy) that stores objects as files in the data directory. */
final class EmbeddedS3Server implements EmbeddedServer {

    static final String ACCESS_KEY = "dawg-embedded";
    static final String SECRET_KEY = "dawg-embedded-secret-key";

    private final S3Proxy proxy;

    private EmbeddedS3Server(S3Proxy proxy) {
        this.proxy = proxy;
    }

    static EmbeddedS3Server start(Path directory) throws Exception {
        Files.createDirectories(directory);
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(new FilesystemNio2BlobStore(directory.toAbsolutePath().toString()))
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .build();
        proxy.start();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!"STARTED".equals(proxy.getState()) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return new EmbeddedS3Server(proxy);
    }

    @Override
    public Map<String, Object> connectionProperties() {
        return Map.of("dawg.s3.endpoint", "http://127.0.0.1:" + proxy.getPort(),
                "dawg.s3.access-key", ACCESS_KEY, "dawg.s3.secret-key", SECRET_KEY);
    }

    @Override
    public String summary() {
        return "Embedded S3 endpoint (S3Proxy) on http://127.0.0.1:" + proxy.getPort() + "; set DAWG_S3_ENDPOINT to use your own";
    }

    @Override
    public void close() throws Exception {
        proxy.stop();
    }
}
