package dev.dawg.assets.system;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import reactor.core.publisher.Mono;

import org.springframework.stereotype.Service;
import org.springframework.web.reactive.function.server.ServerRequest;

import dev.dawg.assets.LibraryEntry;
import dev.dawg.assets.StreamedUploads;
import dev.dawg.auth.CurrentUser;
import dev.dawg.platform.persistence.SqlErrors;
import dev.dawg.platform.ratelimit.RateLimit;
import dev.dawg.platform.ratelimit.RateLimitDecision;
import dev.dawg.platform.ratelimit.RateLimiter;
import dev.dawg.platform.web.ApiProblem;

import tools.jackson.databind.node.ObjectNode;

/**
 * The built-in sample library as a service: its samples with their metadata, categories and packs, usage counts,
 * and what administrators do to it. Everyone sees active samples and packs; administrators see all and change
 * them (403 for anyone else). The native routes and the DAWG client's dialect both call this.
 */
@Service
public class SystemLibrary {

    /** Kinds of use the client reports. */
    public static final Set<String> USAGE_TYPES = Set.of("loaded", "used_in_project", "exported");
    /** Uses one user may report a minute: a project opening loads many samples at once, a loop reporting forever does not. */
    static final int USES_PER_MINUTE = 300;

    private final SystemLibraryStore store;
    private final SampleLibrary seeds;
    private final StreamedUploads uploads;
    private final RateLimiter rateLimiter;

    SystemLibrary(SystemLibraryStore store, SampleLibrary seeds, StreamedUploads uploads, RateLimiter rateLimiter) {
        this.store = store;
        this.seeds = seeds;
        this.uploads = uploads;
        this.rateLimiter = rateLimiter;
    }

    /** Which samples to list; {@code category} a slug. Inactive samples are listed to administrators only. */
    public record SampleQuery(String category, UUID pack, Boolean featured) {
    }

    /** A page of samples and how many there are in all. */
    public record Page<T>(List<T> items, long total) {
    }

    public Mono<List<SystemSample>> samples(SampleQuery query, Optional<CurrentUser> caller, int limit, int offset) {
        return seeds.ready().then(store.samples(filter(query, caller), limit, offset).collectList());
    }

    public Mono<Page<SystemSample>> samplePage(SampleQuery query, Optional<CurrentUser> caller, int limit, int offset) {
        SystemLibraryStore.SampleFilter filter = filter(query, caller);
        return seeds.ready().then(store.samples(filter, limit, offset).collectList()
                .zipWith(store.countSamples(filter), Page::new));
    }

    private static SystemLibraryStore.SampleFilter filter(SampleQuery query, Optional<CurrentUser> caller) {
        return new SystemLibraryStore.SampleFilter(query.category(), query.pack(), query.featured(), caller.map(CurrentUser::isAdmin).orElse(false));
    }

    /** A sample; 404 when there is none, or it is inactive and the caller no administrator. */
    public Mono<SystemSample> sample(UUID id, Optional<CurrentUser> caller) {
        boolean admin = caller.map(CurrentUser::isAdmin).orElse(false);
        return store.sample(id).filter(sample -> sample.active() || admin).switchIfEmpty(Mono.error(() -> ApiProblem.notFound("Sample not found")));
    }

    /** Changes a sample's metadata (administrators). */
    public Mono<SystemSample> describe(UUID id, Changes.Sample change, CurrentUser caller) {
        return asAdmin(caller, () -> checkReferences(change)
                .then(store.describe(id, change).onErrorMap(SqlErrors::isForeignKeyViolation, SystemLibrary::referenceGone))
                .switchIfEmpty(Mono.error(() -> ApiProblem.notFound("Sample not found")))
                .flatMap(changed -> store.sample(changed)));
    }

    /** Removes a sample from the library (administrators): its row now, its object by the cleanup. */
    public Mono<Void> remove(UUID id, CurrentUser caller) {
        return asAdmin(caller, () -> store.removeSample(id).flatMap(removed -> removed ? Mono.<Void>empty() : Mono.error(ApiProblem.notFound("Sample not found"))));
    }

    /**
     * An administrator's upload into the library, its metadata in the form fields ({@code form} turns them into a
     * sample change; {@code category} required): nothing is kept when the fields or the file are refused.
     */
    public Mono<SystemSample> upload(ServerRequest request, CurrentUser caller,
            java.util.function.Function<Map<String, String>, Mono<ObjectNode>> form) {
        return uploads.uploadToSystemLibrary(request, caller, fields -> form.apply(fields).map(Changes.Sample::parse).flatMap(this::entry))
                .flatMap(asset -> store.sample(asset.id()));
    }

    private Mono<LibraryEntry.Checked> entry(Changes.Sample change) {
        if (change.category() == null) {
            return Mono.error(ApiProblem.validation("category", "is required: the slug of one of the library's categories"));
        }
        return checkReferences(change).thenReturn(new LibraryEntry.Checked() {
            @Override
            public String category() {
                return change.category();
            }

            @Override
            public Mono<Void> record(UUID assetId) {
                // The asset exists now; if its metadata cannot be recorded, it goes again (its object with it).
                return store.describe(assetId, change).then()
                        .onErrorResume(failure -> store.removeSample(assetId).onErrorResume(ex -> Mono.empty())
                                .then(Mono.error(SqlErrors.isForeignKeyViolation(failure) ? referenceGone(failure) : failure)));
            }
        });
    }

    /** 400 when the change names a category or pack the library does not have. */
    private Mono<Void> checkReferences(Changes.Sample change) {
        Mono<Void> category = change.category() == null ? Mono.empty() : store.categoryBySlug(change.category())
                .switchIfEmpty(Mono.error(() -> ApiProblem.validation("category", "is not one of the library's categories"))).then();
        Mono<Void> pack = change.pack() == null || change.pack().isEmpty() ? Mono.empty() : store.pack(change.pack().get())
                .switchIfEmpty(Mono.error(() -> ApiProblem.validation("pack", "is not one of the library's packs"))).then();
        return category.then(pack);
    }

    private static ApiProblem referenceGone(Throwable failure) {
        return ApiProblem.conflict("The category or pack named was removed meanwhile; try again");
    }

    /** Counts one use of a sample by the caller ({@link #USAGE_TYPES}); the sample's new total. Rate-limited per user. */
    public Mono<Long> countUse(UUID id, String usageType, UUID projectId, CurrentUser caller) {
        if (!USAGE_TYPES.contains(usageType)) {
            return Mono.error(ApiProblem.validation("usageType", "must be one of loaded, used_in_project, exported"));
        }
        return sample(id, Optional.of(caller))
                .then(rateLimiter.consume(List.of(new RateLimit("sample-uses:user:" + caller.id(), USES_PER_MINUTE, Duration.ofMinutes(1)))))
                .flatMap((RateLimitDecision decision) -> store.countUse(id, caller.id(), usageType, projectId))
                .switchIfEmpty(Mono.error(() -> ApiProblem.notFound("Sample not found")));
    }

    /** What an administrator's change on an id aims at. */
    public enum Target {
        SAMPLE, PACK, CATEGORY
    }

    /**
     * The id, when an administrator aims at it; for anyone else 404 when there is no such thing (a random id says
     * nothing) and 403 when there is. Called before a change's body is read, so a refusal does not depend on it.
     */
    public Mono<UUID> adminTarget(Target target, UUID id, CurrentUser caller) {
        if (caller.isAdmin()) {
            return Mono.just(id);
        }
        Mono<?> found = switch (target) {
            case SAMPLE -> store.sample(id).filter(SystemSample::active);
            case PACK -> store.pack(id).filter(Pack::active);
            case CATEGORY -> store.category(id);
        };
        return found.hasElement().flatMap(exists -> Mono.error(exists ? ApiProblem.forbidden("Only administrators change the sample library")
                : ApiProblem.notFound(switch (target) {
                    case SAMPLE -> "Sample not found";
                    case PACK -> "Pack not found";
                    case CATEGORY -> "Category not found";
                })));
    }

    /** Runs {@code action} for an administrator; 403 for anyone else. */
    private static <T> Mono<T> asAdmin(CurrentUser caller, java.util.function.Supplier<Mono<T>> action) {
        return Mono.fromCallable(caller::requireAdmin).then(Mono.defer(action));
    }

    // ---- categories

    public Mono<List<Category>> categories() {
        return seeds.ready().then(store.categories().collectList());
    }

    public Mono<Category> category(UUID id) {
        return store.category(id).switchIfEmpty(Mono.error(() -> ApiProblem.notFound("Category not found")));
    }

    public Mono<Category> createCategory(Changes.Category change, CurrentUser caller) {
        return asAdmin(caller, () -> store.createCategory(change)
                .onErrorMap(ex -> SqlErrors.uniqueViolation(ex).isPresent(), ex -> ApiProblem.conflict("A category with this slug exists"))
                .switchIfEmpty(Mono.error(() -> ApiProblem.conflict("The library has " + SystemLibraryStore.MAX_CATEGORIES
                        + " categories, its most; remove one first")))
                .flatMap(store::category));
    }

    public Mono<Category> updateCategory(UUID id, Changes.Category change, CurrentUser caller) {
        return asAdmin(caller, () -> store.updateCategory(id, change)
                .onErrorMap(ex -> SqlErrors.uniqueViolation(ex).isPresent(), ex -> ApiProblem.conflict("A category with this slug exists"))
                .switchIfEmpty(Mono.error(() -> ApiProblem.notFound("Category not found")))
                .flatMap(store::category));
    }

    /** Deletes an empty category; 409 while samples are in it. */
    public Mono<Void> deleteCategory(UUID id, CurrentUser caller) {
        return asAdmin(caller, () -> store.deleteCategory(id)
                // The only integrity rule a category's deletion can break: samples still name it (V18, ON DELETE RESTRICT).
                .onErrorMap(org.springframework.dao.DataIntegrityViolationException.class,
                        ex -> ApiProblem.conflict("The category still has samples; move or remove them first"))
                .flatMap(deleted -> deleted ? Mono.<Void>empty() : Mono.error(ApiProblem.notFound("Category not found"))));
    }

    // ---- packs

    public Mono<Page<Pack>> packs(Optional<CurrentUser> caller, int limit, int offset) {
        boolean all = caller.map(CurrentUser::isAdmin).orElse(false);
        return store.packs(all, limit, offset).collectList().zipWith(store.countPacks(all), Page::new);
    }

    /** A pack; 404 when there is none, or it is inactive and the caller no administrator. */
    public Mono<Pack> pack(UUID id, Optional<CurrentUser> caller) {
        boolean admin = caller.map(CurrentUser::isAdmin).orElse(false);
        return store.pack(id).filter(pack -> pack.active() || admin).switchIfEmpty(Mono.error(() -> ApiProblem.notFound("Pack not found")));
    }

    public Mono<Pack> createPack(Changes.Pack change, CurrentUser caller) {
        return asAdmin(caller, () -> checkCategory(change).then(store.createPack(change))
                .onErrorMap(ex -> SqlErrors.uniqueViolation(ex).isPresent(), ex -> ApiProblem.conflict("A pack with this slug exists"))
                .onErrorMap(SqlErrors::isForeignKeyViolation, SystemLibrary::referenceGone)
                .switchIfEmpty(Mono.error(() -> ApiProblem.conflict("The library has " + SystemLibraryStore.MAX_PACKS + " packs, its most")))
                .flatMap(store::pack));
    }

    public Mono<Pack> updatePack(UUID id, Changes.Pack change, CurrentUser caller) {
        return asAdmin(caller, () -> checkCategory(change).then(store.updatePack(id, change))
                .onErrorMap(ex -> SqlErrors.uniqueViolation(ex).isPresent(), ex -> ApiProblem.conflict("A pack with this slug exists"))
                .onErrorMap(SqlErrors::isForeignKeyViolation, SystemLibrary::referenceGone)
                .switchIfEmpty(Mono.error(() -> ApiProblem.notFound("Pack not found")))
                .flatMap(store::pack));
    }

    public Mono<Void> deletePack(UUID id, CurrentUser caller) {
        return asAdmin(caller, () -> store.deletePack(id).flatMap(deleted -> deleted ? Mono.<Void>empty() : Mono.error(ApiProblem.notFound("Pack not found"))));
    }

    private Mono<Void> checkCategory(Changes.Pack change) {
        return change.category() == null || change.category().isEmpty() ? Mono.empty() : store.category(change.category().get())
                .switchIfEmpty(Mono.error(() -> ApiProblem.validation("category", "is not one of the library's categories"))).then();
    }
}
