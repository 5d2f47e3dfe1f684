package dev.dawg.projects.patch;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import dev.dawg.projects.patch.PatchException.Reason;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** An RFC 6902 JSON Patch: a validated list of operations applied atomically to a copy of a document. */
public record JsonPatch(List<PatchOperation> operations) {

    /** Default cap on the number of operations {@link #parse(JsonNode)} accepts. */
    public static final int DEFAULT_MAX_OPERATIONS = 10_000;

    private static final Set<String> OPS = Set.of("add", "remove", "replace", "move", "copy", "test");

    public JsonPatch {
        operations = List.copyOf(operations);
    }

    /** Parses a patch document with at most {@link #DEFAULT_MAX_OPERATIONS} operations. */
    public static JsonPatch parse(JsonNode patch) {
        return parse(patch, DEFAULT_MAX_OPERATIONS);
    }

    /**
     * Parses a patch document: a JSON array of operation objects. Members an operation does not define are
     * ignored (RFC 6902 section 4). Throws {@link PatchException} with {@code MALFORMED_PATCH} on any
     * structural problem, including more than {@code maxOperations} operations.
     */
    public static JsonPatch parse(JsonNode patch, int maxOperations) {
        if (maxOperations < 0) {
            throw new IllegalArgumentException("maxOperations must not be negative");
        }
        if (patch == null || !patch.isArray()) {
            throw malformed(null, "a JSON Patch must be a JSON array of operation objects");
        }
        if (patch.size() > maxOperations) {
            throw malformed(null, "a JSON Patch may hold at most " + maxOperations + " operations, this one has "
                    + patch.size());
        }
        List<PatchOperation> operations = new ArrayList<>(patch.size());
        for (int i = 0; i < patch.size(); i++) {
            operations.add(parseOperation(patch.get(i), i));
        }
        return new JsonPatch(operations);
    }

    /**
     * Applies every operation in order to a deep copy of {@code document} and returns that copy.
     * {@code document} is never modified; if any operation fails, a {@link PatchException} naming it is thrown
     * and no result is produced.
     */
    public JsonNode apply(JsonNode document) {
        return apply(document, Long.MAX_VALUE);
    }

    /**
     * Like {@link #apply(JsonNode)}, with the document never larger than {@code maxBytes} (written compactly, see
     * {@link JsonSize}) after any operation: its size is kept as operations add and remove values, and an operation
     * that would pass the limit is refused ({@code TOO_LARGE}) before anything is copied. The work an application may
     * do (values measured and copied, array elements shifted) is bounded too, at {@link #WORK_PER_BYTE} times the
     * limit, so that a patch that copies and removes a large value again and again cannot hold a thread for long.
     */
    public JsonNode apply(JsonNode document, long maxBytes) {
        return apply(document, maxBytes, maxBytes > Long.MAX_VALUE / WORK_PER_BYTE ? Long.MAX_VALUE : maxBytes * WORK_PER_BYTE);
    }

    /** Like {@link #apply(JsonNode, long)}, with the work bounded by {@code maxWork} units instead. */
    public JsonNode apply(JsonNode document, long maxBytes, long maxWork) {
        Objects.requireNonNull(document, "document");
        // One copy up front, then in-place edits: per-operation copies would be quadratic on large projects.
        JsonNode copy = document.deepCopy();
        return applyTo(new Working(copy, maxBytes, maxWork, maxBytes != Long.MAX_VALUE ? JsonSize.of(copy) : 0));
    }

    /**
     * Like {@link #apply(JsonNode, long)}, editing {@code document} itself rather than a copy (it is the caller's to
     * give up: after a failure it may be half-patched), and starting from {@code documentBytes}, an upper bound of its
     * compact size that the caller knows (the length of the text it was parsed from), rather than measuring it. Both
     * walks of the whole document are what a small patch of a large document spent most of its time on.
     */
    public JsonNode applyInPlace(JsonNode document, long maxBytes, long documentBytes) {
        Objects.requireNonNull(document, "document");
        return applyTo(new Working(document, maxBytes, maxBytes > Long.MAX_VALUE / WORK_PER_BYTE ? Long.MAX_VALUE : maxBytes * WORK_PER_BYTE,
                documentBytes));
    }

    private JsonNode applyTo(Working working) {
        for (int i = 0; i < operations.size(); i++) {
            PatchOperation operation = operations.get(i);
            try {
                working.apply(operation);
            } catch (PatchException e) {
                throw e.atOperation(i, operation.op());
            }
        }
        return working.root;
    }

    /** How many units of work (bytes measured or copied, elements shifted) a patch may do per byte of the size limit. */
    public static final long WORK_PER_BYTE = 8;

    private static PatchOperation parseOperation(JsonNode node, int index) {
        if (node == null || !node.isObject()) {
            throw malformed(null, "must be a JSON object").atOperation(index, null);
        }
        JsonNode opNode = node.get("op");
        if (opNode == null || !opNode.isString()) {
            throw malformed(null, "member \"op\" is missing or not a string").atOperation(index, null);
        }
        String op = opNode.stringValue();
        try {
            return switch (op) {
                case "add" -> new PatchOperation.Add(pointer(node, "path"), value(node));
                case "remove" -> new PatchOperation.Remove(pointer(node, "path"));
                case "replace" -> new PatchOperation.Replace(pointer(node, "path"), value(node));
                case "move" -> new PatchOperation.Move(pointer(node, "from"), pointer(node, "path"));
                case "copy" -> new PatchOperation.Copy(pointer(node, "from"), pointer(node, "path"));
                case "test" -> new PatchOperation.Test(pointer(node, "path"), value(node));
                default -> throw malformed(null, "unknown op \"" + PatchException.echo(op) + "\"");
            };
        } catch (PatchException e) {
            throw e.atOperation(index, OPS.contains(op) ? op : null);
        }
    }

    private static JsonPointer pointer(JsonNode operation, String member) {
        JsonNode text = operation.get(member);
        if (text == null || !text.isString()) {
            throw malformed(null, "member \"" + member + "\" is missing or not a string");
        }
        return JsonPointer.parse(text.stringValue());
    }

    private static JsonNode value(JsonNode operation) {
        // Jackson maps an explicit "value": null to a NullNode; only an absent member yields Java null.
        JsonNode value = operation.get("value");
        if (value == null) {
            throw malformed(null, "member \"value\" is missing");
        }
        return value;
    }

    private static PatchException malformed(String pointer, String detail) {
        return new PatchException(Reason.MALFORMED_PATCH, pointer, detail);
    }

    /**
     * The mutable copy being patched; {@code root} changes when an operation targets the whole document. It keeps the
     * document's size as values come and go, and refuses an operation that would pass the limit before doing it.
     */
    private static final class Working {

        private JsonNode root;
        private final long maxBytes;
        private final long maxWork;
        private long size;
        private long work;

        Working(JsonNode root, long maxBytes, long maxWork, long size) {
            this.root = root;
            this.maxBytes = maxBytes;
            this.maxWork = maxWork;
            this.size = size;
        }

        void apply(PatchOperation operation) {
            // Java 17: no pattern matching for switch yet, hence the instanceof chain.
            if (operation instanceof PatchOperation.Add add) {
                add(add.path(), add.value(), true, -1);
            } else if (operation instanceof PatchOperation.Remove remove) {
                remove(remove.path(), "path");
            } else if (operation instanceof PatchOperation.Replace replace) {
                replace(replace.path(), replace.value());
            } else if (operation instanceof PatchOperation.Move move) {
                if (move.from().equals(move.path())) {
                    resolve(move.from(), "from");
                } else {
                    add(move.path(), remove(move.from(), "from"), false, -1);
                }
            } else if (operation instanceof PatchOperation.Copy copy) {
                // The whole document's size is known: a copy of it is refused, if it must be, without walking it.
                add(copy.path(), resolve(copy.from(), "from"), true, copy.from().isRoot() ? size : -1);
            } else if (operation instanceof PatchOperation.Test test) {
                if (!JsonEquality.equivalent(resolve(test.path(), "path"), test.value())) {
                    throw new PatchException(Reason.TEST_FAILED, test.path().toString(),
                            "value at " + echo(test.path()) + " does not match the expected value");
                }
            } else {
                throw new IllegalStateException("unhandled operation " + operation.getClass());
            }
        }

        private boolean bounded() {
            return maxBytes != Long.MAX_VALUE;
        }

        /** The size of {@code node}, counted as work. */
        private long measure(JsonNode node) {
            if (!bounded()) {
                return 0;
            }
            long bytes = JsonSize.of(node);
            spend(bytes);
            return bytes;
        }

        private void spend(long units) {
            work += units;
            if (work > maxWork) {
                throw new PatchException(Reason.TOO_LARGE, null, "the patch does more work than a patch may on a document "
                        + "of at most " + maxBytes + " bytes: it copies, moves or shifts too much");
            }
        }

        /** The document grows (or shrinks) by {@code bytes}; refused before anything changes if it would pass the limit. */
        private void grow(long bytes, JsonPointer path) {
            if (bounded() && bytes > 0 && size + bytes > maxBytes) {
                throw new PatchException(Reason.TOO_LARGE, path.toString(), "the patched document would be larger than "
                        + maxBytes + " bytes (at " + echo(path) + ")");
            }
            size += bytes;
        }

        /**
         * Adds {@code value} at {@code path}: a copy of it when {@code copy}, else the node itself (a move).
         * {@code knownSize} is the value's size when already known, else negative.
         */
        private void add(JsonPointer path, JsonNode value, boolean copy, long knownSize) {
            long valueSize = knownSize >= 0 && bounded() ? knownSize : measure(value);
            if (path.isRoot()) {
                grow(valueSize - size, path);
                root = copied(value, copy, valueSize);
                return;
            }
            JsonNode parent = resolve(path.parent(), path, "path");
            String token = path.lastToken();
            if (parent instanceof ObjectNode object) {
                JsonNode existing = object.get(token);
                grow(existing != null ? valueSize - measure(existing)
                        : JsonSize.separators(object.size() + 1) - JsonSize.separators(object.size()) + JsonSize.name(token) + valueSize, path);
                object.set(token, copied(value, copy, valueSize));
            } else if (parent instanceof ArrayNode array) {
                long added = JsonSize.separators(array.size() + 1) - JsonSize.separators(array.size()) + valueSize;
                if (JsonPointer.END_OF_ARRAY.equals(token)) {
                    grow(added, path);
                    array.add(copied(value, copy, valueSize));
                    return;
                }
                int index = index(token, path, "path");
                if (index > array.size()) {
                    throw notFound(path, "path");
                }
                grow(added, path);
                if (bounded()) {
                    spend(array.size() - index);
                }
                array.insert(index, copied(value, copy, valueSize));
            } else {
                throw notContainer(path, path.parent(), "path");
            }
        }

        /** A deep copy, made only once the size it adds was allowed; copying counts as work as well. */
        private JsonNode copied(JsonNode value, boolean copy, long valueSize) {
            if (!copy) {
                return value;
            }
            spend(valueSize);
            return value.deepCopy();
        }

        private JsonNode remove(JsonPointer path, String role) {
            if (path.isRoot()) {
                throw new PatchException(Reason.INVALID_TARGET, "",
                        "the whole document cannot be removed");
            }
            JsonNode parent = resolve(path.parent(), path, role);
            String token = path.lastToken();
            if (parent instanceof ObjectNode object) {
                JsonNode removed = object.remove(token);
                if (removed == null) {
                    throw notFound(path, role);
                }
                grow(-(JsonSize.separators(object.size() + 1) - JsonSize.separators(object.size()) + JsonSize.name(token)
                        + measure(removed)), path);
                return removed;
            }
            if (parent instanceof ArrayNode array) {
                int index = existingIndex(array, token, path, role);
                if (bounded()) {
                    spend(array.size() - index);
                }
                JsonNode removed = array.remove(index);
                grow(-(JsonSize.separators(array.size() + 1) - JsonSize.separators(array.size()) + measure(removed)), path);
                return removed;
            }
            throw notContainer(path, path.parent(), role);
        }

        private void replace(JsonPointer path, JsonNode value) {
            long valueSize = measure(value);
            if (path.isRoot()) {
                grow(valueSize - size, path);
                root = copied(value, true, valueSize);
                return;
            }
            JsonNode parent = resolve(path.parent(), path, "path");
            String token = path.lastToken();
            if (parent instanceof ObjectNode object) {
                JsonNode existing = object.get(token);
                if (existing == null) {
                    throw notFound(path, "path");
                }
                grow(valueSize - measure(existing), path);
                object.set(token, copied(value, true, valueSize));
            } else if (parent instanceof ArrayNode array) {
                int index = existingIndex(array, token, path, "path");
                grow(valueSize - measure(array.get(index)), path);
                array.set(index, copied(value, true, valueSize));
            } else {
                throw notContainer(path, path.parent(), "path");
            }
        }

        private JsonNode resolve(JsonPointer pointer, String role) {
            return resolve(pointer, pointer, role);
        }

        /** Walks to {@code pointer}; errors report {@code reported}, the pointer written in the operation. */
        private JsonNode resolve(JsonPointer pointer, JsonPointer reported, String role) {
            JsonNode current = root;
            List<String> tokens = pointer.tokens();
            for (int i = 0; i < tokens.size(); i++) {
                String token = tokens.get(i);
                if (current instanceof ObjectNode object) {
                    current = object.get(token);
                    if (current == null) {
                        throw notFound(reported, role);
                    }
                } else if (current instanceof ArrayNode array) {
                    current = array.get(existingIndex(array, token, reported, role));
                } else {
                    throw notContainer(reported, new JsonPointer(tokens.subList(0, i)), role);
                }
            }
            return current;
        }

        private static int existingIndex(ArrayNode array, String token, JsonPointer reported, String role) {
            if (JsonPointer.END_OF_ARRAY.equals(token)) {
                // "-" names the slot after the last element, which never holds a value.
                throw notFound(reported, role);
            }
            int index = index(token, reported, role);
            if (index >= array.size()) {
                throw notFound(reported, role);
            }
            return index;
        }

        private static int index(String token, JsonPointer reported, String role) {
            int index = JsonPointer.arrayIndex(token);
            if (index < 0) {
                throw new PatchException(Reason.INVALID_TARGET, reported.toString(),
                        role + " " + echo(reported) + " is invalid: \"" + PatchException.echo(token)
                                + "\" is not an array index");
            }
            return index;
        }

        private static PatchException notFound(JsonPointer reported, String role) {
            return new PatchException(Reason.PATH_NOT_FOUND, reported.toString(),
                    role + " " + echo(reported) + " does not exist");
        }

        private static PatchException notContainer(JsonPointer reported, JsonPointer scalar, String role) {
            return new PatchException(Reason.INVALID_TARGET, reported.toString(),
                    role + " " + echo(reported) + " is invalid: " + (scalar.isRoot() ? "the document" : echo(scalar))
                            + " is neither an object nor an array");
        }

        private static String echo(JsonPointer pointer) {
            return pointer.isRoot() ? "\"\"" : PatchException.echo(pointer.toString());
        }
    }
}
