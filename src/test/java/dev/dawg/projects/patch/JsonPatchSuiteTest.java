package dev.dawg.projects.patch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.stream.Stream;

import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import tools.jackson.databind.JsonNode;

/** Data-driven JSON Patch cases: RFC 6902 Appendix A and a suite modelled on json-patch-tests. */
class JsonPatchSuiteTest {

    static Stream<Arguments> rfc6902AppendixA() {
        return cases("/patch/rfc6902-appendix-a.json");
    }

    static Stream<Arguments> jsonPatchSuite() {
        return cases("/patch/json-patch-suite.json");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rfc6902AppendixA")
    void shouldMatchRfc6902AppendixA(JsonNode testCase) {
        assertCase(testCase);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jsonPatchSuite")
    void shouldMatchJsonPatchSuite(JsonNode testCase) {
        assertCase(testCase);
    }

    private static Stream<Arguments> cases(String resource) {
        return Json.resourceArray(resource).stream()
                .filter(testCase -> !testCase.path("disabled").asBoolean(false))
                .map(testCase -> Arguments.of(Named.of(testCase.get("comment").stringValue(), testCase)));
    }

    private static void assertCase(JsonNode testCase) {
        JsonNode doc = testCase.get("doc");
        JsonNode original = doc.deepCopy();
        if (testCase.has("expected")) {
            JsonNode result = JsonPatch.parse(testCase.get("patch")).apply(doc);
            assertThat(result).isEqualTo(testCase.get("expected"));
        } else {
            assertThat(testCase.has("error")).as("case needs 'expected' or 'error'").isTrue();
            PatchException error = catchThrowableOfType(PatchException.class,
                    () -> JsonPatch.parse(testCase.get("patch")).apply(doc));
            assertThat(error).as(testCase.get("error").stringValue()).isNotNull();
            if (testCase.has("reason")) {
                assertThat(error.reason()).hasToString(testCase.get("reason").stringValue());
            }
        }
        assertThat(doc).as("input document must not change").isEqualTo(original);
    }
}
