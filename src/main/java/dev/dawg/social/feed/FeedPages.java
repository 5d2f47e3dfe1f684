package dev.dawg.social.feed;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

import reactor.core.publisher.Mono;

import org.springframework.stereotype.Component;

import dev.dawg.auth.CurrentUser;
import dev.dawg.auth.RouteAccess;
import dev.dawg.platform.web.ApiProblem;
import dev.dawg.platform.web.Pages;

/**
 * The feed by position rather than by keyset, for clients that page by number (the DAWG client): the same
 * statement, rules and items as {@code GET /api/feed} and {@code /api/feed/trending}, from a row offset.
 */
@Component
public class FeedPages {

    /** The orders a positional page comes in. */
    public enum Order {
        RECENT(FeedQuery.Sort.RECENT, null), POPULAR(FeedQuery.Sort.POPULAR, null), TRENDING_DAY(FeedQuery.Sort.TRENDING, FeedQuery.Period.DAY),
        TRENDING_WEEK(FeedQuery.Sort.TRENDING, FeedQuery.Period.WEEK), TRENDING_MONTH(FeedQuery.Sort.TRENDING, FeedQuery.Period.MONTH);

        private final FeedQuery.Sort sort;
        private final FeedQuery.Period period;

        Order(FeedQuery.Sort sort, FeedQuery.Period period) {
            this.sort = sort;
            this.period = period;
        }
    }

    /** The items of the page, and whether another follows. */
    public record Page(List<FeedItem> items, boolean hasMore) {
    }

    private final FeedStore feed;

    FeedPages(FeedStore feed) {
        this.feed = feed;
    }

    /** {@code limit} items from row {@code offset}; {@code following} needs a signed-in caller (401 otherwise). */
    public Mono<Page> page(Order order, String genre, boolean following, Optional<CurrentUser> caller, int limit, int offset) {
        if (following && caller.isEmpty()) {
            return Mono.error(RouteAccess.signInRequired());
        }
        if (offset < 0 || offset > Pages.MAX_OFFSET) {
            return Mono.error(ApiProblem.validation("page", "is too deep; narrow the list instead"));
        }
        String tag = genre == null || genre.isBlank() ? null : genre.trim().toLowerCase(Locale.ROOT);
        if (tag != null && tag.length() > FeedQuery.MAX_GENRE_LENGTH) {
            return Mono.error(ApiProblem.validation("genre", "must be at most " + FeedQuery.MAX_GENRE_LENGTH + " characters"));
        }
        FeedQuery query = new FeedQuery(order.sort, tag, following, null, caller.map(CurrentUser::id).orElse(null), limit, null, order.period);
        return feed.page(query, offset).collectList()
                .map(fetched -> new Page(fetched.size() > limit ? fetched.subList(0, limit) : fetched, fetched.size() > limit));
    }
}
