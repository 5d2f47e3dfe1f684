package dev.dawg.platform.embedded;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Field;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Map;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.gaul.shaded.org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.gaul.shaded.org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.gaul.shaded.org.eclipse.jetty.server.Server;

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
        FilesystemNio2BlobStore blobs = new FilesystemNio2BlobStore(directory.toAbsolutePath().toString());
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(blobs)
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .build();
        readEveryRequestBodyToItsEnd(proxy, blobs);
        proxy.start();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!"STARTED".equals(proxy.getState()) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return new EmbeddedS3Server(proxy);
    }

    /**
     * S3Proxy answers a refused PUT (a bad signature, a type or length other than the signed ones) before it reads the
     * body, after it has already sent {@code 100 Continue}; Jetty then closes the connection with the body still
     * arriving, and the reset that follows loses the refusal, or the next request on the connection, in the client
     * (about one PUT in six here). Reading the rest of the body after S3Proxy has answered keeps the connection whole,
     * as S3 and MinIO do. S3Proxy offers no hook for this, so the filter goes on its Jetty server by reflection; the
     * store listens on 127.0.0.1 only, so reading a body to its end is no exposure.
     */
    private static void readEveryRequestBodyToItsEnd(S3Proxy proxy, FilesystemNio2BlobStore blobs) throws ReflectiveOperationException {
        Field serverField = S3Proxy.class.getDeclaredField("server");
        serverField.setAccessible(true);
        ServletContextHandler context = ((Server) serverField.get(proxy)).getDescendant(ServletContextHandler.class);
        context.addFilter(new FilterHolder(new ReadBodyToEnd(blobs)), "/*", EnumSet.of(DispatcherType.REQUEST));
    }

    private static final class ReadBodyToEnd implements Filter {

        private final FilesystemNio2BlobStore blobs;

        ReadBodyToEnd(FilesystemNio2BlobStore blobs) {
            this.blobs = blobs;
        }

        @Override
        public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain) throws IOException, ServletException {
            if (isPartOfNoUpload((HttpServletRequest) request)) {
                noSuchUpload((HttpServletResponse) response);
            }
            else {
                chain.doFilter(request, response);
            }
            request.getInputStream().transferTo(OutputStream.nullOutputStream());
        }

        /**
         * S3Proxy's filesystem store takes a part (UploadPart) for any upload id, and keeps it as a hidden file that
         * nothing lists or removes, where S3 and MinIO answer 404 {@code NoSuchUpload} once the upload was completed or
         * aborted (a resumable upload's part URL may still be PUT to then). The upload's stub tells whether it is open.
         */
        private boolean isPartOfNoUpload(HttpServletRequest request) {
            String uploadId = request.getParameter("uploadId");
            if (!"PUT".equals(request.getMethod()) || uploadId == null || request.getParameter("partNumber") == null) {
                return false;
            }
            String path = request.getRequestURI().startsWith("/") ? request.getRequestURI().substring(1) : request.getRequestURI();
            int slash = path.indexOf('/');
            String bucket = slash < 0 ? path : path.substring(0, slash);
            try {
                return blobs.listMultipartUploads(bucket).stream().noneMatch(upload -> uploadId.equals(upload.uploadId()));
            }
            catch (RuntimeException ex) {
                return false; // no such bucket: S3Proxy answers as it does
            }
        }

        private static void noSuchUpload(HttpServletResponse response) throws IOException {
            response.setStatus(HttpServletResponse.SC_NOT_FOUND);
            response.setContentType("application/xml");
            response.getOutputStream().write(("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>NoSuchUpload</Code>"
                    + "<Message>The specified multipart upload does not exist.</Message></Error>").getBytes(StandardCharsets.UTF_8));
        }
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
