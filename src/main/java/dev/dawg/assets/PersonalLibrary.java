package dev.dawg.assets;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import reactor.core.publisher.Mono;

import org.springframework.stereotype.Service;

import dev.dawg.auth.CurrentUser;
import dev.dawg.platform.web.ApiProblem;

/**
 * A user's personal sample library: audio they own that belongs to no project, in their folders ({@link LibraryFolders}),
 * counted against their quota. Its assets are theirs alone: anyone else gets a 404.
 */
@Service
public class PersonalLibrary {

    /** Which of the library's assets a list shows: all of them, the top level's, or one folder's. */
    public record Filter(UUID folderId, boolean topLevel) {

        public static final Filter EVERYTHING = new Filter(null, false);
        public static final Filter TOP_LEVEL = new Filter(null, true);

        public static Filter folder(UUID folderId) {
            return new Filter(folderId, false);
        }
    }

    private final AssetStore store;
    private final LibraryFolders folders;

    PersonalLibrary(AssetStore store, LibraryFolders folders) {
        this.store = store;
        this.folders = folders;
    }

    /** Up to {@code limit} of the owner's library assets, newest first, before the keyset position if any; 404 for a folder not theirs. */
    public Mono<List<Asset>> list(UUID ownerId, Filter filter, Instant beforeCreated, UUID beforeId, int limit) {
        Mono<?> folder = filter.folderId() == null ? Mono.just(true) : folders.find(ownerId, filter.folderId());
        return folder.then(store.listPersonal(ownerId, filter.folderId(), filter.topLevel(), beforeCreated, beforeId, limit).collectList());
    }

    /** The asset, if it is in the owner's personal library; 404 otherwise (whoever else may read it). */
    public Mono<Asset> own(UUID ownerId, UUID assetId) {
        return store.findWithProject(assetId, null).map(AssetStore.AssetWithProject::asset)
                .filter(asset -> asset.inPersonalLibrary() && ownerId.equals(asset.ownerId()))
                .switchIfEmpty(Mono.error(AssetAccess::notFound));
    }

    /** A page of the owner's library assets by offset (newest first), and how many the whole list holds; 404 for a folder not theirs. */
    public Mono<OffsetPage> page(UUID ownerId, Filter filter, int limit, int offset) {
        Mono<?> folder = filter.folderId() == null ? Mono.just(true) : folders.find(ownerId, filter.folderId());
        return folder.then(store.pagePersonal(ownerId, filter.folderId(), filter.topLevel(), limit, offset).collectList()
                .zipWith(store.countPersonal(ownerId, filter.folderId(), filter.topLevel()), OffsetPage::new));
    }

    /** Assets of a library page, and the number of assets in the whole list. */
    public record OffsetPage(List<Asset> assets, long total) {
    }

    /**
     * Renames the caller's library asset ({@code filename} present; cleaned, with its format's extension) and/or moves
     * it into one of their folders ({@code move}; null folder: to the top level).
     */
    public Mono<Asset> update(CurrentUser caller, UUID assetId, Optional<String> filename, boolean move, UUID folderId) {
        Mono<?> folder = move && folderId != null
                ? folders.find(caller.id(), folderId).onErrorMap(ApiProblem.class, ex -> ApiProblem.validation("folderId", "is not one of your folders"))
                : Mono.just(true);
        return own(caller.id(), assetId)
                .flatMap(asset -> folder.then(store.updatePersonal(assetId, caller.id(),
                        filename.map(name -> Filenames.clean(name, asset.format())).orElse(null), move, folderId)))
                .switchIfEmpty(Mono.error(AssetAccess::notFound));
    }
}
