package dev.dawg.projects;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import org.springframework.r2dbc.core.DatabaseClient.GenericExecuteSpec;
import org.springframework.web.reactive.function.server.ServerRequest;

import dev.dawg.platform.web.ApiProblem;
import dev.dawg.platform.web.Pages;
import dev.dawg.sharing.Visibility;

/**
 * The filters, order and keyset position of a project list or search, read from the query string. Every
 * order ends with the id, so the keyset is total and pages stay correct while projects are added.
 */
final class ProjectQuery {

    /** How a list is ordered; {@link #RELEVANCE} pages by offset, the others by keyset. */
    enum Sort {
        UPDATED("p.updated_at DESC, p.id DESC", "(p.updated_at, p.id) < (:cursorTime, :cursorId)"),
        CREATED("p.created_at DESC, p.id DESC", "(p.created_at, p.id) < (:cursorTime, :cursorId)"),
        TITLE("p.title ASC, p.id ASC", "(p.title, p.id) > (:cursorText, :cursorId)"),
        POPULAR("p.like_count DESC, p.id DESC", "(p.like_count, p.id) < (:cursorNumber, :cursorId)"),
        RELEVANCE("ts_rank_cd(p.search, websearch_to_tsquery('english', :q)) DESC, p.updated_at DESC, p.id DESC", null);

        final String orderBy;
        final String keyset;

        Sort(String orderBy, String keyset) {
            this.orderBy = orderBy;
            this.keyset = keyset;
        }
    }

    private static final Map<String, Sort> LIST_SORTS = Map.of("updated", Sort.UPDATED, "created", Sort.CREATED, "title", Sort.TITLE);
    private static final Map<String, Sort> SEARCH_SORTS = Map.of("relevance", Sort.RELEVANCE, "recent", Sort.UPDATED,
            "popular", Sort.POPULAR);

    private final String text;
    private final String tag;
    private final Visibility visibility;
    private final Integer bpmMin;
    private final Integer bpmMax;
    private final String key;
    private final Sort sort;
    private final List<String> cursor;

    private ProjectQuery(String text, String tag, Visibility visibility, Integer bpmMin, Integer bpmMax, String key, Sort sort,
            List<String> cursor) {
        this.text = text;
        this.tag = tag;
        this.visibility = visibility;
        this.bpmMin = bpmMin;
        this.bpmMax = bpmMax;
        this.key = key;
        this.sort = sort;
        this.cursor = cursor;
    }

    /** {@code GET /api/projects}: q, tag, visibility, sort=updated|created|title. */
    static ProjectQuery ownList(ServerRequest request) {
        Sort sort = sort(request, LIST_SORTS, Sort.UPDATED);
        Visibility visibility = request.queryParam("visibility").filter(v -> !v.isBlank())
                .map(v -> Visibility.parse(v).orElseThrow(() -> ApiProblem.validation("visibility", "must be private, unlisted or public")))
                .orElse(null);
        return new ProjectQuery(text(request), tag(request), visibility, null, null, null, sort, Pages.cursor(request, 2));
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
        List<String> cursor = sort == Sort.RELEVANCE ? null : Pages.cursor(request, 2);
        return new ProjectQuery(text, tag(request), null, bpmMin, bpmMax, key, sort, cursor);
    }

    boolean pagesByOffset() {
        return sort == Sort.RELEVANCE;
    }

    void appendFilters(StringBuilder sql) {
        if (text != null) {
            sql.append(" AND (p.search @@ websearch_to_tsquery('english', :q) OR p.title ILIKE :qLike)");
        }
        if (tag != null) {
            sql.append(" AND p.tags @> CAST(:tags AS text[])");
        }
        if (visibility != null) {
            sql.append(" AND p.visibility = :visibility");
        }
        if (bpmMin != null) {
            sql.append(" AND p.bpm >= :bpmMin");
        }
        if (bpmMax != null) {
            sql.append(" AND p.bpm <= :bpmMax");
        }
        if (key != null) {
            sql.append(" AND lower(p.key_signature) = lower(:key)");
        }
    }

    void appendKeyset(StringBuilder sql) {
        if (cursor != null && sort.keyset != null) {
            sql.append(" AND ").append(sort.keyset);
        }
    }

    String orderBy() {
        return sort.orderBy;
    }

    GenericExecuteSpec bind(GenericExecuteSpec spec) {
        if (text != null) {
            spec = spec.bind("q", text).bind("qLike", "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%");
        }
        if (tag != null) {
            spec = spec.bind("tags", new String[] { tag });
        }
        if (visibility != null) {
            spec = spec.bind("visibility", visibility.wireName());
        }
        if (bpmMin != null) {
            spec = spec.bind("bpmMin", bpmMin);
        }
        if (bpmMax != null) {
            spec = spec.bind("bpmMax", bpmMax);
        }
        if (key != null) {
            spec = spec.bind("key", key);
        }
        if (cursor != null && sort.keyset != null) {
            spec = bindCursor(spec);
        }
        return spec;
    }

    /** The cursor that continues after {@code last}. */
    String cursorAfter(Project last) {
        String position = switch (sort) {
            case UPDATED -> last.updatedAt().toString();
            case CREATED -> last.createdAt().toString();
            case TITLE -> last.title();
            case POPULAR -> Long.toString(last.likeCount());
            case RELEVANCE -> throw new IllegalStateException("relevance pages by offset");
        };
        return Pages.encodeCursor(position, last.id().toString());
    }

    private GenericExecuteSpec bindCursor(GenericExecuteSpec spec) {
        try {
            UUID id = UUID.fromString(cursor.get(1));
            spec = spec.bind("cursorId", id);
            return switch (sort) {
                case UPDATED, CREATED -> spec.bind("cursorTime", ProjectStore.utc(Instant.parse(cursor.get(0))));
                case TITLE -> spec.bind("cursorText", cursor.get(0));
                case POPULAR -> spec.bind("cursorNumber", Integer.parseInt(cursor.get(0)));
                case RELEVANCE -> spec;
            };
        }
        catch (IllegalArgumentException | DateTimeParseException ex) {
            throw ApiProblem.validation("cursor", "is not a cursor this list gave out");
        }
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
