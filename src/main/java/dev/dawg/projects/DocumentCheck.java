package dev.dawg.projects;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;

import tools.jackson.databind.JsonNode;

/**
 * Whether a document the server serialises from a parsed tree (a patched one) is plainly storable: it holds nothing
 * that jsonb refuses and json takes (a NUL or an unpaired surrogate in a string or a name, a number that is not finite
 * or not a double). Such a document is stored as {@code json} directly, without {@code dawg_document}'s second parse as
 * jsonb (a third of a 50 KB write's time in PostgreSQL, issue 20 item 4); any other goes through
 * {@code dawg_document}, which refuses what it must with the 400 every write gives.
 */
final class DocumentCheck {

    private DocumentCheck() {
    }

    static boolean plainlyStorable(JsonNode document) {
        if (document == null || !document.isObject()) {
            return false;
        }
        Deque<JsonNode> pending = new ArrayDeque<>();
        pending.push(document);
        while (!pending.isEmpty()) {
            JsonNode node = pending.pop();
            if (node.isObject()) {
                for (Map.Entry<String, JsonNode> member : node.properties()) {
                    if (!plain(member.getKey())) {
                        return false;
                    }
                    pending.push(member.getValue());
                }
            }
            else if (node.isArray()) {
                for (JsonNode element : node.values()) {
                    pending.push(element);
                }
            }
            else if (node.isString()) {
                if (!plain(node.stringValue())) {
                    return false;
                }
            }
            else if (node.isNumber()) {
                // Integers of int or long range and finite doubles are written as numeric takes them; a big integer
                // or decimal (or anything else) is left to PostgreSQL to judge.
                if (!(node.isInt() || node.isLong() || (node.isDouble() && Double.isFinite(node.doubleValue())))) {
                    return false;
                }
            }
            else if (!node.isBoolean() && !node.isNull()) {
                return false;
            }
        }
        return true;
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
