package dev.dawg.avatars;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.dawg.assets.storage.ObjectStorage;
import dev.dawg.support.Api;
import dev.dawg.support.IntegrationTest;

import static dev.dawg.support.Api.MAP;
import static dev.dawg.support.Api.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

@IntegrationTest
class AvatarIntegrationTests {

    @Autowired
    Api api;

    @Autowired
    ObjectStorage storage;

    private WebTestClient.ResponseSpec upload(String authorization, byte[] picture, MediaType type) {
        WebTestClient.RequestBodySpec request = api.http().put().uri("/api/auth/me/avatar").contentType(type);
        if (authorization != null) {
            request = request.header(authorization.startsWith("Bearer ") ? HttpHeaders.AUTHORIZATION : "X-API-Key", authorization);
        }
        return request.bodyValue(picture).exchange();
    }

    private byte[] thumbnail(String avatarUrl, String size) {
        return api.http().get().uri(avatarUrl + (size == null ? "" : (avatarUrl.contains("?") ? "&" : "?") + "size=" + size)).exchange()
                .expectStatus().isOk()
                .expectHeader().contentType(MediaType.IMAGE_PNG)
                .expectHeader().valueEquals("X-Content-Type-Options", "nosniff")
                .expectBody(byte[].class).returnResult().getResponseBody();
    }

    private boolean stored(UUID user, int size) {
        return storage.stat(Avatars.key(user, size)).blockOptional().isPresent();
    }

    @Test
    void shouldTurnAnUploadIntoThumbnailsEveryoneCanSeeOnTheProfile() {
        Api.User ada = api.signUp();
        // A JPEG sent as octet-stream: the content says what it is.
        Map<String, Object> account = upload(ada.bearer(), AvatarPictures.encoded(AvatarPictures.thirds(), "jpeg"),
                MediaType.APPLICATION_OCTET_STREAM).expectStatus().isOk().expectBody(MAP).returnResult().getResponseBody();
        String avatarUrl = (String) account.get("avatarUrl");
        assertThat(avatarUrl).matches("/api/users/" + ada.id() + "/avatar\\?v=[0-9a-f]{12}");

        BufferedImage large = AvatarPictures.decoded(thumbnail(avatarUrl, null));
        assertThat(large.getWidth()).isEqualTo(256);
        assertThat(large.getHeight()).isEqualTo(256);
        assertThat(AvatarPictures.decoded(thumbnail(avatarUrl, "64")).getWidth()).isEqualTo(64);

        api.http().get().uri("/api/users/" + ada.username()).exchange().expectStatus().isOk().expectBody(MAP)
                .value(profile -> assertThat(profile).containsEntry("avatarUrl", avatarUrl));

        // Cached by its ETag; the URL's version changes with the picture.
        String etag = api.http().get().uri(avatarUrl).exchange().expectStatus().isOk()
                .expectHeader().valueEquals(HttpHeaders.CACHE_CONTROL, "public, max-age=86400")
                .returnResult(byte[].class).getResponseHeaders().getETag();
        api.http().get().uri(avatarUrl).header(HttpHeaders.IF_NONE_MATCH, etag).exchange().expectStatus().isNotModified();
        String replaced = (String) upload(ada.bearer(), AvatarPictures.webp(), MediaType.valueOf("image/webp")).expectStatus().isOk()
                .expectBody(MAP).returnResult().getResponseBody().get("avatarUrl");
        assertThat(replaced).isNotEqualTo(avatarUrl).startsWith("/api/users/" + ada.id() + "/avatar?v=");
        api.http().get().uri(replaced).header(HttpHeaders.IF_NONE_MATCH, etag).exchange().expectStatus().isOk();
    }

    @Test
    void shouldRemoveTheThumbnailsAndForgetTheUrl() {
        Api.User ada = api.signUp();
        String avatarUrl = (String) upload(ada.bearer(), AvatarPictures.encoded(AvatarPictures.thirds(), "png"), MediaType.IMAGE_PNG)
                .expectStatus().isOk().expectBody(MAP).returnResult().getResponseBody().get("avatarUrl");
        assertThat(stored(ada.id(), 256)).isTrue();

        api.http().delete().uri("/api/auth/me/avatar").header(HttpHeaders.AUTHORIZATION, ada.bearer()).exchange()
                .expectStatus().isOk().expectBody(MAP).value(account -> assertThat(account).containsEntry("avatarUrl", null));

        assertThat(stored(ada.id(), 256)).isFalse();
        assertThat(stored(ada.id(), 64)).isFalse();
        assertProblem(api.http().get().uri(avatarUrl).exchange(), 404, "NOT_FOUND");
        // Again: nothing to remove, still fine.
        api.http().delete().uri("/api/auth/me/avatar").header(HttpHeaders.AUTHORIZATION, ada.bearer()).exchange().expectStatus().isOk();
    }

    @Test
    void shouldLeaveAnAvatarElsewhereAloneOnRemove() {
        Api.User ada = api.signUp();
        api.http().patch().uri("/api/auth/me").header(HttpHeaders.AUTHORIZATION, ada.bearer()).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("avatarUrl", "https://cdn.example.test/ada.png")).exchange().expectStatus().isOk();
        api.http().delete().uri("/api/auth/me/avatar").header(HttpHeaders.AUTHORIZATION, ada.bearer()).exchange()
                .expectStatus().isOk().expectBody(MAP)
                .value(account -> assertThat(account).containsEntry("avatarUrl", "https://cdn.example.test/ada.png"));
    }

    @Test
    void shouldRefuseWhatIsNotAnAcceptablePictureAndKeepTheAvatarItHad() {
        Api.User ada = api.signUp();
        String avatarUrl = (String) upload(ada.bearer(), AvatarPictures.encoded(AvatarPictures.thirds(), "png"), MediaType.IMAGE_PNG)
                .expectStatus().isOk().expectBody(MAP).returnResult().getResponseBody().get("avatarUrl");
        byte[] before = thumbnail(avatarUrl, null);

        assertProblem(upload(ada.bearer(), "<svg xmlns=\"http://www.w3.org/2000/svg\"/>".getBytes(), MediaType.IMAGE_PNG), 415,
                "UNSUPPORTED_MEDIA_TYPE");
        assertProblem(upload(ada.bearer(), AvatarPictures.encoded(AvatarPictures.thirds(), "gif"), MediaType.IMAGE_GIF), 415,
                "UNSUPPORTED_MEDIA_TYPE");
        assertProblem(upload(ada.bearer(), AvatarPictures.pngClaiming(30_000, 30_000), MediaType.IMAGE_PNG), 422, "UNPROCESSABLE");
        byte[] png = AvatarPictures.encoded(AvatarPictures.thirds(), "png");
        assertProblem(upload(ada.bearer(), java.util.Arrays.copyOf(png, png.length / 2), MediaType.IMAGE_PNG), 422, "UNPROCESSABLE");
        // Over 5 MB: refused, whatever it is.
        assertProblem(upload(ada.bearer(), new byte[5 * 1024 * 1024 + 1], MediaType.IMAGE_PNG), 413, "PAYLOAD_TOO_LARGE");
        assertProblem(upload(ada.bearer(), new byte[0], MediaType.IMAGE_PNG), 400, "MALFORMED_REQUEST");

        api.http().get().uri("/api/auth/me").header(HttpHeaders.AUTHORIZATION, ada.bearer()).exchange().expectBody(MAP)
                .value(account -> assertThat(account).containsEntry("avatarUrl", avatarUrl));
        assertThat(thumbnail(avatarUrl, null)).isEqualTo(before);
    }

    @Test
    void shouldLetOnlyTheSignedInAccountChangeItsAvatar() {
        Api.User ada = api.signUp();
        byte[] png = AvatarPictures.encoded(AvatarPictures.thirds(), "png");
        assertProblem(upload(null, png, MediaType.IMAGE_PNG), 401, "UNAUTHORIZED");
        String key = api.createApiKey(ada, List.of("projects:read", "projects:write", "assets:read", "assets:write", "social:write"));
        assertProblem(upload(key, png, MediaType.IMAGE_PNG), 403, "INSUFFICIENT_SCOPE");
        assertProblem(api.http().delete().uri("/api/auth/me/avatar").header("X-API-Key", key).exchange(), 403, "INSUFFICIENT_SCOPE");
        assertThat(stored(ada.id(), 256)).isFalse();
    }

    @Test
    void shouldAnswer404ForNoAvatarAndRefuseOtherSizes() {
        Api.User ada = api.signUp();
        assertProblem(api.http().get().uri("/api/users/" + ada.id() + "/avatar").exchange(), 404, "NOT_FOUND");
        assertProblem(api.http().get().uri("/api/users/not-an-id/avatar").exchange(), 404, "NOT_FOUND");
        assertProblem(api.http().get().uri("/api/users/" + ada.id() + "/avatar?size=1024").exchange(), 400, "VALIDATION_FAILED");
    }
}
