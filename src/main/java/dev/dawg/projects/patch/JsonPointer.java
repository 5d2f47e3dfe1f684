package dev.dawg.projects.patch;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** An RFC 6901 JSON Pointer as a list of unescaped reference tokens; the empty list is the whole document. */
public record JsonPointer(List<String> tokens) {

    /** Pointers deeper than this are rejected outright so that hostile input cannot force huge walks. */
    public static final int MAX_SEGMENTS = 1_000;

    /** The pointer to the whole document ({@code ""}). */
    public static final JsonPointer ROOT = new JsonPointer(List.of());

    /** The RFC 6902 token that designates the position after the last array element. */
    public static final String END_OF_ARRAY = "-";

    public JsonPointer {
        tokens = List.copyOf(tokens);
        if (tokens.size() > MAX_SEGMENTS) {
            throw tooDeep(null);
        }
    }

    /**
     * Parses the string form; throws {@link PatchException} with {@code MALFORMED_PATCH} on bad syntax
     * (no leading '/', '~' not followed by '0' or '1') or more than {@link #MAX_SEGMENTS} segments.
     */
    public static JsonPointer parse(String text) {
        Objects.requireNonNull(text, "text");
        if (text.isEmpty()) {
            return ROOT;
        }
        if (text.charAt(0) != '/') {
            throw new PatchException(PatchException.Reason.MALFORMED_PATCH, text,
                    "invalid JSON pointer \"" + PatchException.echo(text) + "\": must be empty or start with '/'");
        }
        List<String> tokens = new ArrayList<>();
        StringBuilder token = new StringBuilder();
        for (int i = 1; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '/') {
                tokens.add(token.toString());
                token.setLength(0);
                if (tokens.size() >= MAX_SEGMENTS) {
                    // Checked while scanning so a megabyte of slashes never becomes a megabyte-long list.
                    throw tooDeep(text);
                }
            } else if (c == '~') {
                char next = i + 1 < text.length() ? text.charAt(i + 1) : 0;
                if (next == '0') {
                    token.append('~');
                } else if (next == '1') {
                    token.append('/');
                } else {
                    throw new PatchException(PatchException.Reason.MALFORMED_PATCH, text,
                            "invalid JSON pointer \"" + PatchException.echo(text)
                                    + "\": '~' must be followed by '0' or '1'");
                }
                i++;
            } else {
                token.append(c);
            }
        }
        tokens.add(token.toString());
        return new JsonPointer(tokens);
    }

    /** A pointer built from unescaped tokens, e.g. {@code of("tracks", "0")} is {@code /tracks/0}. */
    public static JsonPointer of(String... tokens) {
        return new JsonPointer(List.of(tokens));
    }

    public boolean isRoot() {
        return tokens.isEmpty();
    }

    public int depth() {
        return tokens.size();
    }

    /** The pointer to the containing value; the root has no parent. */
    public JsonPointer parent() {
        if (isRoot()) {
            throw new IllegalStateException("the root pointer has no parent");
        }
        return new JsonPointer(tokens.subList(0, tokens.size() - 1));
    }

    /** The last (unescaped) token; the root has none. */
    public String lastToken() {
        if (isRoot()) {
            throw new IllegalStateException("the root pointer has no tokens");
        }
        return tokens.get(tokens.size() - 1);
    }

    public JsonPointer append(String token) {
        List<String> longer = new ArrayList<>(tokens.size() + 1);
        longer.addAll(tokens);
        longer.add(token);
        return new JsonPointer(longer);
    }

    public JsonPointer append(int index) {
        return append(Integer.toString(index));
    }

    /** True if {@code other} lies strictly inside the value this pointer designates. */
    public boolean isProperPrefixOf(JsonPointer other) {
        return tokens.size() < other.tokens.size() && other.tokens.subList(0, tokens.size()).equals(tokens);
    }

    /**
     * The array index a token denotes, per RFC 6901: {@code 0} or a digit string without leading zeros.
     * Returns -1 for anything else; indices beyond {@code int} range saturate to {@link Integer#MAX_VALUE},
     * which is past the end of any array.
     */
    public static int arrayIndex(String token) {
        int length = token.length();
        if (length == 0 || (length > 1 && token.charAt(0) == '0')) {
            return -1;
        }
        long value = 0;
        for (int i = 0; i < length; i++) {
            char c = token.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = Math.min(value * 10 + (c - '0'), Integer.MAX_VALUE);
        }
        return (int) value;
    }

    /** The escaped string form, e.g. {@code /a~1b/m~0n}. */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder();
        for (String token : tokens) {
            out.append('/');
            for (int i = 0; i < token.length(); i++) {
                char c = token.charAt(i);
                if (c == '~') {
                    out.append("~0");
                } else if (c == '/') {
                    out.append("~1");
                } else {
                    out.append(c);
                }
            }
        }
        return out.toString();
    }

    private static PatchException tooDeep(String text) {
        return new PatchException(PatchException.Reason.MALFORMED_PATCH, text,
                "JSON pointer has more than " + MAX_SEGMENTS + " segments");
    }
}
