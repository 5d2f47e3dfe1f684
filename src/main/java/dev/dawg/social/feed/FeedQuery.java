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
record FeedQuery(Sort sort, String genre, boolean following, UUID ownerId, UUID callerId, int limit, Keyset after, Period period) {

    static final int MAX_GENRE_LENGTH = 40;

    /** A query of the recent or popular order (no trending period). */
    FeedQuery(Sort sort, String genre, boolean following, UUID ownerId, UUID callerId, int limit, Keyset after) {
        this(sort, genre, following, ownerId, callerId, limit, after, null);
    }

    /** The orders a feed comes in: newest first, most liked first, or most active lately (trending). */
    enum Sort {
        RECENT, POPULAR, TRENDING;

        String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The periods of trending, each with the decay its scores were kept with (V24) and how far back activity counts. */
    enum Period {
        DAY("1 day"), WEEK("7 days"), MONTH("30 days");

        private final String interval;

        Period(String interval) {
            this.interval = interval;
        }

        String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** A PostgreSQL interval literal; a constant of this enum, never caller input. */
        String interval() {
            return interval;
        }
    }

    /** Where the previous page ended: its last item's sort value (creation time, like count or score) and id. */
    record Keyset(Instant createdAt, long likeCount, double score, UUID id) {

        Keyset(Instant createdAt, long likeCount, UUID id) {
            this(createdAt, likeCount, 0, id);
        }
    }

    /** {@code GET /api/feed}: sort, genre, following (signed in only). */
    static FeedQuery feed(ServerRequest request, Optional<CurrentUser> caller) {
        return of(request, caller, following(request, caller), null);
    }

    private static boolean following(ServerRequest request, Optional<CurrentUser> caller) {
        boolean following = switch (request.queryParam("following").orElse("false")) {
            case "true" -> true;
            case "false", "" -> false;
            default -> throw ApiProblem.validation("following", "must be true or false");
        };
        if (following && caller.isEmpty()) {
            throw RouteAccess.signInRequired();
        }
        return following;
    }

    /** {@code GET /api/feed/trending}: period (default week), genre, following (signed in only). */
    static FeedQuery trending(ServerRequest request, Optional<CurrentUser> caller) {
        Period period = switch (request.queryParam("period").orElse("week")) {
            case "day" -> Period.DAY;
            case "week", "" -> Period.WEEK;
            case "month" -> Period.MONTH;
            default -> throw ApiProblem.validation("period", "must be day, week or month");
        };
        return new FeedQuery(Sort.TRENDING, genre(request), following(request, caller), null, caller.map(CurrentUser::id).orElse(null),
                Pages.limit(request), keyset(request, Sort.TRENDING, period), period);
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
        return new FeedQuery(sort, genre(request), following, ownerId, caller.map(CurrentUser::id).orElse(null), Pages.limit(request),
                keyset(request, sort, null));
    }

    private static String genre(ServerRequest request) {
        String genre = request.queryParam("genre").map(String::trim).filter(value -> !value.isEmpty())
                .map(value -> value.toLowerCase(Locale.ROOT)).orElse(null);
        if (genre != null && genre.length() > MAX_GENRE_LENGTH) {
            throw ApiProblem.validation("genre", "must be at most " + MAX_GENRE_LENGTH + " characters");
        }
        return genre;
    }

    /** The name a cursor carries: its order, and for trending its period too (scores of periods differ). */
    private static String cursorName(Sort sort, Period period) {
        return period == null ? sort.wireName() : sort.wireName() + ":" + period.wireName();
    }

    private static Keyset keyset(ServerRequest request, Sort sort, Period period) {
        List<String> cursor = Pages.cursor(request, 3);
        if (cursor == null) {
            return null;
        }
        try {
            if (!cursor.get(0).equals(cursorName(sort, period))) {
                throw new IllegalArgumentException("a cursor of another order");
            }
            UUID id = UUID.fromString(cursor.get(2));
            return switch (sort) {
                case RECENT -> new Keyset(Instant.parse(cursor.get(1)), 0, id);
                case POPULAR -> new Keyset(null, Long.parseLong(cursor.get(1)), id);
                case TRENDING -> {
                    double score = Double.parseDouble(cursor.get(1));
                    if (!Double.isFinite(score)) {
                        throw new IllegalArgumentException("not a score");
                    }
                    yield new Keyset(null, 0, score, id);
                }
            };
        }
        catch (IllegalArgumentException | DateTimeParseException ex) {
            throw ApiProblem.validation("cursor", "is not a cursor this list gave out");
        }
    }

    /** The cursor continuing after {@code last}. */
    String cursorAfter(FeedItem last) {
        String value = switch (sort) {
            case RECENT -> last.createdAt().toString();
            case POPULAR -> Long.toString(last.likeCount());
            case TRENDING -> Double.toString(last.trendingScore());
        };
        return Pages.encodeCursor(cursorName(sort, period), value, last.id().toString());
    }
}
