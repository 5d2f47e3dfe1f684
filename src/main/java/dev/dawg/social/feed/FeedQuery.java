package dev.dawg.social.feed;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

import org.springframework.web.reactive.function.server.ServerRequest;

import dev.dawg.auth.CurrentUser;
import dev.dawg.auth.RouteAccess;
import dev.dawg.platform.web.ApiProblem;
import dev.dawg.platform.web.Pages;

/**
 * One page of public projects as asked: the order, the optional genre (a tag), only the projects of people the caller
 * follows or of one owner, and the keyset to continue after. The cursor names its order, so a cursor of another
 * order is refused rather than misread.
 */
record FeedQuery(Sort sort, String genre, boolean following, UUID ownerId, UUID callerId, int limit, Keyset after) {

    static final int MAX_GENRE_LENGTH = 40;

    /** The orders a feed comes in: newest first, or most liked first. */
    enum Sort {
        RECENT, POPULAR;

        String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Where the previous page ended: its last item's sort value (creation time or like count) and id. */
    record Keyset(Instant createdAt, long likeCount, UUID id) {
    }

    /** {@code GET /api/feed}: sort, genre, following (signed in only). */
    static FeedQuery feed(ServerRequest request, Optional<CurrentUser> caller) {
        boolean following = switch (request.queryParam("following").orElse("false")) {
            case "true" -> true;
            case "false", "" -> false;
            default -> throw ApiProblem.validation("following", "must be true or false");
        };
        if (following && caller.isEmpty()) {
            throw RouteAccess.signInRequired();
        }
        return of(request, caller, following, null);
    }

    /** {@code GET /api/users/{id}/projects}: the owner's public projects, in the same orders. */
    static FeedQuery ofOwner(ServerRequest request, Optional<CurrentUser> caller, UUID ownerId) {
        return of(request, caller, false, ownerId);
    }

    private static FeedQuery of(ServerRequest request, Optional<CurrentUser> caller, boolean following, UUID ownerId) {
        Sort sort = switch (request.queryParam("sort").orElse("recent")) {
            case "recent", "" -> Sort.RECENT;
            case "popular" -> Sort.POPULAR;
            default -> throw ApiProblem.validation("sort", "must be recent or popular");
        };
        String genre = request.queryParam("genre").map(String::trim).filter(value -> !value.isEmpty())
                .map(value -> value.toLowerCase(Locale.ROOT)).orElse(null);
        if (genre != null && genre.length() > MAX_GENRE_LENGTH) {
            throw ApiProblem.validation("genre", "must be at most " + MAX_GENRE_LENGTH + " characters");
        }
        int limit = Pages.limit(request);
        return new FeedQuery(sort, genre, following, ownerId, caller.map(CurrentUser::id).orElse(null), limit, keyset(request, sort));
    }

    private static Keyset keyset(ServerRequest request, Sort sort) {
        List<String> cursor = Pages.cursor(request, 3);
        if (cursor == null) {
            return null;
        }
        try {
            if (!cursor.get(0).equals(sort.wireName())) {
                throw new IllegalArgumentException("a cursor of another order");
            }
            UUID id = UUID.fromString(cursor.get(2));
            return sort == Sort.RECENT ? new Keyset(Instant.parse(cursor.get(1)), 0, id) : new Keyset(null, Long.parseLong(cursor.get(1)), id);
        }
        catch (IllegalArgumentException | DateTimeParseException ex) {
            throw ApiProblem.validation("cursor", "is not a cursor this list gave out");
        }
    }

    /** The cursor continuing after {@code last}. */
    String cursorAfter(FeedItem last) {
        return Pages.encodeCursor(sort.wireName(), sort == Sort.RECENT ? last.createdAt().toString() : Long.toString(last.likeCount()),
                last.id().toString());
    }
}
