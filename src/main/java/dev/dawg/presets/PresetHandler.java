package dev.dawg.presets;

import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import reactor.core.publisher.Mono;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

import dev.dawg.auth.CurrentUser;
import dev.dawg.platform.config.DawgProperties;
import dev.dawg.platform.ratelimit.RateLimitDecision;
import dev.dawg.platform.ratelimit.RateLimiter;
import dev.dawg.platform.ratelimit.UserWrites;
import dev.dawg.platform.web.ApiProblem;
import dev.dawg.platform.web.Ids;
import dev.dawg.platform.web.JsonBodies;
import dev.dawg.platform.web.JsonFields;
import dev.dawg.platform.web.Pages;

/**
 * The community preset library. One access rule, as for projects: a private preset exists for its owner only (anyone
 * else gets 404, never 403), a public one is readable by all and changed by its owner; administrators feature public
 * presets and remove any. Writes spend the caller's social write budget.
 */
@Component
class PresetHandler {

    private final PresetStore store;
    private final JsonBodies bodies;
    private final RateLimiter rateLimiter;
    private final DawgProperties.RateLimits limits;

    PresetHandler(PresetStore store, JsonBodies bodies, RateLimiter rateLimiter, DawgProperties properties) {
        this.store = store;
        this.bodies = bodies;
        this.rateLimiter = rateLimiter;
        this.limits = properties.rateLimit();
    }

    /** {@code GET /api/presets}: summaries (no data), keyset pages. */
    Mono<ServerResponse> list(ServerRequest request, Optional<CurrentUser> caller) {
        PresetQuery query = PresetQuery.of(request, caller);
        int limit = Pages.limit(request);
        return store.list(query, limit + 1).collectList()
                .map(found -> Pages.keysetBody(found, limit, query::cursorAfter))
                .map(PresetHandler::summaries)
                .flatMap(body -> ServerResponse.ok().bodyValue(body));
    }

    Mono<ServerResponse> create(ServerRequest request, CurrentUser caller) {
        return bodies.objectKeepingRaw(request, "data").map(PresetInput::draft)
                .flatMap(draft -> spend(caller).flatMap(decision -> store.create(caller.id(), draft)
                        .flatMap(preset -> ServerResponse.created(URI.create("/api/presets/" + preset.id()))
                                .headers(decision::writeTo).bodyValue(preset.full()))));
    }

    Mono<ServerResponse> get(ServerRequest request, Optional<CurrentUser> caller) {
        UUID callerId = caller.map(CurrentUser::id).orElse(null);
        return id(request).flatMap(id -> store.find(id, callerId))
                .filter(preset -> readable(preset, callerId))
                .switchIfEmpty(Mono.error(PresetHandler::notFound))
                .flatMap(preset -> ServerResponse.ok().bodyValue(preset.full()));
    }

    /** The owner changes what the body names; the preset is found (404, 403) before the body is read. */
    Mono<ServerResponse> change(ServerRequest request, CurrentUser caller) {
        return owned(request, caller, "change")
                .flatMap(preset -> bodies.objectKeepingRaw(request, "data").map(PresetInput::change)
                        .flatMap(change -> change.isEmpty() ? Mono.error(ApiProblem.validation("body",
                                "name at least one of name, description, category, genre, tags, isPublic, data"))
                                : spend(caller).flatMap(decision -> store.change(preset.id(), caller.id(), change)
                                        .switchIfEmpty(Mono.error(PresetHandler::notFound))
                                        .flatMap(changed -> ServerResponse.ok().headers(decision::writeTo).bodyValue(changed.full())))));
    }

    /** By its owner, or by an administrator (any preset, private ones included). */
    Mono<ServerResponse> delete(ServerRequest request, CurrentUser caller) {
        Mono<Preset> target = caller.isAdmin() ? id(request).flatMap(store::findSummary).switchIfEmpty(Mono.error(PresetHandler::notFound))
                : owned(request, caller, "delete");
        return target.flatMap(preset -> spend(caller).flatMap(decision -> store.delete(preset.id())))
                .flatMap(deleted -> deleted ? ServerResponse.noContent().build() : Mono.error(notFound()));
    }

    /** The preset with its data; the caller's first download of it counts. */
    Mono<ServerResponse> download(ServerRequest request, CurrentUser caller) {
        return id(request).flatMap(id -> store.download(id, caller.id()))
                .switchIfEmpty(Mono.error(PresetHandler::notFound))
                .flatMap(download -> {
                    Map<String, Object> body = download.preset().full();
                    body.put("counted", download.counted());
                    return ServerResponse.ok().bodyValue(body);
                });
    }

    /** {@code PUT /api/presets/{id}/rating {rating: 1..5}}: the caller's one rating, set or changed. */
    Mono<ServerResponse> rate(ServerRequest request, CurrentUser caller) {
        return rateable(request, caller)
                .flatMap(preset -> bodies.object(request).map(PresetHandler::rating)
                        .flatMap(rating -> spend(caller).flatMap(decision -> store.rate(preset.id(), caller.id(), rating)
                                .switchIfEmpty(Mono.error(PresetHandler::notFound))
                                .flatMap(stored -> store.ratings(preset.id(), stored))
                                .flatMap(ratings -> ratingAnswer(ratings, decision)))));
    }

    /** Takes the caller's rating back (nothing to take back is no error). */
    Mono<ServerResponse> unrate(ServerRequest request, CurrentUser caller) {
        return rateable(request, caller)
                .flatMap(preset -> spend(caller).flatMap(decision -> store.unrate(preset.id(), caller.id())
                        .then(store.ratings(preset.id(), null))
                        .switchIfEmpty(Mono.error(PresetHandler::notFound))
                        .flatMap(ratings -> ratingAnswer(ratings, decision))));
    }

    Mono<ServerResponse> feature(ServerRequest request, CurrentUser caller) {
        return featuring(request, caller, true);
    }

    Mono<ServerResponse> unfeature(ServerRequest request, CurrentUser caller) {
        return featuring(request, caller, false);
    }

    /**
     * Administrators only; whoever else may not see the preset learns nothing of it (404), whoever may gets 403. Only a
     * public preset is featured (409 for a private one).
     */
    private Mono<ServerResponse> featuring(ServerRequest request, CurrentUser caller, boolean featured) {
        return id(request).flatMap(store::findSummary)
                .filter(preset -> caller.isAdmin() || readable(preset, caller.id()))
                .switchIfEmpty(Mono.error(PresetHandler::notFound))
                .flatMap(preset -> Mono.fromCallable(caller::requireAdmin).thenReturn(preset))
                .flatMap(preset -> store.feature(preset.id(), featured)
                        .switchIfEmpty(Mono.defer(() -> store.findSummary(preset.id())
                                .flatMap(current -> Mono.<Preset>error(ApiProblem.conflict("Only a public preset can be featured")))
                                .switchIfEmpty(Mono.error(PresetHandler::notFound)))))
                .flatMap(preset -> ServerResponse.ok().bodyValue(preset.summary()));
    }

    /** The preset the caller owns: 404 when they may not see it, 403 when they may but it is not theirs. */
    private Mono<Preset> owned(ServerRequest request, CurrentUser caller, String action) {
        return id(request).flatMap(id -> owned(id, caller, action));
    }

    Mono<Preset> owned(UUID id, CurrentUser caller, String action) {
        return store.findSummary(id)
                .filter(preset -> readable(preset, caller.id()))
                .switchIfEmpty(Mono.error(PresetHandler::notFound))
                .flatMap(preset -> preset.isOwnedBy(caller.id()) ? Mono.just(preset)
                        : Mono.error(ApiProblem.forbidden("Only the preset's owner may " + action + " it")));
    }

    /** A public preset of someone else: 404 when the caller may not see it, 403 for their own. */
    private Mono<Preset> rateable(ServerRequest request, CurrentUser caller) {
        return id(request).flatMap(id -> rateable(id, caller));
    }

    Mono<Preset> rateable(UUID id, CurrentUser caller) {
        return store.findSummary(id)
                .filter(preset -> readable(preset, caller.id()))
                .switchIfEmpty(Mono.error(PresetHandler::notFound))
                .flatMap(preset -> preset.isOwnedBy(caller.id()) ? Mono.error(ApiProblem.forbidden("You cannot rate your own preset"))
                        : Mono.just(preset));
    }

    static boolean readable(Preset preset, UUID callerId) {
        return preset.isPublic() || preset.isOwnedBy(callerId);
    }

    Mono<RateLimitDecision> spend(CurrentUser caller) {
        return rateLimiter.consume(UserWrites.limitOf(caller.id(), limits));
    }

    private static Mono<ServerResponse> ratingAnswer(PresetStore.Rating ratings, RateLimitDecision decision) {
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("rating", ratings.rating());
        body.put("ratingCount", ratings.ratingCount());
        body.put("ratingAverage", ratings.ratingAverage());
        return ServerResponse.ok().headers(decision::writeTo).bodyValue(body);
    }

    static int rating(ObjectNode body) {
        JsonFields fields = JsonFields.of(body).allowOnly(Set.of("rating"));
        if (!fields.has("rating") || body.get("rating").isNull()) {
            fields.reject("rating", "is required: a whole number from 1 to 5");
        }
        Integer rating = fields.optionalInt("rating", 1, 5).orElse(null);
        fields.validate();
        return rating;
    }

    private static Map<String, Object> summaries(Map<String, Object> page) {
        @SuppressWarnings("unchecked")
        java.util.List<Preset> items = (java.util.List<Preset>) page.get("items");
        page.put("items", items.stream().map(Preset::summary).toList());
        return page;
    }

    private static Mono<UUID> id(ServerRequest request) {
        return Ids.parse(request.pathVariable("id"), "Preset");
    }

    static ApiProblem notFound() {
        return ApiProblem.notFound("Preset not found");
    }
}
