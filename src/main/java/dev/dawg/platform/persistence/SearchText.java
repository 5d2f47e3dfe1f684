package dev.dawg.platform.persistence;

import java.util.List;
import java.util.Locale;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;

/**
 * A search text as one PostgreSQL tsquery (english configuration): its web-search reading (quotes, or, -word), OR-ed
 * with all its words, the last one a prefix (a client searching as the user types). For projects and presets alike.
 */
public final class SearchText {

    /** Words of the search text for the prefix query: letters and digits only, so they cannot be to_tsquery syntax. */
    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]+");
    private static final Pattern EXCLUDED_WORD = Pattern.compile("(^|\\s)-\\S");
    private static final int MAX_PREFIX_WORDS = 16;

    private SearchText() {
    }

    /**
     * The tsquery of {@code :q}, and of {@code :qPrefix} when {@code withPrefix}. A sub-select, so that PostgreSQL
     * computes it once per statement: the driver keeps statements prepared, and once PostgreSQL plans one generically
     * the bare function calls were evaluated again for every row checked and ranked (half of a project search's time
     * on 5,000 projects, pgbench with prepared statements).
     */
    public static String tsquery(boolean withPrefix) {
        return withPrefix ? "(SELECT websearch_to_tsquery('english', :q) || to_tsquery('english', :qPrefix))"
                : "(SELECT websearch_to_tsquery('english', :q))";
    }

    /** {@code night & dri:*} for "Night dri", the value of {@code :qPrefix}; null when the text has no word. */
    public static String prefixQuery(String text) {
        // OR-ed with the web-search reading, it would bring back exactly what a quoted phrase or an excluded -word
        // leaves out, so such searches go by the web-search syntax alone.
        if (text.indexOf('"') >= 0 || EXCLUDED_WORD.matcher(text).find()) {
            return null;
        }
        List<String> words = WORD.matcher(text.toLowerCase(Locale.ROOT)).results().map(MatchResult::group)
                .limit(MAX_PREFIX_WORDS).toList();
        return words.isEmpty() ? null : String.join(" & ", words) + ":*";
    }
}
