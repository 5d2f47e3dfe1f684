package dev.dawg.assets;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.UUID;

import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

import dev.dawg.auth.CurrentUser;
import dev.dawg.platform.web.ApiProblem;
import dev.dawg.platform.web.Ids;

/**
 * A presigned upload's bytes PUT through this server rather than straight to the store, for clients that cannot send
 * the store's signed headers. The PUT is authorised by a key handed out for that one upload (a short-lived secret,
 * never the user's token: only its hash is stored, and it works while the upload is open), and is streamed to the
 * upload's staging key with the same limits as a streamed upload; completion is the presigned upload's.
 */
@Component
public class ServerPutUploads {

    /** The header carrying the key on the native route. */
    public static final String KEY_HEADER = "X-Upload-Key";

    private final SecureRandom random = new SecureRandom();
    private final UploadStore store;
    private final StreamedUploads streamed;
    private final AssetProperties properties;

    ServerPutUploads(UploadStore store, StreamedUploads streamed, AssetProperties properties) {
        this.store = store;
        this.streamed = streamed;
        this.properties = properties;
    }

    /** A key to PUT an upload's bytes with, until {@code expiresAt}. */
    public record PutKey(UUID uploadId, String key, Instant expiresAt) {
    }

    /** A new key for the caller's open presigned upload (an earlier key stops working); 404 for any other upload. */
    public Mono<PutKey> issueKey(CurrentUser caller, UUID uploadId) {
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        String key = "uk_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        return store.setPutKey(uploadId, caller.id(), sha256(key))
                .map(pending -> new PutKey(pending.id(), key, pending.expiresAt()))
                .switchIfEmpty(Mono.error(ServerPutUploads::notFound));
    }

    /** Streams the request's body into the upload the key opens (404 for a wrong key or an upload no longer open). */
    public Mono<Void> receive(ServerRequest request, UUID uploadId, String key) {
        if (key == null || key.isBlank() || key.length() > 200) {
            return Mono.error(notFound());
        }
        return store.findByPutKey(uploadId, sha256(key.strip()))
                .switchIfEmpty(Mono.error(ServerPutUploads::notFound))
                .flatMap(pending -> streamed.receiveIntoStaging(request, pending));
    }

    /** The largest body such a PUT may send. */
    public long maxBytes() {
        return properties.maxUploadSize().toBytes();
    }

    /** {@code POST /api/assets/uploads/{uploadId}/key}: {@code {uploadId, key, expiresAt, uploadUrl}}. */
    Mono<ServerResponse> key(ServerRequest request, CurrentUser user) {
        return Ids.parse(request.pathVariable("uploadId"), "Upload")
                .flatMap(uploadId -> issueKey(user, uploadId))
                .flatMap(issued -> ServerResponse.status(201).header(HttpHeaders.CACHE_CONTROL, "no-store")
                        .bodyValue(new NativeKey(issued.uploadId(), issued.key(), issued.expiresAt(),
                                "/api/assets/uploads/" + issued.uploadId() + "/content")));
    }

    /** The JSON body of a key on the native route. */
    record NativeKey(UUID uploadId, String key, Instant expiresAt, String uploadUrl) {
    }

    /** {@code PUT /api/assets/uploads/{uploadId}/content} with the key in {@link #KEY_HEADER} → 204. */
    Mono<ServerResponse> put(ServerRequest request) {
        return Ids.parse(request.pathVariable("uploadId"), "Upload")
                .flatMap(uploadId -> receive(request, uploadId, request.headers().firstHeader(KEY_HEADER)))
                .then(ServerResponse.noContent().build());
    }

    static String sha256(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        }
        catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static ApiProblem notFound() {
        return ApiProblem.notFound("Upload not found");
    }
}
