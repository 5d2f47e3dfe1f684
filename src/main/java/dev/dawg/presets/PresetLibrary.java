package dev.dawg.presets;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import reactor.core.publisher.Mono;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.stereotype.Component;

import dev.dawg.auth.CurrentUser;
import dev.dawg.platform.web.ApiProblem;
import dev.dawg.platform.web.JsonBodies.ObjectWithRawMember;
import dev.dawg.platform.web.Pages;

/**
 * The preset library for clients that page by number and speak other names (the DAWG client's dialect): the same
 * validation, access rule, limits and write budget as {@code /api/presets}, answering the native views
 * ({@code summary} and {@code full} members: type, engine, data, downloadCount, ratingAverage, ...) as maps.
 */
@Component
public class PresetLibrary {

    /** Sorts of a page by number. */
    public enum Order {
        RECENT(PresetQuery.Sort.RECENT), DOWNLOADS(PresetQuery.Sort.DOWNLOADS), RATING(PresetQuery.Sort.RATING),
        POPULAR(PresetQuery.Sort.POPULAR);

        private final PresetQuery.Sort sort;

        Order(PresetQuery.Sort sort) {
            this.sort = sort;
        }
    }

    /**
     * The filters of a page by number; null for none. {@code ownerId} the caller's own lists all their presets,
     * private ones included; {@code isPublic} keeps public (true) or private (false) ones only.
     */
    public record Listing(UUID ownerId, Boolean isPublic, String type, String engine, String category, String genre, List<String> tags,
            String search, boolean featured, Order order, boolean ascending) {

        PresetQuery.Sort sort() {
            return order.sort;
        }
    }

    /** Native views (without data in lists, with it in downloads) and how many the filters keep in all. */
    public record Page(List<Map<String, Object>> items, long total) {
    }

    private final PresetStore store;
    private final PresetHandler presets;

    PresetLibrary(PresetStore store, PresetHandler presets) {
        this.store = store;
        this.presets = presets;
    }

    public Mono<Page> page(Listing listing, Optional<CurrentUser> caller, int limit, int offset) {
        if (offset < 0 || offset > Pages.MAX_OFFSET) {
            return Mono.error(ApiProblem.validation("page", "is too deep; narrow the list instead"));
        }
        return Mono.fromCallable(() -> PresetQuery.listing(listing, caller.map(CurrentUser::id).orElse(null)))
                .flatMap(query -> store.page(query, limit, offset).map(Preset::summary).collectList()
                        .zipWith(store.count(query), Page::new));
    }

    /** The body in native members ({@code data} kept raw); answers the full view. */
    public Mono<Map<String, Object>> create(CurrentUser caller, ObjectWithRawMember body) {
        return Mono.fromCallable(() -> PresetInput.draft(body))
                .flatMap(draft -> presets.spend(caller).flatMap(decision -> store.create(caller.id(), draft)))
                .map(Preset::full);
    }

    /** What {@code caller} (or anyone) may read: 404 for a private preset of someone else. */
    public Mono<Map<String, Object>> get(UUID id, Optional<CurrentUser> caller) {
        UUID callerId = caller.map(CurrentUser::id).orElse(null);
        return store.find(id, callerId).filter(preset -> PresetHandler.readable(preset, callerId))
                .switchIfEmpty(Mono.error(PresetHandler::notFound))
                .map(Preset::full);
    }

    /** The owner changes the native members the body names (404, 403 before the body is looked at). */
    public Mono<Map<String, Object>> change(UUID id, CurrentUser caller, ObjectWithRawMember body) {
        return presets.owned(id, caller, "change")
                .flatMap(preset -> Mono.fromCallable(() -> PresetInput.change(body))
                        .flatMap(change -> change.isEmpty() ? Mono.error(ApiProblem.validation("body",
                                "name at least one of name, description, category, genre, tags, isPublic, data"))
                                : presets.spend(caller).flatMap(decision -> store.change(preset.id(), caller.id(), change)))
                        .switchIfEmpty(Mono.error(PresetHandler::notFound)))
                .map(Preset::full);
    }

    /** By its owner, or by an administrator (any preset); {@code asAdmin} requires an administrator (403). */
    public Mono<Void> delete(UUID id, CurrentUser caller, boolean asAdmin) {
        Mono<Preset> target = asAdmin || caller.isAdmin()
                ? Mono.fromCallable(caller::requireAdmin).then(store.findSummary(id)).switchIfEmpty(Mono.error(PresetHandler::notFound))
                : presets.owned(id, caller, "delete");
        return target.flatMap(preset -> presets.spend(caller).flatMap(decision -> store.delete(preset.id())))
                .flatMap(deleted -> deleted ? Mono.<Void>empty() : Mono.error(PresetHandler.notFound()));
    }

    /** The full view, with {@code counted}: whether this was the caller's first download of it (the one that counts). */
    public Mono<Map<String, Object>> download(UUID id, CurrentUser caller) {
        return store.download(id, caller.id()).switchIfEmpty(Mono.error(PresetHandler::notFound))
                .map(download -> {
                    Map<String, Object> view = download.preset().full();
                    view.put("counted", download.counted());
                    return view;
                });
    }

    /** {@code {rating: 1..5}} on a public preset of someone else; answers {rating, ratingCount, ratingAverage}. */
    public Mono<Map<String, Object>> rate(UUID id, CurrentUser caller, ObjectNode body) {
        return presets.rateable(id, caller)
                .flatMap(preset -> Mono.fromCallable(() -> PresetHandler.rating(body))
                        .flatMap(rating -> presets.spend(caller).flatMap(decision -> store.rate(preset.id(), caller.id(), rating)))
                        .switchIfEmpty(Mono.error(PresetHandler::notFound))
                        .flatMap(stored -> store.ratings(preset.id(), stored)))
                .map(ratings -> {
                    Map<String, Object> view = new java.util.LinkedHashMap<>();
                    view.put("rating", ratings.rating());
                    view.put("ratingCount", ratings.ratingCount());
                    view.put("ratingAverage", ratings.ratingAverage());
                    return view;
                });
    }

    /**
     * The presets {@code caller} downloaded and may still read, the latest download first, with their data (one
     * statement; a page past the end says 0 in all).
     */
    public Mono<Page> downloads(CurrentUser caller, String type, String engine, int limit, int offset) {
        if (offset < 0 || offset > Pages.MAX_OFFSET) {
            return Mono.error(ApiProblem.validation("page", "is too deep; narrow the list instead"));
        }
        PresetType kept = type == null ? null : PresetType.parse(type).orElse(null);
        if (type != null && kept == null) {
            return Mono.error(ApiProblem.validation("presetType", "must be instrument or effect"));
        }
        return store.downloaded(caller.id(), kept, engine, limit, offset).collectList()
                .map(rows -> new Page(rows.stream().map(row -> row.preset().full()).toList(),
                        rows.isEmpty() ? 0 : rows.get(0).total()));
    }
}
