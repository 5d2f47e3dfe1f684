package dev.dawg.avatars;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.stereotype.Component;

import dev.dawg.assets.storage.ObjectStorage;
import dev.dawg.users.UserAccount;
import dev.dawg.users.UserAccounts;

/**
 * Each user's avatar: its thumbnails live in object storage under {@code avatars/{user}/{size}.png} (one object per
 * size and user, replaced by the next upload, so nothing is left behind), and the account's {@code avatarUrl} names
 * this server's URL of them with a version for caches.
 */
@Component
class Avatars {

    private static final String PREFIX = "avatars/";

    private final ObjectStorage storage;
    private final UserAccounts accounts;

    Avatars(ObjectStorage storage, UserAccounts accounts) {
        this.storage = storage;
        this.accounts = accounts;
        AvatarImages.prepareImageIo();
    }

    /** Makes {@code upload} the user's avatar and answers the updated account. */
    Mono<UserAccount> replace(UUID userId, byte[] upload) {
        return Mono.fromCallable(() -> AvatarImages.thumbnails(upload))
                // Decoding and scaling are CPU work that blocks: never on an event loop.
                .subscribeOn(Schedulers.boundedElastic())
                .flatMap(thumbnails -> Flux.fromIterable(thumbnails.entrySet())
                        .concatMap(thumbnail -> storage.put(key(userId, thumbnail.getKey()), thumbnail.getValue(),
                                thumbnail.getValue().length, "image/png"))
                        .then(Mono.fromSupplier(() -> url(userId) + "?v=" + version(thumbnails.get(AvatarImages.SIZES.get(0))))))
                .flatMap(url -> accounts.updateProfile(userId, Map.of("avatar_url", url)));
    }

    /**
     * Removes the user's avatar: the account forgets it (unless it names a picture elsewhere, set by a PATCH of the
     * account) and the thumbnails go.
     */
    Mono<UserAccount> remove(UUID userId) {
        return accounts.findById(userId)
                .flatMap(account -> {
                    if (account.avatarUrl() == null || !account.avatarUrl().startsWith(url(userId))) {
                        return Mono.just(account);
                    }
                    Map<String, Object> cleared = new HashMap<>();
                    cleared.put("avatar_url", null);
                    return accounts.updateProfile(userId, cleared);
                })
                .flatMap(account -> Flux.fromIterable(AvatarImages.SIZES).concatMap(size -> storage.remove(key(userId, size)))
                        .then(Mono.just(account)));
    }

    /** The stored thumbnail of {@code size}, if the user has an avatar. */
    Mono<ObjectStorage.StoredObject> thumbnail(UUID userId, int size) {
        return storage.stat(key(userId, size));
    }

    static String url(UUID userId) {
        return "/api/users/" + userId + "/avatar";
    }

    static String key(UUID userId, int size) {
        return PREFIX + userId + "/" + size + ".png";
    }

    private static String version(byte[] thumbnail) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(thumbnail), 0, 6);
        }
        catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException(impossible);
        }
    }
}
