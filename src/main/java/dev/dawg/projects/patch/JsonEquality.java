package dev.dawg.projects.patch;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;

import tools.jackson.databind.JsonNode;

/** JSON value equality as RFC 6902 {@code test} defines it: numbers by value, object members unordered. */
public final class JsonEquality {

    private JsonEquality() {
    }

    public static boolean equivalent(JsonNode a, JsonNode b) {
        // An explicit stack instead of recursion: documents built up by patches may nest deeper than a parser allows.
        Deque<JsonNode> left = new ArrayDeque<>();
        Deque<JsonNode> right = new ArrayDeque<>();
        left.push(a);
        right.push(b);
        while (!left.isEmpty()) {
            JsonNode x = left.pop();
            JsonNode y = right.pop();
            if (x == y) {
                continue;
            }
            if (x.isNumber() && y.isNumber()) {
                if (!numbersEqual(x, y)) {
                    return false;
                }
                continue;
            }
            if (x.getNodeType() != y.getNodeType() || x.size() != y.size()) {
                return false;
            }
            if (x.isObject()) {
                for (Map.Entry<String, JsonNode> member : x.properties()) {
                    JsonNode other = y.get(member.getKey());
                    if (other == null) {
                        return false;
                    }
                    left.push(member.getValue());
                    right.push(other);
                }
            } else if (x.isArray()) {
                for (int i = 0; i < x.size(); i++) {
                    left.push(x.get(i));
                    right.push(y.get(i));
                }
            } else if (!x.equals(y)) {
                return false;
            }
        }
        return true;
    }

    private static boolean numbersEqual(JsonNode x, JsonNode y) {
        if (x.isIntegralNumber() && y.isIntegralNumber()) {
            return x.bigIntegerValue().equals(y.bigIntegerValue());
        }
        if (!isFinite(x) || !isFinite(y)) {
            return Double.compare(x.doubleValue(), y.doubleValue()) == 0;
        }
        return x.decimalValue().compareTo(y.decimalValue()) == 0;
    }

    private static boolean isFinite(JsonNode number) {
        return !(number.isDouble() || number.isFloat()) || Double.isFinite(number.doubleValue());
    }
}
