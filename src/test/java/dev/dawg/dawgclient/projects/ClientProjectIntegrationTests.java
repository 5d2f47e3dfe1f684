package dev.dawg.dawgclient.projects;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.dawg.dawgclient.session.DawgClientReplay;
import dev.dawg.dawgclient.session.DawgClientReplay.Musician;
import dev.dawg.support.Api;
import dev.dawg.support.IntegrationTest;
import dev.dawg.support.LiveSocket;

import static dev.dawg.dawgclient.session.DawgClientReplay.BASE;
import static dev.dawg.dawgclient.session.DawgClientReplay.assertClientError;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Replays the DAWG client's project calls (projectService, useProjectManager's autosave, ProjectsPage, AdminPanel)
 * against the dialect, with the bodies those make, and checks the fields the client then reads.
 */
@IntegrationTest
class ClientProjectIntegrationTests {

    /** A document as the client's serializer might write it: spacing, member order and number spelling to keep. */
    private static final String DOCUMENT = "{ \"version\" : \"1.0\",\"instruments\":[{\"id\":\"kick\",\"gain\":1.50}],"
            + "\"arrangement\":{\"tracks\":[],\"markers\":[ ]},\"settings\":{\"bpm\":120.0,\"unicode\":\"\\u00e9\"} }";

    @Autowired
    Api api;

    DawgClientReplay client;
    Musician owner;

    @BeforeEach
    void setUp() {
        client = new DawgClientReplay(api);
        owner = client.signUp();
    }

    /** {@code projectService.createProject}: title, bpm, timeSignature, the serialized document and both flags. */
    private WebTestClient.ResponseSpec create(Musician as, String title, String document) {
        String body = "{\"title\":\"" + title + "\",\"bpm\":120,\"timeSignature\":\"4/4\",\"projectData\":" + document
                + ",\"isPublic\":false,\"isUnlisted\":false}";
        return api.http().post().uri(BASE + "/projects").header(HttpHeaders.AUTHORIZATION, as.bearer())
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }

    @SuppressWarnings("unchecked")
    private String createdId(Musician as, String title) {
        Map<String, Object> body = create(as, title, DOCUMENT).expectStatus().isCreated().expectBody(Api.MAP).returnResult().getResponseBody();
        return (String) ((Map<String, Object>) body.get("project")).get("id");
    }

    private WebTestClient.ResponseSpec put(Musician as, String id, String body) {
        return api.http().put().uri(BASE + "/projects/{id}", id).header(HttpHeaders.AUTHORIZATION, as.bearer())
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }

    private WebTestClient.ResponseSpec get(Musician as, String id) {
        WebTestClient.RequestHeadersSpec<?> request = api.http().get().uri(BASE + "/projects/{id}", id);
        return (as == null ? request : request.header(HttpHeaders.AUTHORIZATION, as.bearer())).exchange();
    }

    private String rawGet(Musician as, String id) {
        byte[] bytes = get(as, id).expectStatus().isOk().expectBody(byte[].class).returnResult().getResponseBody();
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private WebTestClient.BodyContentSpec list(Musician as, String query) {
        return api.http().get().uri(BASE + "/projects?" + query).header(HttpHeaders.AUTHORIZATION, as.bearer()).exchange()
                .expectStatus().isOk().expectBody();
    }

    @Test
    void shouldCreateAsTheClientDoesAndAnswerTheProjectItReads() {
        create(owner, "Untitled Project", DOCUMENT).expectStatus().isCreated().expectBody()
                .jsonPath("$.project.id").isNotEmpty()
                .jsonPath("$.project.title").isEqualTo("Untitled Project")
                .jsonPath("$.project.userId").isEqualTo(owner.id().toString())
                .jsonPath("$.project.bpm").isEqualTo(120)
                .jsonPath("$.project.timeSignature").isEqualTo("4/4")
                .jsonPath("$.project.isPublic").isEqualTo(false)
                .jsonPath("$.project.isUnlisted").isEqualTo(false)
                .jsonPath("$.project.createdAt").isNotEmpty()
                .jsonPath("$.project.updatedAt").isNotEmpty()
                .jsonPath("$.project.projectData.instruments[0].id").isEqualTo("kick")
                .jsonPath("$.project.ownerId").doesNotExist()
                .jsonPath("$.project.visibility").doesNotExist();
    }

    @Test
    void shouldReturnTheDocumentByteForByteAsWritten() {
        String id = createdId(owner, "Bytes");
        String raw = rawGet(owner, id);
        assertThat(raw).startsWith("{\"project\":{\"id\":\"" + id + "\"").endsWith(",\"projectData\":" + DOCUMENT + "}}");
    }

    @Test
    void shouldAutosaveWithoutAVersionIntoHistoryAndReadTheSaveBack() {
        String id = createdId(owner, "Autosaved");
        String saved = "{\"instruments\":[],\"arrangement\":{\"tracks\":[{\"id\":\"t1\"}]},\"n\":1e3}";
        // useProjectManager: title, bpm, timeSignature, keySignature and the serialized state; no version, no If-Match.
        put(owner, id, "{\"title\":\"Autosaved\",\"bpm\":128,\"timeSignature\":\"4/4\",\"keySignature\":\"Am\",\"projectData\":" + saved + "}")
                .expectStatus().isOk().expectBody()
                .jsonPath("$.project.bpm").isEqualTo(128)
                .jsonPath("$.project.keySignature").isEqualTo("Am")
                .jsonPath("$.project.version").isEqualTo(2);
        assertThat(rawGet(owner, id)).endsWith(",\"projectData\":" + saved + "}}");
        put(owner, id, "{\"title\":\"Autosaved\",\"projectData\":" + DOCUMENT + "}").expectStatus().isOk();

        api.http().get().uri("/api/projects/{id}/versions", id).header(HttpHeaders.AUTHORIZATION, owner.bearer()).exchange()
                .expectStatus().isOk().expectBody()
                .jsonPath("$.items[*].version").isEqualTo(List.of(3, 2, 1));
        api.http().get().uri("/api/projects/{id}/versions/2", id).header(HttpHeaders.AUTHORIZATION, owner.bearer())
                .exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.projectData.arrangement.tracks[0].id").isEqualTo("t1")
                .jsonPath("$.bpm").isEqualTo(128);
    }

    @Test
    void shouldChangeOnlyWhatAPartialPutNames() {
        String id = createdId(owner, "Partial");
        // ProjectsPage publish, then the share modal's unlisted toggle, then the edit modal.
        put(owner, id, "{\"isPublic\":true}").expectStatus().isOk().expectBody()
                .jsonPath("$.project.isPublic").isEqualTo(true)
                .jsonPath("$.project.isUnlisted").isEqualTo(false)
                .jsonPath("$.project.title").isEqualTo("Partial")
                .jsonPath("$.project.bpm").isEqualTo(120);
        put(owner, id, "{\"isUnlisted\":true}").expectStatus().isOk().expectBody()
                .jsonPath("$.project.isPublic").isEqualTo(false)
                .jsonPath("$.project.isUnlisted").isEqualTo(true);
        put(owner, id, "{\"isUnlisted\":false}").expectStatus().isOk().expectBody()
                .jsonPath("$.project.isPublic").isEqualTo(false)
                .jsonPath("$.project.isUnlisted").isEqualTo(false);
        put(owner, id, "{\"title\":\"Renamed\",\"description\":\"late night\",\"bpm\":90}").expectStatus().isOk().expectBody()
                .jsonPath("$.project.title").isEqualTo("Renamed")
                .jsonPath("$.project.description").isEqualTo("late night")
                .jsonPath("$.project.bpm").isEqualTo(90)
                .jsonPath("$.project.timeSignature").isEqualTo("4/4")
                .jsonPath("$.project.version").isEqualTo(5);
        assertThat(rawGet(owner, id)).endsWith(",\"projectData\":" + DOCUMENT + "}}");
    }

    /**
     * The publish flow's preview members: a URL that is not a file of the musician's own library is refused and the
     * PUT saves nothing; the status alone changes nothing. (The whole flow, with a real upload, is replayed in
     * ClientLibraryIntegrationTests.)
     */
    @Test
    void shouldRefuseAPreviewThatIsNotTheMusiciansAndStillGoPublic() {
        String id = createdId(owner, "Release");
        assertThat(assertClientError(put(owner, id, "{\"title\":\"Renamed\",\"previewAudioUrl\":\"/dawg-client/api/assets/" + UUID.randomUUID()
                + "/file\",\"previewAudioDuration\":31.5,\"previewAudioRenderedAt\":\"2026-12-06T16:00:00.000Z\",\"previewAudioStatus\":\"ready\"}"),
                400, "VALIDATION_FAILED")).startsWith("previewAudioUrl: ");
        get(owner, id).expectStatus().isOk().expectBody().jsonPath("$.project.title").isEqualTo("Release")
                .jsonPath("$.project.version").isEqualTo(1).jsonPath("$.project.previewAudioUrl").isEmpty();
        put(owner, id, "{\"isPublic\":true,\"previewAudioStatus\":\"ready\"}").expectStatus().isOk().expectBody()
                .jsonPath("$.project.isPublic").isEqualTo(true).jsonPath("$.project.previewAudioStatus").isEmpty();
        assertThat(rawGet(owner, id)).endsWith(",\"projectData\":" + DOCUMENT + "}}");
        // Other unknown members are still refused, naming the member.
        assertThat(assertClientError(put(owner, id, "{\"previewVideoUrl\":\"x\"}"), 400, "VALIDATION_FAILED")).startsWith("previewVideoUrl: ");
    }

    @Test
    void shouldLandTwoUnconditionalSavesAtOnceBothInHistory() throws Exception {
        String id = createdId(owner, "Two tabs");
        int tabs = 4;
        ExecutorService pool = Executors.newFixedThreadPool(tabs);
        CountDownLatch start = new CountDownLatch(1);
        List<CompletableFuture<Integer>> saves = new ArrayList<>();
        try {
            for (int tab = 0; tab < tabs; tab++) {
                String body = "{\"title\":\"Two tabs\",\"projectData\":{\"tab\":" + tab + "}}";
                saves.add(CompletableFuture.supplyAsync(() -> {
                    await(start);
                    return put(owner, id, body).returnResult(byte[].class).getStatus().value();
                }, pool));
            }
            start.countDown();
            for (CompletableFuture<Integer> save : saves) {
                assertThat(save.get(60, TimeUnit.SECONDS)).isEqualTo(200);
            }
        }
        finally {
            pool.shutdownNow();
        }
        List<Integer> stored = new ArrayList<>();
        for (int version = 2; version <= tabs + 1; version++) {
            Map<String, Object> snapshot = api.http().get().uri("/api/projects/{id}/versions/{v}", id, version)
                    .header(HttpHeaders.AUTHORIZATION, owner.bearer()).exchange()
                    .expectStatus().isOk().expectBody(Api.MAP).returnResult().getResponseBody();
            stored.add((Integer) ((Map<?, ?>) snapshot.get("projectData")).get("tab"));
        }
        // Every tab's save is a version of its own; the last to land is the current one.
        assertThat(stored).containsExactlyInAnyOrder(0, 1, 2, 3);
        assertThat(rawGet(owner, id)).contains("\"version\":" + (tabs + 1))
                .endsWith("\"projectData\":{\"tab\":" + stored.get(tabs - 1) + "}}}");
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void shouldListAsProjectsPageAndLoadOrCreateFirstProjectDo() {
        String older = createdId(owner, "Older");
        String newer = createdId(owner, "Newer");
        // projectService.loadOrCreateFirstProject
        list(owner, "sortBy=updated_at&sortOrder=desc&limit=1")
                .jsonPath("$.projects.length()").isEqualTo(1)
                .jsonPath("$.projects[0].id").isEqualTo(newer)
                .jsonPath("$.projects[0].projectData").doesNotExist()
                .jsonPath("$.pagination.page").isEqualTo(1)
                .jsonPath("$.pagination.limit").isEqualTo(1)
                .jsonPath("$.pagination.total").isEqualTo(2)
                .jsonPath("$.pagination.totalPages").isEqualTo(2);
        // ProjectsPage.loadProjects (URLSearchParams keeps the object's order)
        list(owner, "limit=100&sortBy=updated_at&sortOrder=desc&userId=" + owner.id())
                .jsonPath("$.projects[*].id").isEqualTo(List.of(newer, older))
                .jsonPath("$.projects[0].title").isEqualTo("Newer")
                .jsonPath("$.projects[0].isPublic").isEqualTo(false)
                .jsonPath("$.projects[0].isUnlisted").isEqualTo(false)
                .jsonPath("$.projects[0].userId").isEqualTo(owner.id().toString())
                .jsonPath("$.projects[0].updatedAt").isNotEmpty();
        list(owner, "sortBy=updated_at&sortOrder=asc&limit=1&page=2").jsonPath("$.projects[0].id").isEqualTo(newer);
        // AdminPanel asks for 1000: served as our largest page, which the envelope says.
        list(owner, "limit=1000").jsonPath("$.pagination.limit").isEqualTo(100).jsonPath("$.projects.length()").isEqualTo(2);
    }

    @Test
    void shouldListOnlyThePublicProjectsOfAnotherUser() {
        String hidden = createdId(owner, "Private");
        String shown = createdId(owner, "Public");
        put(owner, shown, "{\"isPublic\":true}").expectStatus().isOk();
        String unlisted = createdId(owner, "Unlisted");
        put(owner, unlisted, "{\"isUnlisted\":true}").expectStatus().isOk();
        Musician listener = client.signUp();
        list(listener, "limit=100&sortBy=updated_at&sortOrder=desc&userId=" + owner.id())
                .jsonPath("$.projects[*].id").isEqualTo(List.of(shown))
                .jsonPath("$.pagination.total").isEqualTo(1);
        assertThat(hidden).isNotEqualTo(shown);
    }

    @Test
    void shouldDeleteAndAnswerTheMessageTheClientToasts() {
        String id = createdId(owner, "Doomed");
        api.http().delete().uri(BASE + "/projects/{id}", id).header(HttpHeaders.AUTHORIZATION, owner.bearer()).exchange()
                .expectStatus().isOk().expectBody().jsonPath("$.message").isEqualTo("Project deleted");
        assertClientError(get(owner, id), 404, "NOT_FOUND");
    }

    @Test
    void shouldAnswerAnotherUsersPrivateProjectWith404InTheClientsShape() {
        String id = createdId(owner, "Mine");
        Musician stranger = client.signUp();
        assertClientError(get(stranger, id), 404, "NOT_FOUND");
        assertClientError(get(null, id), 404, "NOT_FOUND");
        assertClientError(put(stranger, id, "{\"isPublic\":true}"), 404, "NOT_FOUND");
        assertClientError(api.http().delete().uri(BASE + "/projects/{id}", id).header(HttpHeaders.AUTHORIZATION, stranger.bearer())
                .exchange(), 404, "NOT_FOUND");
        assertThat(rawGet(owner, id)).contains("\"isPublic\":false");
    }

    @Test
    void shouldRefuseAnOversizedDocumentWith413AndStoreNothing() {
        String id = createdId(owner, "Huge");
        String huge = "{\"blob\":\"" + "a".repeat(10 * 1024 * 1024 + 16) + "\"}";
        String message = assertClientError(put(owner, id, "{\"title\":\"Huge\",\"projectData\":" + huge + "}"), 413, "PAYLOAD_TOO_LARGE");
        assertThat(message).contains("projectData");
        assertClientError(create(owner, "Huge too", huge), 413, "PAYLOAD_TOO_LARGE");
        assertThat(rawGet(owner, id)).contains("\"version\":1");
    }

    @Test
    void shouldRefuseWhatItCannotStoreWithAMessageNamingTheField() {
        String id = createdId(owner, "Strict");
        assertThat(assertClientError(put(owner, id, "{\"isPublic\":\"yes\"}"), 400, "VALIDATION_FAILED")).startsWith("isPublic: ");
        assertThat(assertClientError(put(owner, id, "{\"projectData\":null}"), 400, "VALIDATION_FAILED")).startsWith("projectData: ");
        assertThat(assertClientError(put(owner, id, "{\"title\":\"\"}"), 400, "VALIDATION_FAILED")).startsWith("title: ");
        assertThat(assertClientError(api.http().get().uri(BASE + "/projects?sortBy=likes")
                .header(HttpHeaders.AUTHORIZATION, owner.bearer()).exchange(), 400, "VALIDATION_FAILED")).startsWith("sortBy: ");
        assertClientError(api.http().get().uri(BASE + "/projects").exchange(), 401, "UNAUTHORIZED");
    }

    @Test
    void shouldAnnounceAnAutosaveOnTheSocketAsTheNativeApiDoes() {
        String id = createdId(owner, "Live");
        try (LiveSocket socket = LiveSocket.open(api.port(), owner.accessToken())) {
            socket.subscribe(UUID.fromString(id));
            put(owner, id, "{\"projectData\":{\"live\":true}}").expectStatus().isOk();
            Map<String, Object> event = socket.next();
            assertThat(event).containsEntry("type", "project:updated").containsEntry("projectId", id);
            assertThat(event.get("data")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP).containsEntry("version", 2);
        }
    }
}
