package dev.dawg.projects;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.dawg.support.Api;
import dev.dawg.support.Api.User;
import dev.dawg.support.IntegrationTest;

import static dev.dawg.support.Api.MAP;
import static dev.dawg.support.Api.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * API.md, "Documents are returned as written": {@code projectData} comes back byte for byte as the client sent it
 * (member order, number spelling, whitespace, escapes) from the database, not only from this node's memory, for the
 * current version and every version in history, and in an export. Each read of the current version here first
 * forgets what this node holds in memory, as another node or a restarted one would.
 */
@IntegrationTest
class DocumentFidelityIntegrationTests {

    /** Everything jsonb would have rewritten: order, spacing, 1e3, 1.50, -0.0, E-2, escapes, a nested order. */
    static final String DOCUMENT = "{ \"z\" : 1e3,\n  \"a\":[1.50, -0.0, 2E-2],\t\"s\":\"caf\\u00e9 \\/ \\\"q\\\"\","
            + " \"nested\":{\"b\":true,\"a\":null} }";
    static final String OTHER = "{\"tracks\" :[ {\"gain\":-3.50e0, \"name\":\"\\u0042ass\"} ],\"bpm\":1.2E2 }";

    @Autowired
    Api api;

    @Autowired
    ProjectDocumentCache documents;

    @Autowired
    ProjectMetadataCache heads;

    User owner;

    @BeforeEach
    void owner() {
        owner = api.signUp();
    }

    @Test
    void shouldReturnACreatedDocumentAsWrittenFromTheDatabaseHistoryAndExport() {
        String id = create(DOCUMENT);
        assertThat(coldRead(id)).isEqualTo(DOCUMENT);
        assertThat(version(id, 1)).isEqualTo(DOCUMENT);
        assertThat(export(id)).isEqualTo(DOCUMENT);
    }

    /** An export imported again is the document as written: the import keeps the export's projectData bytes. */
    @Test
    void shouldImportAnExportedDocumentAsWritten() {
        byte[] exported = api.http().get().uri("/api/projects/{id}/export", create(DOCUMENT)).header(HttpHeaders.AUTHORIZATION, owner.bearer())
                .exchange().expectStatus().isOk().expectBody().returnResult().getResponseBody();
        byte[] imported = api.http().post().uri("/api/projects/import").header(HttpHeaders.AUTHORIZATION, owner.bearer())
                .contentType(MediaType.APPLICATION_JSON).bodyValue(exported).exchange().expectStatus().isCreated()
                .expectBody().returnResult().getResponseBody();
        assertThat(projectData(imported)).isEqualTo(DOCUMENT);
        assertThat(coldRead(id(imported))).isEqualTo(DOCUMENT);
        assertThat(version(id(imported), 1)).isEqualTo(DOCUMENT);
        // An export document written by hand, members in any order: the same.
        String handWritten = "{\"project\": {\"projectData\":" + OTHER + ", \"title\":\"By hand\"}, \"formatVersion\":1,\"format\":\"dawg-project\"}";
        byte[] byHand = api.http().post().uri("/api/projects/import").header(HttpHeaders.AUTHORIZATION, owner.bearer())
                .contentType(MediaType.APPLICATION_JSON).bodyValue(handWritten).exchange().expectStatus().isCreated()
                .expectBody().returnResult().getResponseBody();
        assertThat(coldRead(id(byHand))).isEqualTo(OTHER);
        // A project without its document is still refused, naming it.
        assertProblem(api.http().post().uri("/api/projects/import").header(HttpHeaders.AUTHORIZATION, owner.bearer())
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"format\":\"dawg-project\",\"formatVersion\":1,\"project\":{\"title\":\"x\"}}")
                .exchange(), 400, "VALIDATION_FAILED");
    }

    @Test
    void shouldReturnAPutDocumentAsWrittenAndKeepTheEarlierVersionAsWritten() {
        String id = create(DOCUMENT);
        WebTestClient.ResponseSpec put = api.http().put().uri("/api/projects/{id}", id).header(HttpHeaders.AUTHORIZATION, owner.bearer())
                .header(HttpHeaders.IF_MATCH, "\"1\"").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"title\":\"Second\",\"projectData\":" + OTHER + "}").exchange();
        assertThat(projectData(put.expectStatus().isOk().expectBody().returnResult().getResponseBody())).isEqualTo(OTHER);
        assertThat(coldRead(id)).isEqualTo(OTHER);
        assertThat(version(id, 2)).isEqualTo(OTHER);
        assertThat(version(id, 1)).isEqualTo(DOCUMENT);
        assertThat(export(id)).isEqualTo(OTHER);
    }

    @Test
    void shouldRestoreAVersionsDocumentAsItWasWritten() {
        String id = create(DOCUMENT);
        api.http().put().uri("/api/projects/{id}", id).header(HttpHeaders.AUTHORIZATION, owner.bearer()).header(HttpHeaders.IF_MATCH, "\"1\"")
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"title\":\"Second\",\"projectData\":" + OTHER + "}")
                .exchange().expectStatus().isOk();
        documents.forgetAll(); // the restore reads version 1 from the database
        byte[] restored = api.http().post().uri("/api/projects/{id}/versions/1/restore", id).header(HttpHeaders.AUTHORIZATION, owner.bearer())
                .exchange().expectStatus().isOk().expectBody().returnResult().getResponseBody();
        assertThat(projectData(restored)).isEqualTo(DOCUMENT);
        assertThat(coldRead(id)).isEqualTo(DOCUMENT);
        assertThat(version(id, 3)).isEqualTo(DOCUMENT);
        assertThat(export(id)).isEqualTo(DOCUMENT);
    }

    @Test
    void shouldDuplicateTheDocumentAsWritten() {
        String id = create(DOCUMENT);
        documents.forgetAll(); // the copy is made from the stored text
        byte[] copy = api.http().post().uri("/api/projects/{id}/duplicate", id).header(HttpHeaders.AUTHORIZATION, owner.bearer())
                .exchange().expectStatus().isCreated().expectBody().returnResult().getResponseBody();
        String copyId = id(copy);
        assertThat(projectData(copy)).isEqualTo(DOCUMENT);
        assertThat(coldRead(copyId)).isEqualTo(DOCUMENT);
        assertThat(version(copyId, 1)).isEqualTo(DOCUMENT);
        assertThat(export(copyId)).isEqualTo(DOCUMENT);
    }

    /**
     * A merge patch is applied to the parsed document, so the stored text is the server's serialisation of the result,
     * not the patch's text; what is promised is that this text, as the PATCH answered it, is what every later read
     * returns, byte for byte.
     */
    @Test
    void shouldStoreAMergePatchesResultAsAnsweredAndReturnThatTextEverywhere() {
        String id = create(DOCUMENT);
        byte[] patched = api.http().patch().uri("/api/projects/{id}", id).header(HttpHeaders.AUTHORIZATION, owner.bearer())
                .header(HttpHeaders.IF_MATCH, "\"1\"").contentType(ProjectIntegrationTests.MERGE_PATCH)
                .bodyValue("{\"projectData\":{\"added\": 2.50, \"z\": 1e3}}").exchange()
                .expectStatus().isOk().expectBody().returnResult().getResponseBody();
        String answered = projectData(patched);
        assertThat(answered).contains("\"added\"");
        assertThat(coldRead(id)).isEqualTo(answered);
        assertThat(version(id, 2)).isEqualTo(answered);
        assertThat(export(id)).isEqualTo(answered);
        assertThat(version(id, 1)).isEqualTo(DOCUMENT);
    }

    /** A patch that cannot change the document (a title) stores the document as it was written, not re-serialised. */
    @Test
    void shouldKeepTheDocumentAsWrittenThroughAPatchThatDoesNotTouchIt() {
        String id = create(DOCUMENT);
        byte[] merged = api.http().patch().uri("/api/projects/{id}", id).header(HttpHeaders.AUTHORIZATION, owner.bearer())
                .header(HttpHeaders.IF_MATCH, "\"1\"").contentType(ProjectIntegrationTests.MERGE_PATCH)
                .bodyValue("{\"title\":\"Renamed\"}").exchange().expectStatus().isOk().expectBody().returnResult().getResponseBody();
        assertThat(projectData(merged)).isEqualTo(DOCUMENT);
        byte[] operated = api.http().patch().uri("/api/projects/{id}", id).header(HttpHeaders.AUTHORIZATION, owner.bearer())
                .header(HttpHeaders.IF_MATCH, "\"2\"").contentType(ProjectIntegrationTests.JSON_PATCH)
                .bodyValue("[{\"op\":\"test\",\"path\":\"/projectData/z\",\"value\":1000},"
                        + "{\"op\":\"replace\",\"path\":\"/title\",\"value\":\"Again\"}]")
                .exchange().expectStatus().isOk().expectBody().returnResult().getResponseBody();
        assertThat(projectData(operated)).isEqualTo(DOCUMENT);
        assertThat(coldRead(id)).isEqualTo(DOCUMENT);
        assertThat(version(id, 2)).isEqualTo(DOCUMENT);
        assertThat(version(id, 3)).isEqualTo(DOCUMENT);
    }

    /** A share link's view reads the stored text too. */
    @Test
    void shouldShowTheDocumentAsWrittenThroughAShareLink() {
        String id = create(DOCUMENT);
        String token = (String) api.http().post().uri("/api/projects/{id}/shares", id).header(HttpHeaders.AUTHORIZATION, owner.bearer())
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("accessLevel", "view")).exchange()
                .expectStatus().isCreated().expectBody(MAP).returnResult().getResponseBody().get("token");
        assertThat(projectData(api.http().get().uri("/api/shares/{token}", token).exchange().expectStatus().isOk()
                .expectBody().returnResult().getResponseBody())).isEqualTo(DOCUMENT);
    }

    /** json keeps a repeated member name (jsonb kept the last one), so the API refuses a document that has one. */
    @Test
    void shouldRefuseADocumentWithARepeatedMemberName() {
        for (String document : new String[] { "{\"a\":1,\"a\":2}", "{\"x\":{\"b\":1,\"b\":1}}", "{\"l\":[{\"c\":0,\"c\":0}]}" }) {
            assertProblem(api.http().post().uri("/api/projects").header(HttpHeaders.AUTHORIZATION, owner.bearer())
                    .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"title\":\"dup\",\"projectData\":" + document + "}")
                    .exchange(), 400, "MALFORMED_REQUEST");
        }
    }

    private String create(String document) {
        byte[] created = api.http().post().uri("/api/projects").header(HttpHeaders.AUTHORIZATION, owner.bearer())
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"title\":\"Fidelity\",\"projectData\":" + document + "}")
                .exchange().expectStatus().isCreated().expectBody().returnResult().getResponseBody();
        assertThat(projectData(created)).isEqualTo(document);
        return id(created);
    }

    private static String id(byte[] project) {
        return (String) JsonMapper.builder().build().readValue(project, Map.class).get("id");
    }

    /** The current version's document as a node that holds nothing of the project in memory reads it. */
    private String coldRead(String id) {
        documents.forgetAll();
        heads.changed(UUID.fromString(id));
        return projectData(api.http().get().uri("/api/projects/{id}", id).header(HttpHeaders.AUTHORIZATION, owner.bearer())
                .exchange().expectStatus().isOk().expectBody().returnResult().getResponseBody());
    }

    private String version(String id, int version) {
        return projectData(api.http().get().uri("/api/projects/{id}/versions/{v}", id, version).header(HttpHeaders.AUTHORIZATION, owner.bearer())
                .exchange().expectStatus().isOk().expectBody().returnResult().getResponseBody());
    }

    private String export(String id) {
        return projectData(api.http().get().uri("/api/projects/{id}/export", id).header(HttpHeaders.AUTHORIZATION, owner.bearer())
                .exchange().expectStatus().isOk().expectBody().returnResult().getResponseBody());
    }

    /** The text of the (first) {@code projectData} member of a response, as the bytes the server sent. */
    static String projectData(byte[] body) {
        try (JsonParser parser = JsonMapper.builder().build().createParser(body)) {
            for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                if (token == JsonToken.PROPERTY_NAME && parser.currentName().equals("projectData")) {
                    parser.nextToken();
                    int start = (int) parser.currentTokenLocation().getByteOffset();
                    parser.skipChildren();
                    int end = (int) parser.currentTokenLocation().getByteOffset() + 1;
                    return new String(body, start, end - start, StandardCharsets.UTF_8);
                }
            }
        }
        throw new AssertionError("no projectData in " + new String(body, StandardCharsets.UTF_8));
    }
}
