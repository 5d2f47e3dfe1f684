package dev.dawg.projects.patch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** Round-trip and consistency properties of JSON Patch over seeded random documents and operations. */
class JsonPatchPropertyTest {

    private static final int ITERATIONS = 250;
    private static final int LIMITED_ITERATIONS = 1000;
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final JsonMapper JSON = JsonMapper.builder().build();
    // Includes names that look like indices, the append token and characters that need escaping.
    private static final String[] KEYS = {"a", "b", "tracks", "clips", "0", "1", "-", "", "a/b", "m~n", "~1"};

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 42, 2024, 7_777, 123_456_789})
    void shouldRestoreDocumentAfterAddThenRemove(long seed) {
        Random random = new Random(seed);
        for (int i = 0; i < ITERATIONS; i++) {
            JsonNode document = randomContainer(random, 0);
            JsonPointer container = pick(random, containers(document));
            JsonPointer path = freshChild(random, document.at(container.toString()), container);
            JsonNode value = randomValue(random, 2);
            JsonPointer removePath = path.lastToken().equals("-")
                    && document.at(container.toString()).isArray()
                    ? container.append(document.at(container.toString()).size()) : path;

            assertRoundTrip(document, patch(add(path, value), test(removePath, value), remove(removePath)));
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {3, 99, 31_337})
    void shouldRestoreDocumentAfterRemoveThenAddBack(long seed) {
        Random random = new Random(seed);
        for (int i = 0; i < ITERATIONS; i++) {
            JsonNode document = randomContainer(random, 0);
            List<JsonPointer> locations = locations(document, false);
            if (locations.isEmpty()) {
                continue;
            }
            JsonPointer path = pick(random, locations);

            assertRoundTrip(document, patch(remove(path), add(path, document.at(path.toString()))));
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {5, 500, 50_000})
    void shouldRestoreDocumentAfterReplaceThenReplaceBack(long seed) {
        Random random = new Random(seed);
        for (int i = 0; i < ITERATIONS; i++) {
            JsonNode document = randomContainer(random, 0);
            JsonPointer path = pick(random, locations(document, true));
            JsonNode original = document.at(path.toString());

            assertRoundTrip(document, patch(replace(path, randomValue(random, 2)), replace(path, original)));
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {8, 88, 888})
    void shouldRestoreDocumentAfterMoveThereAndBack(long seed) {
        Random random = new Random(seed);
        for (int i = 0; i < ITERATIONS; i++) {
            JsonNode document = randomContainer(random, 0);
            List<JsonPointer> locations = locations(document, false);
            if (locations.isEmpty()) {
                continue;
            }
            JsonPointer from = pick(random, locations);
            JsonPointer parent = from.parent();
            JsonNode siblings = document.at(parent.toString());
            // Moves within the same parent keep every other pointer valid, so the way back is the reverse move.
            JsonPointer to = siblings.isArray()
                    ? parent.append(random.nextInt(siblings.size()))
                    : freshChild(random, siblings, parent);

            assertRoundTrip(document, patch(move(from, to), move(to, from)));
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {13, 1_313})
    void shouldRestoreDocumentAfterCopyThenRemoveCopy(long seed) {
        Random random = new Random(seed);
        for (int i = 0; i < ITERATIONS; i++) {
            JsonNode document = randomContainer(random, 0);
            JsonPointer from = pick(random, locations(document, true));
            JsonPointer container = pick(random, containers(document));
            JsonPointer to = freshChild(random, document.at(container.toString()), container);
            if (to.lastToken().equals("-") && document.at(container.toString()).isArray()) {
                to = container.append(document.at(container.toString()).size());
            }

            assertRoundTrip(document, patch(copy(from, to), test(to, document.at(from.toString())), remove(to)));
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {21, 2_121})
    void shouldPassTestAtEveryLocationWithItsOwnValue(long seed) {
        Random random = new Random(seed);
        for (int i = 0; i < ITERATIONS / 5; i++) {
            JsonNode document = randomContainer(random, 0);
            ArrayNode patch = NODES.arrayNode();
            for (JsonPointer location : locations(document, true)) {
                patch.add(test(location, document.at(location.toString())));
            }

            assertRoundTrip(document, patch);
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {34, 3_434, 343_434})
    void shouldBehaveLikeOperationsAppliedOneByOne(long seed) {
        Random random = new Random(seed);
        int succeeded = 0;
        int failed = 0;
        for (int i = 0; i < ITERATIONS; i++) {
            JsonNode document = randomContainer(random, 0);
            JsonNode snapshot = document.deepCopy();
            ArrayNode ops = NODES.arrayNode();
            for (int n = 1 + random.nextInt(6); n > 0; n--) {
                ops.add(randomOperation(random, document));
            }

            // Expected outcome: a malformed operation anywhere wins, because parsing precedes applying;
            // otherwise the first operation that fails when applied one at a time.
            JsonNode stepwise = document;
            PatchException stepFailure = null;
            int failedAt = -1;
            for (int k = 0; k < ops.size() && stepFailure == null; k++) {
                try {
                    JsonPatch.parse(NODES.arrayNode().add(ops.get(k)));
                } catch (PatchException e) {
                    stepFailure = e;
                    failedAt = k;
                }
            }
            for (int k = 0; k < ops.size() && stepFailure == null; k++) {
                try {
                    stepwise = JsonPatch.parse(NODES.arrayNode().add(ops.get(k))).apply(stepwise);
                } catch (PatchException e) {
                    stepFailure = e;
                    failedAt = k;
                }
            }

            try {
                JsonNode result = JsonPatch.parse(ops).apply(document);
                assertThat(stepFailure).as("whole patch succeeded, so every step must: %s", ops).isNull();
                assertThat(result).isEqualTo(stepwise);
                succeeded++;
            } catch (PatchException e) {
                assertThat(stepFailure).as("patch %s failed with %s", ops, e.getMessage()).isNotNull();
                assertThat(e.reason()).isEqualTo(stepFailure.reason());
                assertThat(e.operationIndex()).hasValue(failedAt);
                failed++;
            }
            assertThat(document).as("input must never change").isEqualTo(snapshot);
        }
        // Guards the generator: the property says little unless both outcomes occur often.
        assertThat(succeeded).isGreaterThan(ITERATIONS / 10);
        assertThat(failed).isGreaterThan(ITERATIONS / 10);
    }

    /**
     * Issue 15, finding 2: with a size limit, no applied patch ever yields a document larger than the limit, written
     * compactly; a patch is refused (TOO_LARGE) at exactly the first operation after which the document, patched one
     * operation at a time without a limit, is larger; and the limit changes nothing else (same result, same failures).
     * A third of the operations copy a location, often the root, into the document: each such copy can double it.
     */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {11, 1_111, 111_111, 8_675_309})
    void shouldNeverLetTheDocumentPassItsLimitAndRefuseOnlyWhenItWould(long seed) {
        Random random = new Random(seed);
        int applied = 0;
        int refused = 0;
        for (int i = 0; i < LIMITED_ITERATIONS; i++) {
            JsonNode document = randomContainer(random, 0);
            ArrayNode ops = NODES.arrayNode();
            for (int n = 1 + random.nextInt(12); n > 0; n--) {
                ops.add(random.nextInt(3) == 0 ? selfCopy(random, document) : randomOperation(random, document));
            }
            JsonPatch patch;
            try {
                patch = JsonPatch.parse(ops);
            } catch (PatchException malformed) {
                continue;
            }
            long limit = written(document) + random.nextInt(3 * (int) written(document) + 1);

            // One operation at a time, without a limit: where the document first passes the limit, or the first failure.
            JsonNode stepwise = document;
            int tooLargeAt = -1;
            PatchException failure = null;
            int failedAt = -1;
            for (int k = 0; k < ops.size() && tooLargeAt < 0 && failure == null; k++) {
                try {
                    stepwise = JsonPatch.parse(NODES.arrayNode().add(ops.get(k))).apply(stepwise);
                    if (written(stepwise) > limit) {
                        tooLargeAt = k;
                    }
                } catch (PatchException e) {
                    failure = e;
                    failedAt = k;
                }
            }

            try {
                JsonNode result = patch.apply(document, limit, Long.MAX_VALUE);
                assertThat(written(result)).as("size of %s patched by %s, limit %d", document, ops, limit).isLessThanOrEqualTo(limit);
                assertThat(tooLargeAt).as("the document passed the limit on the way: %s", ops).isNegative();
                assertThat(failure).as("a step failed: %s", ops).isNull();
                assertThat(result).isEqualTo(stepwise);
                applied++;
            } catch (PatchException e) {
                if (tooLargeAt >= 0) {
                    assertThat(e.reason()).as("%s on %s, limit %d", ops, document, limit).isEqualTo(PatchException.Reason.TOO_LARGE);
                    assertThat(e.operationIndex()).hasValue(tooLargeAt);
                    refused++;
                } else {
                    assertThat(failure).as("%s on %s refused with %s, limit %d", ops, document, e.getMessage(), limit).isNotNull();
                    assertThat(e.reason()).isEqualTo(failure.reason());
                    assertThat(e.operationIndex()).hasValue(failedAt);
                }
            }
        }
        // Guards the generator: both outcomes must be common for the property to say much.
        assertThat(applied).as("applied").isGreaterThan(LIMITED_ITERATIONS / 20);
        assertThat(refused).as("refused").isGreaterThan(LIMITED_ITERATIONS / 20);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {21, 2_121})
    void shouldMeasureADocumentAsJacksonWritesIt(long seed) {
        Random random = new Random(seed);
        for (int i = 0; i < ITERATIONS; i++) {
            JsonNode document = randomContainer(random, 0);
            assertThat(JsonSize.of(document)).as("%s", document).isEqualTo(written(document));
        }
        assertThat(JsonSize.of(NODES.stringNode("tab\tquote\"é€😀"))).isGreaterThanOrEqualTo(written(NODES.stringNode("tab\tquote\"é€😀")));
    }

    /** A copy of any location (the root one time in three) into a new member or element of a container. */
    private static ObjectNode selfCopy(Random random, JsonNode document) {
        JsonPointer from = random.nextInt(3) == 0 ? JsonPointer.ROOT : pick(random, locations(document, true));
        JsonPointer container = pick(random, containers(document));
        return copy(from, freshChild(random, document.at(container.toString()), container));
    }

    private static long written(JsonNode node) {
        return JSON.writeValueAsBytes(node).length;
    }

    private static void assertRoundTrip(JsonNode document, ArrayNode patch) {
        JsonNode snapshot = document.deepCopy();

        JsonNode result = JsonPatch.parse(patch).apply(document);

        assertThat(result).as("patch %s on %s", patch, snapshot).isEqualTo(snapshot);
        assertThat(document).as("input must not change").isEqualTo(snapshot);
    }

    private static ObjectNode randomOperation(Random random, JsonNode document) {
        List<JsonPointer> all = locations(document, true);
        // Mostly valid pointers, sometimes one that does not exist.
        JsonPointer path = random.nextInt(5) == 0
                ? pick(random, all).append(KEYS[random.nextInt(KEYS.length)])
                : pick(random, all);
        JsonPointer other = pick(random, all);
        return switch (random.nextInt(6)) {
            case 0 -> add(path, randomValue(random, 2));
            case 1 -> remove(path);
            case 2 -> replace(path, randomValue(random, 1));
            case 3 -> move(other, path);
            case 4 -> copy(other, path);
            default -> test(path, random.nextBoolean() ? document.at(path.toString()) : randomValue(random, 1));
        };
    }

    private static JsonNode randomValue(Random random, int depth) {
        if (depth >= 4 || random.nextInt(10) < 4) {
            return switch (random.nextInt(6)) {
                case 0 -> NODES.numberNode(random.nextInt(200) - 100);
                case 1 -> NODES.numberNode(random.nextInt(1000) / 8.0);
                case 2 -> NODES.stringNode("s" + random.nextInt(50));
                case 3 -> NODES.booleanNode(random.nextBoolean());
                case 4 -> NODES.nullNode();
                default -> NODES.stringNode(KEYS[random.nextInt(KEYS.length)]);
            };
        }
        return randomContainer(random, depth);
    }

    private static JsonNode randomContainer(Random random, int depth) {
        if (random.nextBoolean()) {
            ArrayNode array = NODES.arrayNode();
            for (int n = random.nextInt(5); n > 0; n--) {
                array.add(randomValue(random, depth + 1));
            }
            return array;
        }
        ObjectNode object = NODES.objectNode();
        for (int n = random.nextInt(5); n > 0; n--) {
            object.set(KEYS[random.nextInt(KEYS.length)], randomValue(random, depth + 1));
        }
        return object;
    }

    /** A pointer one level below {@code container} at which {@code add} creates a new value. */
    private static JsonPointer freshChild(Random random, JsonNode container, JsonPointer pointer) {
        if (container.isArray()) {
            int slot = random.nextInt(container.size() + 2);
            return slot > container.size() ? pointer.append("-") : pointer.append(slot);
        }
        String key = KEYS[random.nextInt(KEYS.length)];
        while (container.has(key)) {
            key = key + "x";
        }
        return pointer.append(key);
    }

    private static List<JsonPointer> locations(JsonNode document, boolean includeRoot) {
        List<JsonPointer> out = new ArrayList<>();
        collect(document, JsonPointer.ROOT, out, false);
        return includeRoot ? out : out.subList(1, out.size());
    }

    private static List<JsonPointer> containers(JsonNode document) {
        List<JsonPointer> out = new ArrayList<>();
        collect(document, JsonPointer.ROOT, out, true);
        return out;
    }

    private static void collect(JsonNode node, JsonPointer at, List<JsonPointer> out, boolean containersOnly) {
        if (!containersOnly || node.isContainer()) {
            out.add(at);
        }
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                collect(node.get(i), at.append(i), out, containersOnly);
            }
        } else if (node.isObject()) {
            for (String name : node.propertyNames()) {
                collect(node.get(name), at.append(name), out, containersOnly);
            }
        }
    }

    private static <T> T pick(Random random, List<T> items) {
        return items.get(random.nextInt(items.size()));
    }

    private static ArrayNode patch(ObjectNode... operations) {
        ArrayNode patch = NODES.arrayNode();
        for (ObjectNode operation : operations) {
            patch.add(operation);
        }
        return patch;
    }

    private static ObjectNode op(String name, JsonPointer path) {
        return NODES.objectNode().put("op", name).put("path", path.toString());
    }

    private static ObjectNode add(JsonPointer path, JsonNode value) {
        return op("add", path).set("value", value.deepCopy());
    }

    private static ObjectNode remove(JsonPointer path) {
        return op("remove", path);
    }

    private static ObjectNode replace(JsonPointer path, JsonNode value) {
        return op("replace", path).set("value", value.deepCopy());
    }

    private static ObjectNode test(JsonPointer path, JsonNode value) {
        return op("test", path).set("value", value.deepCopy());
    }

    private static ObjectNode move(JsonPointer from, JsonPointer path) {
        return op("move", path).put("from", from.toString());
    }

    private static ObjectNode copy(JsonPointer from, JsonPointer path) {
        return op("copy", path).put("from", from.toString());
    }
}
