package dev.dawg.dawgclient;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.web.reactive.function.server.ServerRequest;

import dev.dawg.platform.web.ApiProblem;
import dev.dawg.platform.web.Pages;

/**
 * A page as the DAWG client asks for one ({@code ?page=&limit=}, pages from 1) and the envelope it reads back:
 * {@code {"<items>": [...], "pagination": {page, limit, total, totalPages}}}. A limit above ours (the client asks for
 * 1000 projects at times) is served as our largest page; the envelope says which limit applied.
 */
public record ClientPage(int page, int limit) {

    public static ClientPage of(ServerRequest request) {
        int page = whole(request, "page", 1);
        int limit = Math.min(whole(request, "limit", Pages.DEFAULT_LIMIT), Pages.MAX_LIMIT);
        if ((long) (page - 1) * limit > Pages.MAX_OFFSET) {
            throw ApiProblem.validation("page", "is too deep; narrow the list instead");
        }
        return new ClientPage(page, limit);
    }

    public int offset() {
        return (page - 1) * limit;
    }

    public Map<String, Object> body(String itemsName, List<?> items, long total) {
        Map<String, Object> pagination = new LinkedHashMap<>();
        pagination.put("page", page);
        pagination.put("limit", limit);
        pagination.put("total", total);
        pagination.put("totalPages", (total + limit - 1) / limit);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put(itemsName, items);
        body.put("pagination", pagination);
        return body;
    }

    private static int whole(ServerRequest request, String name, int absent) {
        String raw = request.queryParam(name).orElse(null);
        if (raw == null || raw.isBlank()) {
            return absent;
        }
        try {
            int value = Integer.parseInt(raw.trim());
            if (value >= 1) {
                return value;
            }
        }
        catch (NumberFormatException ignored) {
            // answered below, as for a number below 1
        }
        throw ApiProblem.validation(name, "must be a whole number from 1");
    }
}
