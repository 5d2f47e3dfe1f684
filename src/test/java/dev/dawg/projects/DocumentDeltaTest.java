package dev.dawg.projects;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import dev.dawg.projects.patch.JsonPatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A patch told as a patch of the document alone, and a document rebuilt from it, as the write computed it. */
class DocumentDeltaTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void shouldKeepOnlyTheOperationsInsideTheDocumentWithPathsRelativeToIt() {
        DocumentDelta delta = DocumentDelta.of(operations("[{\"op\":\"test\",\"path\":\"/projectData/a\",\"value\":1},"
                + "{\"op\":\"replace\",\"path\":\"/title\",\"value\":\"T\"},{\"op\":\"add\",\"path\":\"/projectData/b\",\"value\":2.50},"
                + "{\"op\":\"move\",\"from\":\"/projectData/a\",\"path\":\"/projectData/c\"}]"), "{}", JSON);
        assertThat(delta.kind()).isEqualTo("json-patch");
        assertThat(delta.patch()).isEqualTo("[{\"op\":\"add\",\"path\":\"/b\",\"value\":2.5},{\"op\":\"move\",\"path\":\"/c\",\"from\":\"/a\"}]");
    }

    @Test
    void shouldStoreASnapshotForAnOperationAcrossTheDocumentsEdgeOrOnTheRoot() {
        assertThat(DocumentDelta.of(operations("[{\"op\":\"copy\",\"from\":\"/title\",\"path\":\"/projectData/t\"}]"), "{}", JSON)).isNull();
        assertThat(DocumentDelta.of(operations("[{\"op\":\"move\",\"from\":\"/projectData/t\",\"path\":\"/description\"}]"), "{}", JSON)).isNull();
        assertThat(DocumentDelta.of(operations("[{\"op\":\"replace\",\"path\":\"\",\"value\":{}}]"), "{}", JSON)).isNull();
    }

    @Test
    void shouldRebuildWhatTheWriteAnsweredAndRefuseADifferentResult() {
        String written = "{ \"b\" : 1e0, \"a\":[1.50] }";
        ObjectNode project = JSON.createObjectNode().put("title", "T");
        project.set("projectData", JSON.readTree(written));
        ProjectPatch patch = operations("[{\"op\":\"add\",\"path\":\"/projectData/a/-\",\"value\":-0.0}]");
        JsonNode after = patch.operations().apply(project);
        String answered = new String(ProjectInput.serialized(after.get("projectData"), JSON), StandardCharsets.UTF_8);
        DocumentDelta delta = DocumentDelta.of(patch, answered, JSON);
        assertThat(DocumentDelta.rebuild(written, List.of(delta), JSON)).isEqualTo(answered);
        assertThatThrownBy(() -> DocumentDelta.rebuild("{\"b\":2,\"a\":[]}", List.of(delta), JSON)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void shouldTellPlainlyStorableBytesAsSentFromThoseOnlyPostgresqlMayJudge() {
        assertThat(DocumentCheck.plainlyStorable(bytes("{ \"a\" : [1, 2.50, -0.0, 1e300, 2E-300, \"\\ud83c\\udfb5\", null, true] }"), JSON)).isTrue();
        for (String refused : new String[] { "{\"a\":\"\\u0000\"}", "{\"\\ud800\":1}", "{\"a\":[\"x\\udc00\"]}", "{\"a\":1e999999999}",
                "{\"a\":-1e1001}", "{\"a\":1e301}", "{\"a\":" + "1".repeat(500) + "}" }) {
            assertThat(DocumentCheck.plainlyStorable(bytes(refused), JSON)).as(refused).isFalse();
        }
        assertThat(DocumentCheck.plainlyStorable(new byte[] { '{', '"', 'a', '"', ':', '"', (byte) 0xC3, '"', '}' }, JSON)).isFalse();
        assertThat(DocumentCheck.plainlyStorable(bytes("{\"a\":\"" + "x".repeat((int) PatchWork.INLINE_MAX_COST) + "\"}"), JSON)).isFalse();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static ProjectPatch operations(String text) {
        JsonNode body = JSON.readTree(text);
        return new ProjectPatch(body, JsonPatch.parse(body), 1, text.length());
    }
}
