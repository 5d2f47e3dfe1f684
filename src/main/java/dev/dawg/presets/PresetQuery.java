package dev.dawg.presets;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.springframework.r2dbc.core.DatabaseClient.GenericExecuteSpec;
import org.springframework.web.reactive.function.server.ServerRequest;

import dev.dawg.auth.CurrentUser;
import dev.dawg.auth.RouteAccess;
import dev.dawg.platform.persistence.SearchText;
import dev.dawg.platform.web.ApiProblem;
import dev.dawg.platform.web.Pages;

/**
 * The filters, order and keyset position of {@code GET /api/presets}, read from the query string: the public library,
 * or with {@code mine=true} all of the caller's own presets. Every order ends with the id, so the keyset is total and
 * pages stay correct while presets are added.
 */
final class PresetQuery {

    /** How the list is ordered, and the keyset condition that continues after a cursor. */
    enum Sort {
        RECENT("p.created_at DESC, p.id DESC", "(p.created_at, p.id) < (:c0, :cursorId)"),
        POPULAR("p.popularity DESC, p.id DESC", "(p.popularity, p.id) < (:c0, :cursorId)"),
        RATING("p.rating_average DESC, p.rating_count DESC, p.id DESC", "(p.rating_average, p.rating_count, p.id) < (:c0, :c1, :cursorId)"),
        DOWNLOADS("p.download_count DESC, p.id DESC", "(p.download_count, p.id) < (:c0, :cursorId)"),
        /** The featured shelf, most recently featured first. */
        FEATURED("p.featured_at DESC, p.id DESC", "(p.featured_at, p.id) < (:c0, :cursorId)");

        final String orderBy;
        final String keyset;

        Sort(String orderBy, String keyset) {
            this.orderBy = orderBy;
            this.keyset = keyset;
        }

        int cursorParts() {
            return this == RATING ? 3 : 2;
        }
    }

    private static final Map<String, Sort> SORTS = Map.of("recent", Sort.RECENT, "popular", Sort.POPULAR, "rating", Sort.RATING,
            "downloads", Sort.DOWNLOADS);

    private final Sort sort;
    private final List<String> cursor;
    private boolean ascending;
    private final StringBuilder conditions = new StringBuilder();
    private final Map<String, Object> parameters = new LinkedHashMap<>();

    private PresetQuery(Sort sort, List<String> cursor) {
        this.sort = sort;
        this.cursor = cursor;
    }

    /**
     * {@code GET /api/presets}: type, engine, category, genre, tag, q, ownerId, featured, mine; sort=recent|popular|rating|downloads
     * (the featured shelf defaults to the order of featuring).
     */
    static PresetQuery of(ServerRequest request, Optional<CurrentUser> caller) {
        boolean mine = flag(request, "mine");
        boolean featured = flag(request, "featured");
        String rawSort = text(request, "sort", 20);
        Sort sort = rawSort == null ? (featured ? Sort.FEATURED : Sort.RECENT) : SORTS.get(rawSort);
        if (sort == null) {
            throw ApiProblem.validation("sort", "must be one of downloads, popular, rating, recent");
        }
        PresetQuery query = new PresetQuery(sort, Pages.cursor(request, sort.cursorParts()));
        if (mine) {
            UUID callerId = caller.map(CurrentUser::id).orElseThrow(RouteAccess::signInRequired);
            query.where("p.owner_id = :caller", "caller", callerId);
        }
        else {
            query.conditions.append("p.is_public");
        }
        if (featured) {
            query.conditions.append(" AND p.featured_at IS NOT NULL");
        }
        String type = text(request, "type", 20);
        if (type != null && PresetType.parse(type).isEmpty()) {
            throw ApiProblem.validation("type", "must be instrument or effect");
        }
        query.and("p.preset_type = :type", "type", type);
        query.and("lower(p.engine) = lower(:engine)", "engine", text(request, "engine", 64));
        query.and("lower(p.category) = lower(:category)", "category", text(request, "category", 50));
        query.and("lower(p.genre) = lower(:genre)", "genre", text(request, "genre", 50));
        String tag = text(request, "tag", PresetInput.MAX_TAG_LENGTH);
        query.and("p.tags @> CAST(:tags AS text[])", "tags", tag == null ? null : new String[] { tag.toLowerCase(Locale.ROOT) });
        String ownerId = text(request, "ownerId", 36);
        query.and("p.owner_id = :ownerId", "ownerId", ownerId == null ? null : uuid(ownerId, "ownerId", "must be a user id"));
        query.search(text(request, "q", 200));
        return query;
    }

    /**
     * The same filters for a page by number ({@link PresetLibrary#page}): the public library, or every preset of the
     * caller's own when {@code ownerId} is the caller; {@code tags} keeps a preset with any of them.
     */
    static PresetQuery listing(PresetLibrary.Listing listing, UUID callerId) {
        PresetQuery query = new PresetQuery(listing.sort(), null);
        query.ascending = listing.ascending();
        if (listing.ownerId() != null && listing.ownerId().equals(callerId)) {
            query.where("p.owner_id = :caller", "caller", callerId);
        }
        else {
            query.conditions.append("p.is_public");
            query.and("p.owner_id = :ownerId", "ownerId", listing.ownerId());
        }
        if (listing.isPublic() != null) {
            query.conditions.append(listing.isPublic() ? " AND p.is_public" : " AND NOT p.is_public");
        }
        if (listing.featured()) {
            query.conditions.append(" AND p.featured_at IS NOT NULL");
        }
        if (listing.type() != null && PresetType.parse(listing.type()).isEmpty()) {
            throw ApiProblem.validation("presetType", "must be instrument or effect");
        }
        query.and("p.preset_type = :type", "type", listing.type());
        query.and("lower(p.engine) = lower(:engine)", "engine", listing.engine());
        query.and("lower(p.category) = lower(:category)", "category", listing.category());
        query.and("lower(p.genre) = lower(:genre)", "genre", listing.genre());
        List<String> tags = listing.tags() == null ? List.of() : listing.tags().stream().map(String::strip).filter(tag -> !tag.isEmpty())
                .map(tag -> tag.toLowerCase(Locale.ROOT)).distinct().toList();
        if (tags.size() > PresetInput.MAX_TAGS || tags.stream().anyMatch(tag -> tag.length() > PresetInput.MAX_TAG_LENGTH)) {
            throw ApiProblem.validation("tags", "must be at most " + PresetInput.MAX_TAGS + " tags of at most " + PresetInput.MAX_TAG_LENGTH
                    + " characters");
        }
        query.and("p.tags && CAST(:tags AS text[])", "tags", tags.isEmpty() ? null : tags.toArray(String[]::new));
        query.search(listing.search());
        return query;
    }

    private void search(String q) {
        if (q != null) {
            String prefix = SearchText.prefixQuery(q);
            and("p.search @@ " + SearchText.tsquery(prefix != null), "q", q);
            parameters.put("qPrefix", prefix);
        }
    }

    /** A page by position: {@code :limit} rows from {@code :offset}, in the sort's order (or its reverse). */
    String offsetSql() {
        String order = ascending ? sort.orderBy.replace(" DESC", " ASC") : sort.orderBy;
        return "SELECT " + Preset.COLUMNS + Preset.FROM + " WHERE " + conditions + " ORDER BY " + order + " LIMIT :limit OFFSET :offset";
    }

    /** How many presets the filters keep in all. */
    String countSql() {
        return "SELECT count(*) AS total" + Preset.FROM + " WHERE " + conditions;
    }

    private void where(String condition, String parameter, Object value) {
        conditions.append(condition);
        parameters.put(parameter, value);
    }

    private void and(String condition, String parameter, Object value) {
        if (value != null) {
            conditions.append(" AND ").append(condition);
            parameters.put(parameter, value);
        }
    }

    /** The page's statement: {@code limit} rows after the cursor. */
    String sql() {
        String keyset = cursor == null ? "" : " AND " + sort.keyset;
        return "SELECT " + Preset.COLUMNS + Preset.FROM + " WHERE " + conditions + keyset + " ORDER BY " + sort.orderBy + " LIMIT :limit";
    }

    GenericExecuteSpec bind(GenericExecuteSpec spec) {
        for (Map.Entry<String, Object> parameter : parameters.entrySet()) {
            if (parameter.getValue() != null) {
                spec = spec.bind(parameter.getKey(), parameter.getValue());
            }
        }
        return cursor == null ? spec : bindCursor(spec);
    }

    /** The cursor that continues after {@code last}. */
    String cursorAfter(Preset last) {
        String id = last.id().toString();
        return switch (sort) {
            case RECENT -> Pages.encodeCursor(last.createdAt().toString(), id);
            case POPULAR -> Pages.encodeCursor(Long.toString(last.popularity()), id);
            // Double.toString reads back as the very same double, so the row at the cursor compares equal to it.
            case RATING -> Pages.encodeCursor(Double.toString(last.ratingAverage()), Long.toString(last.ratingCount()), id);
            case DOWNLOADS -> Pages.encodeCursor(Long.toString(last.downloadCount()), id);
            case FEATURED -> Pages.encodeCursor(String.valueOf(last.featuredAt()), id);
        };
    }

    private GenericExecuteSpec bindCursor(GenericExecuteSpec spec) {
        try {
            spec = spec.bind("cursorId", UUID.fromString(cursor.get(cursor.size() - 1)));
            return switch (sort) {
                case RECENT, FEATURED -> spec.bind("c0", Instant.parse(cursor.get(0)).atOffset(ZoneOffset.UTC));
                case POPULAR, DOWNLOADS -> spec.bind("c0", Long.parseLong(cursor.get(0)));
                case RATING -> spec.bind("c0", finite(Double.parseDouble(cursor.get(0)))).bind("c1", Long.parseLong(cursor.get(1)));
            };
        }
        catch (IllegalArgumentException | DateTimeParseException ex) {
            throw ApiProblem.validation("cursor", "is not a cursor this list gave out");
        }
    }

    private static double finite(double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("not a rating");
        }
        return value;
    }

    private static String text(ServerRequest request, String name, int max) {
        String value = request.queryParam(name).map(String::strip).filter(v -> !v.isEmpty()).orElse(null);
        if (value != null && value.length() > max) {
            throw ApiProblem.validation(name, "must be at most " + max + " characters");
        }
        return value;
    }

    private static boolean flag(ServerRequest request, String name) {
        String value = request.queryParam(name).map(String::strip).orElse("false");
        if (!value.equals("true") && !value.equals("false")) {
            throw ApiProblem.validation(name, "must be true or false");
        }
        return value.equals("true");
    }

    private static UUID uuid(String value, String field, String message) {
        try {
            return UUID.fromString(value);
        }
        catch (IllegalArgumentException ex) {
            throw ApiProblem.validation(field, message);
        }
    }
}
