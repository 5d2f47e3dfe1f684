package dev.dawg.assets;

import java.util.Optional;

import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;

import dev.dawg.auth.CurrentUser;
import dev.dawg.platform.web.ApiProblem;
import dev.dawg.platform.web.Ids;
import dev.dawg.sharing.AccessLevel;
import dev.dawg.sharing.ProjectAccess;
import dev.dawg.sharing.Visibility;

/**
 * Who may see and delete an asset, by the project's access rule ({@link ProjectAccess#decide}): an asset is
 * readable exactly when its project is, and someone else's private asset is a 404 like its project. Library
 * assets are readable by anyone and deleted by administrators. The routes resolve the caller and check the API
 * key's scope ({@code assets:read} to read, {@code assets:write} to delete). An asset in a user's personal library is
 * theirs alone: anyone else gets a 404. Derived outputs (peaks, previews in {@code dev.dawg.processing}) are read under
 * the same rule.
 */
@Component
public class AssetAccess {

    private final AssetStore store;
    private final ProjectAccess access;

    AssetAccess(AssetStore store, ProjectAccess access) {
        this.store = store;
        this.access = access;
    }

    /** The asset named by the {@code id} path variable, if the caller may read it; 404 otherwise. */
    public Mono<Asset> readable(ServerRequest request, Optional<CurrentUser> caller) {
        return find(request).map(found -> {
            grant(found, caller);
            return found.asset();
        });
    }

    /**
     * The asset named by the {@code id} path variable for a caller who holds its id: a personal-library file is
     * readable by whoever presents its id (a random UUID, listed to its owner alone, as a capability URL); project and
     * system-library files keep their rule ({@link #readable}). Only the DAWG client's dialect uses it: that client
     * builds a sample's URL from its id and fetches it without credentials (buffer loading, waveforms, audio
     * elements, the publish render), as it did DAWG's public CDN URLs.
     */
    Mono<Asset> readableByItsId(ServerRequest request, Optional<CurrentUser> caller) {
        return find(request).map(found -> {
            if (!found.asset().inPersonalLibrary()) {
                grant(found, caller);
            }
            return found.asset();
        });
    }

    /** The asset, if the signed-in caller may delete it: the project's owner, or its uploader while they may edit. */
    Mono<Asset> deletable(ServerRequest request, CurrentUser caller) {
        return find(request).map(found -> {
            Optional<ProjectAccess.Grant> grant = grant(found, Optional.of(caller));
            Asset asset = found.asset();
            if (asset.inPersonalLibrary()) {
                return asset; // readable means it is the caller's own
            }
            if (grant.isEmpty()) {
                caller.requireAdmin();
            }
            else if (!grant.get().isOwner() && !(caller.id().equals(asset.ownerId()) && grant.get().allows(AccessLevel.EDIT))) {
                throw ApiProblem.forbidden("Only the project's owner or the asset's uploader may delete it");
            }
            return asset;
        });
    }

    /** The asset named by the {@code id} path variable with its project's facts, whoever asks; 404 when there is none. */
    private Mono<AssetStore.AssetWithProject> find(ServerRequest request) {
        return Ids.parse(request.pathVariable("id"), "Asset")
                .flatMap(id -> store.findWithProject(id, ProjectAccess.shareToken(request)))
                .switchIfEmpty(Mono.error(AssetAccess::notFound));
    }

    /**
     * The caller's grant on the asset's project; empty for a library asset. Throws 404 (or 410) without read access,
     * and 404 for someone else's personal library asset.
     */
    private Optional<ProjectAccess.Grant> grant(AssetStore.AssetWithProject found, Optional<CurrentUser> caller) {
        Asset asset = found.asset();
        if (asset.inPersonalLibrary()) {
            if (caller.map(CurrentUser::id).filter(asset.ownerId()::equals).isEmpty()) {
                throw notFound();
            }
            return Optional.empty();
        }
        if (asset.inSystemLibrary()) {
            return Optional.empty();
        }
        if (found.projectDeleted() || found.projectOwner() == null) {
            throw notFound();
        }
        try {
            return Optional.of(access.decide(caller, asset.projectId(), found.projectOwner(),
                    Visibility.parse(found.visibility()).orElseThrow(), found.share()));
        }
        catch (ApiProblem problem) {
            throw problem.status() == HttpStatus.NOT_FOUND ? notFound() : problem;
        }
    }

    static ApiProblem notFound() {
        return ApiProblem.notFound("Asset not found");
    }
}
