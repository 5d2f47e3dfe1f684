package dev.dawg.trending;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import reactor.core.publisher.Mono;

import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

import dev.dawg.auth.CurrentUser;
import dev.dawg.platform.web.ApiProblem;
import dev.dawg.platform.web.Pages;

/** {@code GET /api/feed/trending?period=day|week|month}: keyset pages of the ranking. */
@Component
class TrendingHandler {

    private final TrendingRanking ranking;

    TrendingHandler(TrendingRanking ranking) {
        this.ranking = ranking;
    }

    @SuppressWarnings("unchecked")
    Mono<ServerResponse> trending(ServerRequest request, Optional<CurrentUser> caller) {
        TrendingPeriod period = request.queryParam("period").map(String::trim).filter(name -> !name.isEmpty())
                .map(name -> TrendingPeriod.parse(name).orElseThrow(() -> ApiProblem.validation("period", "must be day, week or month")))
                .orElse(TrendingPeriod.WEEK);
        int limit = Pages.limit(request);
        TrendingRanking.After after = after(Pages.cursor(request, 2));
        return ranking.page(period, caller, after, limit + 1, Instant.now())
                .flatMap(items -> {
                    Map<String, Object> body = Pages.keysetBody(items, limit,
                            last -> Pages.encodeCursor(Double.toString(last.position().logScore()), last.position().projectId().toString()));
                    body.put("items", ((List<TrendingRanking.Item>) body.get("items")).stream().map(TrendingRanking.Item::view).toList());
                    body.put("period", period.wireName());
                    return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(body);
                });
    }

    private static TrendingRanking.After after(List<String> cursor) {
        if (cursor == null) {
            return null;
        }
        try {
            double logScore = Double.parseDouble(cursor.get(0));
            if (!Double.isFinite(logScore)) {
                throw new NumberFormatException("not finite");
            }
            return new TrendingRanking.After(logScore, UUID.fromString(cursor.get(1)));
        }
        catch (IllegalArgumentException tampered) {
            throw ApiProblem.validation("cursor", "is not a cursor this list gave out");
        }
    }
}
