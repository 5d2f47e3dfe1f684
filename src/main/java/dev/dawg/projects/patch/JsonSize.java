package dev.dawg.projects.patch;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;

import tools.jackson.databind.JsonNode;

/**
 * The size of a JSON value written compactly, in UTF-8 bytes, counted from the tree without writing it: exact but for
 * control characters (counted as six bytes, their longest escape) and non-integral numbers (their Java text), so
 * never below the size of what Jackson writes.
 */
public final class JsonSize {

    private JsonSize() {
    }

    /** The bytes {@code node} takes (iteratively: a deeply nested value must not exhaust the stack). */
    public static long of(JsonNode node) {
        long total = 0;
        Deque<JsonNode> pending = new ArrayDeque<>();
        pending.push(node);
        while (!pending.isEmpty()) {
            JsonNode next = pending.pop();
            if (next.isObject()) {
                total += 2 + separators(next.size());
                for (Map.Entry<String, JsonNode> member : next.properties()) {
                    total += name(member.getKey());
                    pending.push(member.getValue());
                }
            }
            else if (next.isArray()) {
                total += 2 + separators(next.size());
                for (JsonNode element : next) {
                    pending.push(element);
                }
            }
            else {
                total += scalar(next);
            }
        }
        return total;
    }

    /** A member's name as written before its value: quoted, and the colon. */
    static long name(String name) {
        return string(name) + 1;
    }

    /** The commas between {@code count} members or elements. */
    static long separators(int count) {
        return Math.max(0, count - 1);
    }

    private static long scalar(JsonNode node) {
        if (node.isString()) {
            return string(node.stringValue());
        }
        if (node.isNull()) {
            return 4;
        }
        if (node.isBoolean()) {
            return node.booleanValue() ? 4 : 5;
        }
        if (node.isNumber()) {
            return node.numberValue().toString().length();
        }
        return string(node.asString());
    }

    private static long string(String text) {
        long bytes = 2;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                bytes += 2;
            }
            else if (c < 0x20) {
                bytes += 6;
            }
            else if (c < 0x80) {
                bytes += 1;
            }
            else if (c < 0x800 || Character.isSurrogate(c)) {
                bytes += 2; // a surrogate pair is four bytes, two per char
            }
            else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
