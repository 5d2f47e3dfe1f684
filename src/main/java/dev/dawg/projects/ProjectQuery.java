package dev.dawg.projects;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

import org.springframework.r2dbc.core.DatabaseClient.GenericExecuteSpec;
import org.springframework.web.reactive.function.server.ServerRequest;

import dev.dawg.platform.persistence.SearchText;
import dev.dawg.platform.web.ApiProblem;
import dev.dawg.platform.web.Pages;
import dev.dawg.sharing.Visibility;

/**
 * The filters, order and keyset position of a project list or search, read from the query string. Every
 * order ends with the id, so the keyset is total and pages stay correct while projects are added; relevance
 * pages by (rank, updated_at, id), the rank travelling in the cursor.
 */
final class ProjectQuery {

    /**
     * The rank of a row for the search text; {@code :tsquery} is replaced by {@link #tsquery()}. ts_rank (weights and
     * frequency), not ts_rank_cd (which also rewards matched words standing close): ranking the ~500 matches of a
     * common word cost PostgreSQL 1.1 µs a row with ts_rank_cd, 0.3 with ts_rank (pgbench, 5,000 projects), and
     * titles, tags and descriptions are too short for proximity to tell much.
     */
    private static final String RANK = "ts_rank(p.search, :tsquery)";

    /** How a list is ordered, and the keyset condition that continues after a cursor. */
    enum Sort {
        UPDATED("p.updated_at DESC, p.id DESC", "(p.updated_at, p.id) < (:cursorTime, :cursorId)", 2),
        CREATED("p.created_at DESC, p.id DESC", "(p.created_at, p.id) < (:cursorTime, :cursorId)", 2),
        TITLE("p.title ASC, p.id ASC", "(p.title, p.id) > (:cursorText, :cursorId)", 2),
        POPULAR("p.like_count DESC, p.id DESC", "(p.like_count, p.id) < (:cursorNumber, :cursorId)", 2),
        RELEVANCE("rank DESC, p.updated_at DESC, p.id DESC", "(" + RANK + ", p.updated_at, p.id) < (:cursorRank, :cursorTime, :cursorId)", 3);

        final String orderBy;
        final String keyset;
        final int cursorParts;

        Sort(String orderBy, String keyset, int cursorParts) {
            this.orderBy = orderBy;
            this.keyset = keyset;
            this.cursorParts = cursorParts;
        }
    }

    private static final Map<String, Sort> LIST_SORTS = Map.of("updated", Sort.UPDATED, "created", Sort.CREATED, "title", Sort.TITLE);
    private static final Map<String, Sort> SEARCH_SORTS = Map.of("relevance", Sort.RELEVANCE, "recent", Sort.UPDATED,
            "popular", Sort.POPULAR);

    private final Sort sort;
    /** Whether the sort runs the other way (a page by position may; a keyset list never does). */
    private boolean reversed;
    private final List<String> cursor;
    /** The search text as a prefix query (its last word a prefix), or null when it holds no text or no word. */
    private final String prefixQuery;
    /** The conditions of the filters asked for, in order, and the parameters they name. */
    private final StringBuilder filters = new StringBuilder();
    private final Map<String, Object> parameters = new LinkedHashMap<>();

    /** {@code substringTitles}: public search matches words through the GIN index only, an owner's list any part of a title. */
    private ProjectQuery(String text, String tag, Visibility visibility, Integer bpmMin, Integer bpmMax, String key, Sort sort,
            List<String> cursor, boolean substringTitles) {
        this.sort = sort;
        this.cursor = cursor;
        this.prefixQuery = text == null ? null : SearchText.prefixQuery(text);
        if (text != null) {
            filter(substringTitles ? "(p.search @@ " + tsquery() + " OR p.title ILIKE :qLike)" : "p.search @@ " + tsquery(), "q", text);
            parameters.put("qPrefix", prefixQuery);
            parameters.put("qLike", substringTitles ? "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%" : null);
        }
        filter("p.tags @> CAST(:tags AS text[])", "tags", tag == null ? null : new String[] { tag });
        filter("p.visibility = :visibility", "visibility", visibility == null ? null : visibility.wireName());
        filter("p.bpm >= :bpmMin", "bpmMin", bpmMin);
        filter("p.bpm <= :bpmMax", "bpmMax", bpmMax);
        filter("lower(p.key_signature) = lower(:key)", "key", key);
    }

    private void filter(String condition, String parameter, Object value) {
        if (value != null) {
            filters.append(" AND ").append(condition);
            parameters.put(parameter, value);
        }
    }

    /** {@code GET /api/projects}: q, tag, visibility, sort=updated|created|title. */
    static ProjectQuery ownList(ServerRequest request) {
        Sort sort = sort(request, LIST_SORTS, Sort.UPDATED);
        Visibility visibility = request.queryParam("visibility").filter(v -> !v.isBlank())
                .map(v -> Visibility.parse(v).orElseThrow(() -> ApiProblem.validation("visibility", "must be private, unlisted or public")))
                .orElse(null);
        return new ProjectQuery(text(request), tag(request), visibility, null, null, null, sort, Pages.cursor(request, sort.cursorParts), true);
    }

    /** {@code GET /api/search/projects}: q, tag, bpmMin, bpmMax, key, sort=relevance|recent|popular. */
    static ProjectQuery search(ServerRequest request) {
        String text = text(request);
        Sort sort = sort(request, SEARCH_SORTS, text == null ? Sort.UPDATED : Sort.RELEVANCE);
        if (sort == Sort.RELEVANCE && text == null) {
            throw ApiProblem.validation("sort", "relevance needs a search text q");
        }
        Integer bpmMin = bpm(request, "bpmMin");
        Integer bpmMax = bpm(request, "bpmMax");
        if (bpmMin != null && bpmMax != null && bpmMin > bpmMax) {
            throw ApiProblem.validation("bpmMin", "must not be above bpmMax");
        }
        String key = request.queryParam("key").map(String::trim).filter(k -> !k.isEmpty()).orElse(null);
        if (key != null && key.length() > 20) {
            throw ApiProblem.validation("key", "must be at most 20 characters");
        }
        return new ProjectQuery(text, tag(request), null, bpmMin, bpmMax, key, sort, Pages.cursor(request, sort.cursorParts), false);
    }

    /**
     * An owner's list paged by position rather than by keyset (the DAWG client asks for {@code ?page=}), ordered by
     * {@code sort} either way; {@code visibility} filters when not null.
     */
    static ProjectQuery positional(Sort sort, boolean reversed, Visibility visibility) {
        ProjectQuery query = new ProjectQuery(null, null, visibility, null, null, null, sort, null, true);
        query.reversed = reversed;
        return query;
    }

    /** The search text as one tsquery ({@link SearchText}): one {@code @@} over the GIN-indexed vector. */
    private String tsquery() {
        return SearchText.tsquery(prefixQuery != null);
    }

    /** Whether rows carry a {@code rank} column (relevance order). */
    boolean ranked() {
        return sort == Sort.RELEVANCE;
    }

    /** The extra selected column of a ranked query, else nothing. */
    String rankColumn() {
        return ranked() ? ", " + RANK.replace(":tsquery", tsquery()) + " AS rank" : "";
    }

    /** {@code selectWhere} (a SELECT over {@code projects p} up to its own conditions) with the filters, keyset, order and limit. */
    String sql(String selectWhere) {
        String keyset = cursor == null ? "" : " AND " + sort.keyset.replace(":tsquery", tsquery());
        return selectWhere + filters + keyset + " ORDER BY " + orderBy() + " LIMIT :limit";
    }

    /** The same with the filters and order only, from row {@code :offset}: a page by position. */
    String positionalSql(String selectWhere) {
        return selectWhere + filters + " ORDER BY " + orderBy() + " LIMIT :limit OFFSET :offset";
    }

    /** {@code countWhere} (a SELECT count over {@code projects p} up to its own conditions) with the filters. */
    String countSql(String countWhere) {
        return countWhere + filters;
    }

    private String orderBy() {
        String order = sort.orderBy.replace(":tsquery", tsquery());
        return reversed ? REVERSED_DIRECTION.matcher(order).replaceAll(match -> match.group().equals("DESC") ? "ASC" : "DESC") : order;
    }

    private static final Pattern REVERSED_DIRECTION = Pattern.compile("\\b(ASC|DESC)\\b");

    GenericExecuteSpec bind(GenericExecuteSpec spec) {
        for (Map.Entry<String, Object> parameter : parameters.entrySet()) {
            spec = parameter.getValue() == null ? spec : spec.bind(parameter.getKey(), parameter.getValue());
        }
        return cursor == null ? spec : bindCursor(spec);
    }

    /** The cursor that continues after {@code last}. */
    String cursorAfter(ProjectStore.Listed last) {
        Project project = last.project();
        String id = project.id().toString();
        return switch (sort) {
            case UPDATED -> Pages.encodeCursor(project.updatedAt().toString(), id);
            case CREATED -> Pages.encodeCursor(project.createdAt().toString(), id);
            case TITLE -> Pages.encodeCursor(project.title(), id);
            case POPULAR -> Pages.encodeCursor(Long.toString(project.likeCount()), id);
            // Float.toString reads back as the very same real, so the row at the cursor compares equal to it.
            case RELEVANCE -> Pages.encodeCursor(Float.toString(last.rank()), project.updatedAt().toString(), id);
        };
    }

    private GenericExecuteSpec bindCursor(GenericExecuteSpec spec) {
        try {
            int last = sort.cursorParts - 1;
            spec = spec.bind("cursorId", UUID.fromString(cursor.get(last)));
            return switch (sort) {
                case UPDATED, CREATED -> spec.bind("cursorTime", ProjectStore.utc(Instant.parse(cursor.get(0))));
                case TITLE -> spec.bind("cursorText", cursor.get(0));
                case POPULAR -> spec.bind("cursorNumber", Integer.parseInt(cursor.get(0)));
                case RELEVANCE -> spec.bind("cursorRank", rank(cursor.get(0)))
                        .bind("cursorTime", ProjectStore.utc(Instant.parse(cursor.get(1))));
            };
        }
        catch (IllegalArgumentException | DateTimeParseException ex) {
            throw ApiProblem.validation("cursor", "is not a cursor this list gave out");
        }
    }

    private static float rank(String raw) {
        float rank = Float.parseFloat(raw);
        if (!Float.isFinite(rank)) {
            throw new IllegalArgumentException("not a rank");
        }
        return rank;
    }

    private static String text(ServerRequest request) {
        String q = request.queryParam("q").map(String::trim).filter(v -> !v.isEmpty()).orElse(null);
        if (q != null && q.length() > 200) {
            throw ApiProblem.validation("q", "must be at most 200 characters");
        }
        return q;
    }

    private static String tag(ServerRequest request) {
        String tag = request.queryParam("tag").map(t -> t.trim().toLowerCase(Locale.ROOT)).filter(t -> !t.isEmpty()).orElse(null);
        if (tag != null && tag.length() > 40) {
            throw ApiProblem.validation("tag", "must be at most 40 characters");
        }
        return tag;
    }

    private static Integer bpm(ServerRequest request, String name) {
        String raw = request.queryParam(name).map(String::trim).filter(v -> !v.isEmpty()).orElse(null);
        if (raw == null) {
            return null;
        }
        try {
            int value = Integer.parseInt(raw);
            if (value < 20 || value > 999) {
                throw ApiProblem.validation(name, "must be between 20 and 999");
            }
            return value;
        }
        catch (NumberFormatException ex) {
            throw ApiProblem.validation(name, "must be a whole number between 20 and 999");
        }
    }

    private static Sort sort(ServerRequest request, Map<String, Sort> allowed, Sort fallback) {
        String raw = request.queryParam("sort").map(String::trim).filter(v -> !v.isEmpty()).orElse(null);
        if (raw == null) {
            return fallback;
        }
        Sort sort = allowed.get(raw);
        if (sort == null) {
            throw ApiProblem.validation("sort", "must be one of " + String.join(", ", allowed.keySet().stream().sorted().toList()));
        }
        return sort;
    }
}
