package dev.dawg.platform.web;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.springframework.web.reactive.function.server.ServerRequest;

/**
 * List pagination as the contract has it: {@code ?limit=} (default 20, at most 100) and an opaque
 * {@code ?cursor=}, answered as {@code {"items": [...], "nextCursor": ...}}. Keyset cursors carry the sort key
 * of the last item, so pages stay correct while rows are inserted.
 */
public final class Pages {

    public static final int DEFAULT_LIMIT = 20;
    public static final int MAX_LIMIT = 100;
    /** The deepest offset an offset list serves; past it a client must narrow its query. */
    public static final int MAX_OFFSET = 10_000;
    private static final String SEPARATOR = "\u001f";

    private Pages() {
    }

    public static int limit(ServerRequest request) {
        String raw = request.queryParam("limit").orElse(null);
        if (raw == null || raw.isBlank()) {
            return DEFAULT_LIMIT;
        }
        try {
            int limit = Integer.parseInt(raw.trim());
            if (limit < 1) {
                throw ApiProblem.validation("limit", "must be between 1 and " + MAX_LIMIT);
            }
            return Math.min(limit, MAX_LIMIT);
        }
        catch (NumberFormatException ex) {
            throw ApiProblem.validation("limit", "must be a whole number between 1 and " + MAX_LIMIT);
        }
    }

    /** The decoded parts of {@code ?cursor=}, or null when absent; a tampered cursor is a 400. */
    public static List<String> cursor(ServerRequest request, int parts) {
        String raw = request.queryParam("cursor").orElse(null);
        if (raw == null || raw.isBlank()) {
            return null;
        }
        try {
            String decoded = new String(Base64.getUrlDecoder().decode(raw), StandardCharsets.UTF_8);
            List<String> values = List.of(decoded.split(SEPARATOR, -1));
            if (values.size() != parts) {
                throw new IllegalArgumentException("wrong arity");
            }
            return values;
        }
        catch (IllegalArgumentException ex) {
            throw ApiProblem.validation("cursor", "is not a cursor this list gave out");
        }
    }

    public static String encodeCursor(String... parts) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString(String.join(SEPARATOR, parts).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Builds the page body from {@code limit + 1} fetched rows: the extra row only says there is a next page,
     * whose cursor is made from the last row shown.
     */
    public static <T> Map<String, Object> keysetBody(List<T> fetched, int limit, Function<T, String> cursorOfLast) {
        List<T> items = fetched.size() > limit ? new ArrayList<>(fetched.subList(0, limit)) : fetched;
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("items", items);
        body.put("nextCursor", fetched.size() > limit ? cursorOfLast.apply(items.get(items.size() - 1)) : null);
        return body;
    }

    /** Offset pages, for ranked results whose order has no stable key (the cursor carries the offset). */
    public static OffsetPage offsetPage(ServerRequest request) {
        int limit = limit(request);
        List<String> cursor = cursor(request, 1);
        int offset = 0;
        if (cursor != null) {
            try {
                offset = Integer.parseInt(cursor.get(0));
            }
            catch (NumberFormatException ex) {
                throw ApiProblem.validation("cursor", "is not a cursor this list gave out");
            }
            if (offset < 0 || offset > MAX_OFFSET) {
                throw ApiProblem.validation("cursor", "is not a cursor this list gave out");
            }
        }
        return new OffsetPage(limit, offset);
    }

    /** A page of an offset list. */
    public record OffsetPage(int limit, int offset) {

        /** The page; past {@link #MAX_OFFSET} it has no next cursor, since that cursor would be refused. */
        public <T> Map<String, Object> toBody(List<T> fetched) {
            Map<String, Object> body = keysetBody(fetched, limit, last -> encodeCursor(Integer.toString(offset + limit)));
            if (offset + limit > MAX_OFFSET) {
                body.put("nextCursor", null);
            }
            return body;
        }
    }
}
