package dev.dawg.avatars;

import java.util.Optional;
import java.util.UUID;

import reactor.core.publisher.Mono;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

import dev.dawg.assets.storage.ObjectStorage;
import dev.dawg.auth.AccountView;
import dev.dawg.auth.CurrentUser;
import dev.dawg.platform.web.ApiProblem;

/** {@code PUT}/{@code DELETE /api/auth/me/avatar} and {@code GET /api/users/{id}/avatar}. */
@Component
class AvatarHandler {

    private final Avatars avatars;
    private final AccountView accounts;
    private final ObjectStorage storage;

    AvatarHandler(Avatars avatars, AccountView accounts, ObjectStorage storage) {
        this.avatars = avatars;
        this.accounts = accounts;
        this.storage = storage;
    }

    /** The body is the picture itself (any type header: the content says what it is); answers the account. */
    Mono<ServerResponse> upload(ServerRequest request, CurrentUser user) {
        long declared = request.headers().contentLength().orElse(-1);
        if (declared > AvatarImages.MAX_BYTES) {
            return Mono.error(tooLarge());
        }
        return DataBufferUtils.join(request.bodyToFlux(DataBuffer.class), (int) AvatarImages.MAX_BYTES)
                .onErrorMap(DataBufferLimitException.class, ex -> tooLarge())
                .map(AvatarHandler::bytes)
                .switchIfEmpty(Mono.error(() -> ApiProblem.malformed("The request body is empty; send the picture")))
                .flatMap(picture -> avatars.replace(user.id(), picture))
                .flatMap(account -> ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(accounts.of(account)));
    }

    Mono<ServerResponse> delete(ServerRequest request, CurrentUser user) {
        return avatars.remove(user.id())
                .flatMap(account -> ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(accounts.of(account)));
    }

    /** Public, as the profile is: {@code ?size=64|256} (256 when not given). */
    Mono<ServerResponse> thumbnail(ServerRequest request) {
        UUID userId = userId(request);
        int size = size(request.queryParam("size"));
        return avatars.thumbnail(userId, size)
                .switchIfEmpty(Mono.error(() -> ApiProblem.notFound("This user has no avatar")))
                .flatMap(object -> {
                    String etag = "\"" + object.etag() + "\"";
                    if (etag.equals(request.headers().firstHeader(HttpHeaders.IF_NONE_MATCH))) {
                        return ServerResponse.status(HttpStatus.NOT_MODIFIED).eTag(etag).build();
                    }
                    return ServerResponse.ok().contentType(MediaType.IMAGE_PNG).contentLength(object.size()).eTag(etag)
                            // The URL the account names carries a version; a cache may keep what it got a day.
                            .header(HttpHeaders.CACHE_CONTROL, "public, max-age=86400")
                            .header("X-Content-Type-Options", "nosniff")
                            .body(BodyInserters.fromDataBuffers(storage.stream(object.key(), 0, object.size())));
                });
    }

    private static UUID userId(ServerRequest request) {
        try {
            return UUID.fromString(request.pathVariable("id"));
        }
        catch (IllegalArgumentException notAnId) {
            throw ApiProblem.notFound("No such user");
        }
    }

    private static int size(Optional<String> asked) {
        if (asked.isEmpty()) {
            return AvatarImages.SIZES.get(0);
        }
        return AvatarImages.SIZES.stream().filter(size -> String.valueOf(size).equals(asked.get().trim())).findFirst()
                .orElseThrow(() -> ApiProblem.validation("size", "must be one of " + AvatarImages.SIZES));
    }

    private static byte[] bytes(DataBuffer buffer) {
        try {
            byte[] bytes = new byte[buffer.readableByteCount()];
            buffer.read(bytes);
            return bytes;
        }
        finally {
            DataBufferUtils.release(buffer);
        }
    }

    private static ApiProblem tooLarge() {
        return ApiProblem.payloadTooLarge("An avatar is at most " + AvatarImages.MAX_BYTES / (1024 * 1024) + " MB");
    }
}
