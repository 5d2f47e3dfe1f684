package dev.dawg.projects.patch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;

import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

class JsonMergePatchTest {

    static Stream<Arguments> rfc7396AppendixA() {
        return Json.resourceArray("/patch/rfc7396-appendix-a.json").stream()
                .map(row -> Arguments.of(Named.of(row.get("target") + " + " + row.get("patch"), row)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rfc7396AppendixA")
    void shouldMatchRfc7396AppendixA(JsonNode row) {
        JsonNode target = row.get("target");
        JsonNode patch = row.get("patch");
        JsonNode targetBefore = target.deepCopy();
        JsonNode patchBefore = patch.deepCopy();

        JsonNode result = JsonMergePatch.apply(target, patch);

        assertThat(result).isEqualTo(row.get("expected"));
        assertThat(target).isEqualTo(targetBefore);
        assertThat(patch).isEqualTo(patchBefore);
    }

    @Test
    void shouldApplyTheRfc7396Section3Example() {
        JsonNode target = Json.parse("""
                {"title": "Goodbye!",
                 "author": {"givenName": "John", "familyName": "Doe"},
                 "tags": ["example", "sample"],
                 "content": "This will be unchanged"}""");
        JsonNode patch = Json.parse("""
                {"title": "Hello!", "phoneNumber": "+01-123-456-7890",
                 "author": {"familyName": null}, "tags": ["example"]}""");

        assertThat(JsonMergePatch.apply(target, patch)).isEqualTo(Json.parse("""
                {"title": "Hello!",
                 "author": {"givenName": "John"},
                 "tags": ["example"],
                 "content": "This will be unchanged",
                 "phoneNumber": "+01-123-456-7890"}"""));
    }

    @Test
    void shouldShareNoNodesWithTargetOrPatch() {
        JsonNode target = Json.parse("{\"keep\": {\"x\": 1}, \"tracks\": [1]}");
        JsonNode patch = Json.parse("{\"tracks\": [{\"id\": \"t1\"}], \"added\": {\"deep\": {\"v\": 1}}}");

        ObjectNode result = (ObjectNode) JsonMergePatch.apply(target, patch);
        ((ObjectNode) result.get("keep")).put("x", 2);
        ((ObjectNode) result.get("tracks").get(0)).put("id", "changed");
        ((ObjectNode) result.get("added").get("deep")).put("v", 2);

        assertThat(target).isEqualTo(Json.parse("{\"keep\": {\"x\": 1}, \"tracks\": [1]}"));
        assertThat(patch).isEqualTo(Json.parse("{\"tracks\": [{\"id\": \"t1\"}], \"added\": {\"deep\": {\"v\": 1}}}"));
    }

    @Test
    void shouldMergeNestedDawProjectSettings() {
        JsonNode project = Json.parse("""
                {"name": "Demo", "bpm": 120, "projectData": {"tracks": [{"id": "t1"}], "master": {"gain": 0.8, "muted": false}}}""");
        JsonNode patch = Json.parse("{\"bpm\": 128, \"projectData\": {\"master\": {\"muted\": null, \"pan\": 0}}}");

        assertThat(JsonMergePatch.apply(project, patch)).isEqualTo(Json.parse("""
                {"name": "Demo", "bpm": 128, "projectData": {"tracks": [{"id": "t1"}], "master": {"gain": 0.8, "pan": 0}}}"""));
    }

    @Test
    void shouldRejectPathologicallyDeepPatch() {
        ObjectNode patch = JsonNodeFactory.instance.objectNode();
        ObjectNode level = patch;
        for (int i = 0; i < JsonMergePatch.MAX_DEPTH + 5; i++) {
            level = level.putObject("n");
        }

        assertThatThrownBy(() -> JsonMergePatch.apply(JsonNodeFactory.instance.objectNode(), patch))
                .isInstanceOfSatisfying(PatchException.class,
                        e -> assertThat(e.reason()).isEqualTo(PatchException.Reason.MALFORMED_PATCH));
    }
}
