package dev.dawg.projects;


import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.json.JsonMapper;

/**
 * Whether a document is plainly storable: it holds nothing that jsonb refuses and json takes (a NUL or an unpaired
 * surrogate in a string or a name, a number outside numeric's range), judged from the bytes a client sent (a PUT's, read
 * as tokens, never built into a tree). Such a document is stored as {@code json} directly, without {@code dawg_document}'s second parse as
 * jsonb (a third of a 50 KB write's time in PostgreSQL, issue 20 item 4); any other goes through
 * {@code dawg_document}, which refuses what it must with the 400 every write gives.
 */
final class DocumentCheck {

    private DocumentCheck() {
    }

    /**
     * Whether a document as the client sent it (well-formed JSON already, see
     * {@link dev.dawg.platform.web.JsonBodies#objectKeepingRaw}). Only a document small enough to read on the calling
     * thread ({@link PatchWork#INLINE_MAX_COST}) is read; a larger one, text that is not UTF-8, and any number longer than
     * {@link #PLAIN_NUMBER_LENGTH} characters or with an exponent beyond +/-{@link #PLAIN_EXPONENT} (numeric refuses
     * exponents past 1,000 and more than 131,072 digits) are left to PostgreSQL.
     */
    static boolean plainlyStorable(byte[] document, JsonMapper json) {
        if (document == null || document.length > PatchWork.INLINE_MAX_COST) {
            return false;
        }
        try (JsonParser parser = json.createParser(document)) {
            for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                switch (token) {
                    case PROPERTY_NAME, VALUE_STRING -> {
                        if (!plain(parser.getString())) {
                            return false;
                        }
                    }
                    case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                        if (!plainNumber(parser.getString())) {
                            return false;
                        }
                    }
                    default -> {
                        // Structure, true, false and null: nothing jsonb refuses.
                    }
                }
            }
            return true;
        }
        catch (JacksonException notPlain) {
            return false;
        }
    }

    static final int PLAIN_NUMBER_LENGTH = 400;
    static final int PLAIN_EXPONENT = 300;

    private static boolean plainNumber(String text) {
        if (text.length() > PLAIN_NUMBER_LENGTH) {
            return false;
        }
        int e = Math.max(text.indexOf('e'), text.indexOf('E'));
        if (e < 0) {
            return true;
        }
        String exponent = text.substring(e + 1);
        int digits = exponent.startsWith("+") || exponent.startsWith("-") ? exponent.length() - 1 : exponent.length();
        return digits <= 3 && Math.abs(Integer.parseInt(exponent)) <= PLAIN_EXPONENT;
    }

    /** No NUL and no unpaired surrogate. */
    private static boolean plain(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == 0) {
                return false;
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1))) {
                    return false;
                }
                i++;
            }
            else if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }
}
