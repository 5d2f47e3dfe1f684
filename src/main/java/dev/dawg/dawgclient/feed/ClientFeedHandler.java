package dev.dawg.dawgclient.feed;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import reactor.core.publisher.Mono;

import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

import dev.dawg.auth.CurrentUser;
import dev.dawg.dawgclient.ClientPage;
import dev.dawg.dawgclient.ClientPreviews;
import dev.dawg.platform.web.ApiProblem;
import dev.dawg.social.feed.FeedItem;
import dev.dawg.social.feed.FeedPages;

/**
 * The DAWG client's feed calls, on the native feed: {@code GET /feed} ({@code page, limit, sort=recent|popular|trending,
 * filter=all|following, genre}) and {@code GET /feed/trending} ({@code period=24h|7d|30d, limit}), answered
 * {@code {projects, pagination: {page, limit, hasMore}}} and {@code {projects, period}}.
 */
@Component
class ClientFeedHandler {

    private static final Map<String, FeedPages.Order> PERIODS = Map.of("24h", FeedPages.Order.TRENDING_DAY, "7d",
            FeedPages.Order.TRENDING_WEEK, "30d", FeedPages.Order.TRENDING_MONTH);
    private static final int MAX_TRENDING = 50;

    private final FeedPages feed;
    private final ClientPreviews previews;

    ClientFeedHandler(FeedPages feed, ClientPreviews previews) {
        this.feed = feed;
        this.previews = previews;
    }

    Mono<ServerResponse> feed(ServerRequest request, Optional<CurrentUser> caller) {
        ClientPage page = ClientPage.of(request);
        FeedPages.Order order = switch (request.queryParam("sort").map(String::trim).orElse("recent")) {
            case "recent", "" -> FeedPages.Order.RECENT;
            case "popular" -> FeedPages.Order.POPULAR;
            case "trending" -> FeedPages.Order.TRENDING_WEEK;
            default -> throw ApiProblem.validation("sort", "must be recent, popular or trending");
        };
        // The feed view's filter: all, following, or (its trending section) a category, read as a genre.
        String filter = request.queryParam("filter").map(String::trim).orElse("all");
        boolean following = filter.equals("following");
        String genre = request.queryParam("genre").orElse(filter.equals("all") || following || filter.equals("genre") ? null : filter);
        return feed.page(order, genre, following, caller, page.limit(), page.offset())
                .flatMap(found -> items(request, found.items(), false).map(projects -> {
                    Map<String, Object> pagination = new LinkedHashMap<>();
                    pagination.put("page", page.page());
                    pagination.put("limit", page.limit());
                    pagination.put("hasMore", found.hasMore());
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("projects", projects);
                    body.put("pagination", pagination);
                    return body;
                }))
                .flatMap(body -> ServerResponse.ok().bodyValue(body));
    }

    /**
     * The client's trending section calls {@code getTrending({timeframe, category, limit})} on a method that takes
     * {@code (period, limit)}: the object arrives as the period ("[object Object]"). What is not a period of ours is
     * read as the client's default, 24h, so its trending section shows the day's ranking.
     */
    Mono<ServerResponse> trending(ServerRequest request, Optional<CurrentUser> caller) {
        String periodName = request.queryParam("period").map(String::trim).filter(PERIODS::containsKey).orElse("24h");
        int limit = limit(request);
        return feed.page(PERIODS.get(periodName), null, false, caller, limit, 0)
                .flatMap(found -> items(request, found.items(), true))
                .flatMap(projects -> {
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("projects", projects);
                    body.put("period", periodName);
                    return ServerResponse.ok().bodyValue(body);
                });
    }

    /** The page's items with their previews (one query for the page). */
    private Mono<List<Map<String, Object>>> items(ServerRequest request, List<FeedItem> items, boolean withScore) {
        return previews.of(items.stream().map(FeedItem::id).toList()).map(found -> items.stream().map(item -> {
            Map<String, Object> project = item(item);
            previews.put(project, request, item.id(), found.get(item.id()));
            if (withScore) {
                project.put("trendingScore", item.trendingScore());
            }
            return project;
        }).toList());
    }

    /**
     * A feed project as the client reads one: counts under {@code stats} (plays as {@code views}), visibility as its
     * two flags; its preview members are put beside them ({@link ClientPreviews}).
     */
    static Map<String, Object> item(FeedItem item) {
        Map<String, Object> project = new LinkedHashMap<>();
        project.put("id", item.id());
        project.put("title", item.title());
        project.put("description", item.description());
        project.put("bpm", item.bpm());
        project.put("keySignature", item.keySignature());
        project.put("timeSignature", item.timeSignature());
        project.put("isPublic", "public".equals(item.visibility()));
        project.put("isUnlisted", "unlisted".equals(item.visibility()));
        project.put("createdAt", item.createdAt());
        project.put("updatedAt", item.updatedAt());
        Map<String, Object> author = new LinkedHashMap<>();
        author.put("id", item.author().id());
        author.put("username", item.author().username());
        author.put("avatarUrl", item.author().avatarUrl());
        project.put("author", author);
        Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("likes", item.likeCount());
        stats.put("comments", item.commentCount());
        stats.put("remixes", item.remixCount());
        stats.put("views", item.playCount());
        project.put("stats", stats);
        project.put("isLiked", item.likedByMe());
        return project;
    }

    private static int limit(ServerRequest request) {
        String raw = request.queryParam("limit").map(String::trim).orElse("");
        if (raw.isEmpty()) {
            return 20;
        }
        try {
            int limit = Integer.parseInt(raw);
            if (limit >= 1 && limit <= MAX_TRENDING) {
                return limit;
            }
        }
        catch (NumberFormatException ignored) {
            // answered below
        }
        throw ApiProblem.validation("limit", "must be a whole number from 1 to " + MAX_TRENDING);
    }
}
