package dev.dawg.projects.patch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.dawg.projects.patch.PatchException.Reason;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

class JsonPatchTest {

    private static final String PROJECT = """
            {"id": "p1", "name": "Demo", "bpm": 120,
             "projectData": {
               "tracks": [
                 {"id": "t1", "name": "Drums", "volume": 0.8,
                  "clips": [{"id": "c1", "start": 0, "length": 4, "notes": [{"pitch": 36, "t": 0}]},
                            {"id": "c2", "start": 4, "length": 4, "notes": []}]},
                 {"id": "t2", "name": "Bass", "volume": 0.7, "clips": []},
                 {"id": "t3", "name": "Keys", "volume": 1.0, "clips": [{"id": "c3", "start": 8, "length": 2}]}
               ]}}""";

    private static JsonNode apply(String document, String patch) {
        return JsonPatch.parse(Json.parse(patch)).apply(Json.parse(document));
    }

    private static PatchException failure(String document, String patch) {
        PatchException error = catchThrowableOfType(PatchException.class, () -> apply(document, patch));
        assertThat(error).as("patch should fail").isNotNull();
        return error;
    }

    @Nested
    class DawDocuments {

        @Test
        void shouldEditArraysNestedInTracksAndClips() {
            JsonNode result = apply(PROJECT, """
                    [{"op": "test", "path": "/projectData/tracks/0/clips/1/id", "value": "c2"},
                     {"op": "replace", "path": "/projectData/tracks/0/clips/1/start", "value": 8},
                     {"op": "add", "path": "/projectData/tracks/0/clips/0/notes/-", "value": {"pitch": 38, "t": 1}},
                     {"op": "move", "from": "/projectData/tracks/0/clips/1", "path": "/projectData/tracks/1/clips/0"},
                     {"op": "copy", "from": "/projectData/tracks/2/clips/0", "path": "/projectData/tracks/2/clips/-"},
                     {"op": "replace", "path": "/projectData/tracks/2/clips/1/id", "value": "c4"},
                     {"op": "remove", "path": "/projectData/tracks/0/volume"}]""");

            JsonNode tracks = result.at("/projectData/tracks");
            assertThat(tracks.get(0).has("volume")).isFalse();
            assertThat(tracks.get(0).get("clips")).hasSize(1);
            assertThat(tracks.get(0).at("/clips/0/notes")).isEqualTo(Json.parse("[{\"pitch\":36,\"t\":0},{\"pitch\":38,\"t\":1}]"));
            assertThat(tracks.get(1).get("clips")).isEqualTo(Json.parse("[{\"id\":\"c2\",\"start\":8,\"length\":4,\"notes\":[]}]"));
            assertThat(tracks.get(2).get("clips")).isEqualTo(Json.parse(
                    "[{\"id\":\"c3\",\"start\":8,\"length\":2},{\"id\":\"c4\",\"start\":8,\"length\":2}]"));
        }

        @Test
        void shouldReorderTracksWithMove() {
            JsonNode result = apply(PROJECT, "[{\"op\": \"move\", \"from\": \"/projectData/tracks/2\", \"path\": \"/projectData/tracks/0\"}]");

            assertThat(result.at("/projectData/tracks").findValuesAsString("name")).containsExactly("Keys", "Drums", "Bass");
        }

        @Test
        void shouldNameOperationAndPathInErrorMessage() {
            PatchException error = failure(PROJECT, """
                    [{"op": "test", "path": "/bpm", "value": 120},
                     {"op": "replace", "path": "/bpm", "value": 128},
                     {"op": "add", "path": "/projectData/tracks/0/muted", "value": true},
                     {"op": "replace", "path": "/projectData/tracks/7", "value": {}}]""");

            assertThat(error.reason()).isEqualTo(Reason.PATH_NOT_FOUND);
            assertThat(error.reason().httpStatus()).isEqualTo(422);
            assertThat(error.operationIndex()).hasValue(3);
            assertThat(error.operation()).contains("replace");
            assertThat(error.pointer()).contains("/projectData/tracks/7");
            assertThat(error).hasMessage("operation 3 (replace): path /projectData/tracks/7 does not exist");
        }
    }

    @Nested
    class Errors {

        @ParameterizedTest(name = "{0}")
        @CsvSource(delimiter = '|', textBlock = """
                not an array                 | {"op": "add", "path": "/a", "value": 1}
                array of strings             | ["add"]
                missing op                   | [{"path": "/a", "value": 1}]
                op not a string              | [{"op": true, "path": "/a"}]
                unknown op                   | [{"op": "merge", "path": "/a", "value": 1}]
                op with wrong case           | [{"op": "ADD", "path": "/a", "value": 1}]
                missing path                 | [{"op": "remove"}]
                path not a string            | [{"op": "remove", "path": 1}]
                path null                    | [{"op": "remove", "path": null}]
                path without slash           | [{"op": "remove", "path": "a"}]
                bad escape                   | [{"op": "remove", "path": "/a~"}]
                missing value for add        | [{"op": "add", "path": "/a"}]
                missing value for replace    | [{"op": "replace", "path": "/a"}]
                missing value for test       | [{"op": "test", "path": "/a"}]
                missing from for move        | [{"op": "move", "path": "/a"}]
                missing from for copy        | [{"op": "copy", "path": "/a"}]
                from not a string            | [{"op": "copy", "from": ["a"], "path": "/a"}]
                move into own child          | [{"op": "move", "from": "/a", "path": "/a/b"}]
                move root into child         | [{"op": "move", "from": "", "path": "/a"}]
                """)
        void shouldReportMalformedPatch(String description, String patch) {
            PatchException error = failure("{\"a\": {\"b\": 1}}", patch);

            assertThat(error.reason()).isEqualTo(Reason.MALFORMED_PATCH);
            assertThat(error.reason().httpStatus()).isEqualTo(400);
        }

        @Test
        void shouldReportMalformedPatchBeforeTouchingTheDocument() {
            // The second operation is malformed, so even the valid first one must not be judged against the document.
            PatchException error = failure("{}", "[{\"op\": \"remove\", \"path\": \"/missing\"}, {\"op\": \"nope\"}]");

            assertThat(error.reason()).isEqualTo(Reason.MALFORMED_PATCH);
            assertThat(error.operationIndex()).hasValue(1);
            assertThat(error.operation()).isEmpty();
            assertThat(error).hasMessage("operation 1: unknown op \"nope\"");
        }

        @Test
        void shouldReportMalformedPatchWithoutOperationIndexForNonArray() {
            PatchException error = catchThrowableOfType(PatchException.class, () -> JsonPatch.parse(Json.parse("{}")));

            assertThat(error.reason()).isEqualTo(Reason.MALFORMED_PATCH);
            assertThat(error.operationIndex()).isEmpty();
        }

        @Test
        void shouldAttributeMissingValueToItsOperation() {
            PatchException error = failure("{}", "[{\"op\": \"add\", \"path\": \"/a\", \"value\": 1}, {\"op\": \"add\", \"path\": \"/b\"}]");

            assertThat(error).hasMessage("operation 1 (add): member \"value\" is missing");
        }

        @ParameterizedTest(name = "{0}")
        @CsvSource(delimiter = '|', textBlock = """
                missing member              | [{"op": "remove", "path": "/nope"}]
                missing parent              | [{"op": "add", "path": "/nope/x", "value": 1}]
                index out of range          | [{"op": "replace", "path": "/list/3", "value": 1}]
                add past end                | [{"op": "add", "path": "/list/4", "value": 1}]
                dash for replace            | [{"op": "replace", "path": "/list/-", "value": 1}]
                dash in the middle          | [{"op": "add", "path": "/list/-/x", "value": 1}]
                move from missing           | [{"op": "move", "from": "/nope", "path": "/x"}]
                copy from missing           | [{"op": "copy", "from": "/list/9", "path": "/x"}]
                test missing                | [{"op": "test", "path": "/nope", "value": null}]
                huge index                  | [{"op": "remove", "path": "/list/99999999999999999999"}]
                """)
        void shouldReportPathNotFound(String description, String patch) {
            PatchException error = failure("{\"list\": [1, 2, 3], \"n\": 5}", patch);

            assertThat(error.reason()).isEqualTo(Reason.PATH_NOT_FOUND);
            assertThat(error.reason().httpStatus()).isEqualTo(422);
            assertThat(error.operationIndex()).hasValue(0);
        }

        @ParameterizedTest(name = "{0}")
        @CsvSource(delimiter = '|', textBlock = """
                path into a number          | [{"op": "add", "path": "/n/x", "value": 1}]
                deep path into a number     | [{"op": "test", "path": "/n/x/y", "value": 1}]
                leading zero index          | [{"op": "remove", "path": "/list/01"}]
                negative index              | [{"op": "add", "path": "/list/-1", "value": 1}]
                member name on array        | [{"op": "replace", "path": "/list/first", "value": 1}]
                remove the document         | [{"op": "remove", "path": ""}]
                """)
        void shouldReportInvalidTarget(String description, String patch) {
            PatchException error = failure("{\"list\": [1, 2, 3], \"n\": 5}", patch);

            assertThat(error.reason()).isEqualTo(Reason.INVALID_TARGET);
            assertThat(error.reason().httpStatus()).isEqualTo(422);
        }

        @Test
        void shouldExplainWhichPrefixIsAScalar() {
            PatchException error = failure("{\"n\": 5}", "[{\"op\": \"add\", \"path\": \"/n/x/y\", \"value\": 1}]");

            assertThat(error).hasMessage("operation 0 (add): path /n/x/y is invalid: /n is neither an object nor an array");
        }

        @Test
        void shouldReportTestFailedWithoutEchoingValues() {
            PatchException error = failure("{\"secret\": \"s3cr3t\"}", "[{\"op\": \"test\", \"path\": \"/secret\", \"value\": \"guess\"}]");

            assertThat(error.reason()).isEqualTo(Reason.TEST_FAILED);
            assertThat(error.reason().httpStatus()).isEqualTo(409);
            assertThat(error).hasMessage("operation 0 (test): value at /secret does not match the expected value");
        }

        @Test
        void shouldKeepMessagesShortAndFreeOfControlCharacters() {
            String longName = "x".repeat(5_000) + "\n\u0000";
            ObjectNode op = JsonNodeFactory.instance.objectNode().put("op", "remove").put("path", "/" + longName);
            ArrayNode patch = JsonNodeFactory.instance.arrayNode().add(op);

            PatchException error = catchThrowableOfType(PatchException.class,
                    () -> JsonPatch.parse(patch).apply(JsonNodeFactory.instance.objectNode()));

            assertThat(error.getMessage()).hasSizeLessThan(400).doesNotContain("\n", "\u0000");
            assertThat(error.pointer()).contains("/" + longName);
            assertThat(error.getStackTrace()).isEmpty();
        }
    }

    @Nested
    class Limits {

        @Test
        void shouldRejectMoreOperationsThanTheLimit() {
            ArrayNode patch = JsonNodeFactory.instance.arrayNode();
            for (int i = 0; i < 11; i++) {
                patch.addObject().put("op", "test").put("path", "").putObject("value");
            }

            assertThatThrownBy(() -> JsonPatch.parse(patch, 10))
                    .isInstanceOfSatisfying(PatchException.class, e -> {
                        assertThat(e.reason()).isEqualTo(Reason.MALFORMED_PATCH);
                        assertThat(e.operationIndex()).isEmpty();
                    });
            assertThat(JsonPatch.parse(patch, 11).operations()).hasSize(11);
        }

        @Test
        void shouldApplyTheDefaultOperationLimit() {
            ArrayNode patch = JsonNodeFactory.instance.arrayNode();
            for (int i = 0; i <= JsonPatch.DEFAULT_MAX_OPERATIONS; i++) {
                patch.addObject().put("op", "add").put("path", "/-").put("value", i);
            }

            assertThatThrownBy(() -> JsonPatch.parse(patch))
                    .isInstanceOfSatisfying(PatchException.class, e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED_PATCH))
                    .hasMessageContaining("at most 10000 operations");
            patch.remove(0);
            assertThat(JsonPatch.parse(patch).apply(JsonNodeFactory.instance.arrayNode())).hasSize(10_000);
        }

        @Test
        void shouldRejectPointerWithMoreThanThousandSegments() {
            String path = "/a".repeat(1_001);

            PatchException error = failure("{}", "[{\"op\": \"add\", \"path\": \"" + path + "\", \"value\": 1}]");

            assertThat(error.reason()).isEqualTo(Reason.MALFORMED_PATCH);
            assertThat(error.operationIndex()).hasValue(0);
        }

        @Test
        @Timeout(value = 20, unit = TimeUnit.SECONDS)
        void shouldPatchLargeDocumentsWithoutCopyingPerOperation() {
            // About 5 MB of JSON: 200 tracks x 100 clips.
            ObjectNode project = JsonNodeFactory.instance.objectNode();
            ArrayNode tracks = project.putObject("projectData").putArray("tracks");
            for (int t = 0; t < 200; t++) {
                ArrayNode clips = tracks.addObject().put("id", "t" + t).putArray("clips");
                for (int c = 0; c < 100; c++) {
                    clips.addObject().put("id", "c" + c).put("start", c * 4).put("length", 4)
                            .put("name", "clip number " + c + " on track " + t + " with a longish label");
                }
            }
            ArrayNode patch = JsonNodeFactory.instance.arrayNode();
            for (int i = 0; i < 5_000; i++) {
                patch.addObject().put("op", "replace").put("path", "/projectData/tracks/" + (i % 200) + "/clips/" + (i % 100) + "/start")
                        .put("value", i);
            }
            JsonPatch parsed = JsonPatch.parse(patch);

            JsonNode result = parsed.apply(project);

            assertThat(result.at("/projectData/tracks/199/clips/99/start").intValue()).isEqualTo(4_999);
            assertThat(project.at("/projectData/tracks/199/clips/99/start").intValue()).isEqualTo(396);
        }
    }

    @Nested
    class InPlace {

        private static final String EDIT = """
                [{"op": "replace", "path": "/projectData/tracks/0/volume", "value": 0.5},
                 {"op": "add", "path": "/projectData/tracks/1/clips/-", "value": {"id": "c9", "start": 0}},
                 {"op": "copy", "from": "/projectData/tracks/2/clips/0", "path": "/projectData/tracks/0/clips/-"},
                 {"op": "remove", "path": "/projectData/tracks/2/name"}]""";

        @Test
        void shouldGiveWhatACopyingApplicationGivesEditingTheDocumentItself() {
            JsonPatch patch = JsonPatch.parse(Json.parse(EDIT));
            JsonNode document = Json.parse(PROJECT);

            JsonNode result = patch.applyInPlace(document, 1_000_000, PROJECT.length());

            assertThat(result).isSameAs(document).isEqualTo(patch.apply(Json.parse(PROJECT)));
        }

        @Test
        void shouldBoundTheDocumentFromTheSizeTheCallerKnows() {
            JsonPatch grow = JsonPatch.parse(Json.parse("[{\"op\": \"add\", \"path\": \"/projectData/pad\", \"value\": \"" + "x".repeat(100) + "\"}]"));
            long size = JsonSize.of(Json.parse(PROJECT));

            assertThat(grow.applyInPlace(Json.parse(PROJECT), size + 120, size).at("/projectData/pad").stringValue()).hasSize(100);
            // The same patch of a document the caller says is 100 bytes larger (text with spacing) passes the limit.
            PatchException error = catchThrowableOfType(PatchException.class, () -> grow.applyInPlace(Json.parse(PROJECT), size + 120, size + 100));
            assertThat(error.reason()).isEqualTo(Reason.TOO_LARGE);
        }
    }

    @Nested
    class MergeInPlace {

        @Test
        void shouldGiveWhatACopyingMergeGivesAndShareNoNodesWithThePatch() {
            ObjectNode patch = (ObjectNode) Json.parse("{\"name\": null, \"projectData\": {\"tracks\": [{\"id\": \"t9\"}], \"tempo\": 90}}");
            ObjectNode document = (ObjectNode) Json.parse(PROJECT);

            ObjectNode result = JsonMergePatch.mergeInPlace(document, patch);

            assertThat(result).isSameAs(document).isEqualTo(JsonMergePatch.apply(Json.parse(PROJECT), patch));
            ((ObjectNode) result.at("/projectData/tracks/0")).put("id", "changed");
            assertThat(patch.at("/projectData/tracks/0/id").stringValue()).isEqualTo("t9");
        }
    }

    @Nested
    class AtomicityAndImmutability {

        @Test
        void shouldLeaveOriginalUnchangedWhenOperationTwoFails() {
            JsonNode document = Json.parse(PROJECT);
            JsonNode snapshot = document.deepCopy();
            JsonPatch patch = JsonPatch.parse(Json.parse("""
                    [{"op": "replace", "path": "/name", "value": "Renamed"},
                     {"op": "remove", "path": "/projectData/tracks/0"},
                     {"op": "test", "path": "/bpm", "value": 90},
                     {"op": "add", "path": "/late", "value": 1}]"""));

            PatchException error = catchThrowableOfType(PatchException.class, () -> patch.apply(document));

            assertThat(error.reason()).isEqualTo(Reason.TEST_FAILED);
            assertThat(error.operationIndex()).hasValue(2);
            assertThat(document).isEqualTo(snapshot);
        }

        @Test
        void shouldNotMutateInputOnSuccess() {
            JsonNode document = Json.parse(PROJECT);
            JsonNode snapshot = document.deepCopy();

            JsonNode result = JsonPatch.parse(Json.parse("""
                    [{"op": "remove", "path": "/projectData/tracks/0/clips/0/notes/0"},
                     {"op": "move", "from": "/projectData/tracks/2", "path": "/projectData/tracks/0"},
                     {"op": "replace", "path": "", "value": {"replaced": true}}]""")).apply(document);

            assertThat(result).isEqualTo(Json.parse("{\"replaced\": true}"));
            assertThat(document).isEqualTo(snapshot);
        }

        @Test
        void shouldReturnNewDocumentEvenForEmptyPatch() {
            JsonNode document = Json.parse(PROJECT);

            JsonNode result = JsonPatch.parse(Json.parse("[]")).apply(document);

            assertThat(result).isEqualTo(document).isNotSameAs(document);
            ((ObjectNode) result).put("name", "changed");
            assertThat(document.get("name").stringValue()).isEqualTo("Demo");
        }

        @Test
        void shouldNotShareValueNodesBetweenPatchAndResults() {
            JsonNode patchJson = Json.parse("[{\"op\": \"add\", \"path\": \"/clip\", \"value\": {\"id\": \"c9\"}}]");
            JsonPatch patch = JsonPatch.parse(patchJson);

            JsonNode first = patch.apply(Json.parse("{}"));
            ((ObjectNode) first.get("clip")).put("id", "mutated");
            JsonNode second = patch.apply(Json.parse("{}"));

            assertThat(second.at("/clip/id").stringValue()).isEqualTo("c9");
            assertThat(patchJson.at("/0/value/id").stringValue()).isEqualTo("c9");
        }

        @Test
        void shouldCopyIndependentlyOfSource() {
            JsonNode result = apply("{\"a\": {\"x\": 1}}", """
                    [{"op": "copy", "from": "/a", "path": "/b"},
                     {"op": "replace", "path": "/b/x", "value": 2}]""");

            assertThat(result).isEqualTo(Json.parse("{\"a\": {\"x\": 1}, \"b\": {\"x\": 2}}"));
        }
    }

    @Nested
    class Semantics {

        @Test
        void shouldDistinguishExplicitNullValueFromMissingValue() {
            assertThat(apply("{}", "[{\"op\": \"add\", \"path\": \"/a\", \"value\": null}]")).isEqualTo(Json.parse("{\"a\": null}"));
            assertThat(failure("{}", "[{\"op\": \"add\", \"path\": \"/a\"}]").reason()).isEqualTo(Reason.MALFORMED_PATCH);
        }

        @ParameterizedTest(name = "{0} equals {1}")
        @CsvSource(delimiter = '|', textBlock = """
                1                          | 1.0
                1.0                        | 1
                100                        | 1e2
                1.50                       | 1.5
                -0                         | 0
                0.0                        | -0.0
                100000000000000000000      | 1e20
                {"a": 1, "b": [2.0]}       | {"b": [2], "a": 1.00}
                """)
        void shouldCompareNumbersByValueInTest(String actual, String expected) {
            String document = "{\"v\": " + actual + "}";

            assertThat(apply(document, "[{\"op\": \"test\", \"path\": \"/v\", \"value\": " + expected + "}]"))
                    .isEqualTo(Json.parse(document));
        }

        @ParameterizedTest(name = "{0} differs from {1}")
        @CsvSource(delimiter = '|', textBlock = """
                1                          | 1.0000001
                1                          | "1"
                0                          | false
                0                          | null
                [1, 2]                     | [1, 2, 3]
                {"a": 1}                   | {"a": 1, "b": null}
                {"a": 1}                   | {"b": 1}
                "abc"                      | "ABC"
                """)
        void shouldFailTestForDifferentValues(String actual, String expected) {
            PatchException error = failure("{\"v\": " + actual + "}", "[{\"op\": \"test\", \"path\": \"/v\", \"value\": " + expected + "}]");

            assertThat(error.reason()).isEqualTo(Reason.TEST_FAILED);
        }

        @Test
        void shouldExposeParsedOperations() {
            JsonPatch patch = JsonPatch.parse(Json.parse("""
                    [{"op": "add", "path": "/a~1b", "value": 1},
                     {"op": "remove", "path": "/x"},
                     {"op": "replace", "path": "/y", "value": null},
                     {"op": "move", "from": "/p", "path": "/q"},
                     {"op": "copy", "from": "/q", "path": "/r"},
                     {"op": "test", "path": "", "value": {}}]"""));

            assertThat(patch.operations()).extracting(PatchOperation::op)
                    .containsExactly("add", "remove", "replace", "move", "copy", "test");
            assertThat(patch.operations().get(0)).isEqualTo(
                    new PatchOperation.Add(JsonPointer.of("a/b"), Json.parse("1")));
            assertThat(patch.operations().get(3)).isEqualTo(
                    new PatchOperation.Move(JsonPointer.parse("/p"), JsonPointer.parse("/q")));
        }

        @Test
        void shouldApplyProgrammaticallyBuiltPatch() {
            JsonPatch patch = new JsonPatch(java.util.List.of(
                    new PatchOperation.Add(JsonPointer.of("tracks", "-"), Json.parse("{\"id\": \"t9\"}")),
                    new PatchOperation.Test(JsonPointer.of("tracks", "0", "id"), Json.parse("\"t9\""))));

            assertThat(patch.apply(Json.parse("{\"tracks\": []}"))).isEqualTo(Json.parse("{\"tracks\": [{\"id\": \"t9\"}]}"));
        }

        @Test
        void shouldRejectProgrammaticMoveIntoOwnChild() {
            assertThatThrownBy(() -> new PatchOperation.Move(JsonPointer.parse("/tracks/0"), JsonPointer.parse("/tracks/0/clips/0")))
                    .isInstanceOfSatisfying(PatchException.class, e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED_PATCH))
                    .hasMessage("cannot move /tracks/0 into its own child /tracks/0/clips/0");
        }

        @Test
        void shouldMoveArrayElementToEndWithDash() {
            assertThat(apply("[1, 2, 3]", "[{\"op\": \"move\", \"from\": \"/0\", \"path\": \"/-\"}]"))
                    .isEqualTo(Json.parse("[2, 3, 1]"));
        }

        @Test
        void shouldSeeEarlierOperationsInLaterOnes() {
            assertThat(apply("{}", """
                    [{"op": "add", "path": "/tracks", "value": []},
                     {"op": "add", "path": "/tracks/0", "value": {"clips": []}},
                     {"op": "add", "path": "/tracks/0/clips/-", "value": 1},
                     {"op": "test", "path": "/tracks/0/clips/0", "value": 1.0}]"""))
                    .isEqualTo(Json.parse("{\"tracks\": [{\"clips\": [1]}]}"));
        }
    }
}
