package dev.dawg.realtime;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;

import dev.dawg.sharing.SocialFixtures;
import dev.dawg.support.Api;
import dev.dawg.support.Api.User;
import dev.dawg.support.IntegrationTest;
import dev.dawg.support.LiveSocket;

import static org.assertj.core.api.Assertions.assertThat;

/** Writes made over REST reach live sessions: a collaborator's edits, likes, comments and remixes. */
@IntegrationTest
public class LiveProjectEventsIntegrationTests {

    private static final Duration QUIET = Duration.ofMillis(400);

    @Autowired
    Api api;

    @Autowired
    DatabaseClient db;

    @LocalServerPort
    int port;

    @Test
    void shouldPushEveryRestWriteToSubscribersWithTheVersionAndThePatch() {
        User owner = api.signUp();
        User listener = api.signUp();
        UUID id = UUID.fromString((String) api.createProject(owner, Map.of("title", "Live", "visibility", "public",
                "projectData", Map.of("tracks", List.of()))).get("id"));
        try (LiveSocket socket = LiveSocket.open(port, listener.accessToken()).subscribe(id)) {
            api.putProject(owner, id, 1, Map.of("title", "Live", "projectData", Map.of("tracks", List.of(Map.of("id", "t1")))))
                    .expectStatus().isOk();
            Map<String, Object> put = socket.next();
            assertThat(put).containsEntry("type", "project:updated").containsEntry("projectId", id.toString()).containsKeys("eventId", "at");
            assertThat(put.get("actor")).isEqualTo(Map.of("id", owner.id().toString(), "username", owner.username()));
            assertThat(data(put)).containsEntry("version", 2);

            List<Map<String, Object>> patch = List.of(Map.of("op", "add", "path", "/projectData/tracks/-", "value", Map.of("id", "t2")));
            api.http().patch().uri("/api/projects/{id}", id).header(HttpHeaders.AUTHORIZATION, owner.bearer())
                    .header(HttpHeaders.IF_MATCH, "\"2\"").contentType(MediaType.parseMediaType("application/json-patch+json"))
                    .bodyValue(patch).exchange().expectStatus().isOk();
            Map<String, Object> patched = socket.next();
            assertThat(patched).containsEntry("type", "project:updated");
            assertThat(data(patched)).containsEntry("version", 3).containsEntry("patch", patch);
            assertThat(patched.get("eventId")).isNotEqualTo(put.get("eventId"));

            api.putProject(owner, id, 1, Map.of("title", "stale", "projectData", Map.of())).expectStatus().isEqualTo(409);
            api.http().post().uri("/api/projects/{id}/like", id).header(HttpHeaders.AUTHORIZATION, listener.bearer()).exchange()
                    .expectStatus().isOk();
            Map<String, Object> like = socket.next();
            assertThat(like).containsEntry("type", "like:added");
            assertThat(data(like)).containsEntry("likeCount", 1);
        }
    }

    @Test
    void shouldTellTheOwnerAboutARemixWithoutSubscribing() {
        User owner = api.signUp();
        User fan = api.signUp();
        UUID id = UUID.fromString((String) api.createProject(owner, Map.of("title", "Remix me", "visibility", "public")).get("id"));
        try (LiveSocket ownerSession = LiveSocket.open(port, owner.accessToken())) {
            ownerSession.send(Map.of("type", "ping"));
            assertThat(ownerSession.next()).containsEntry("type", "pong");
            Map<String, Object> remix = api.http().post().uri("/api/projects/{id}/remix", id).header(HttpHeaders.AUTHORIZATION, fan.bearer())
                    .exchange().expectStatus().isCreated().expectBody(Api.MAP).returnResult().getResponseBody();
            Map<String, Object> event = ownerSession.next();
            assertThat(event).containsEntry("type", "project:remixed").containsEntry("projectId", id.toString());
            assertThat(data(event)).containsEntry("remixId", remix.get("id")).containsEntry("remixCount", 1);
        }
    }

    @Test
    void shouldStopDeliveringToAShareLinkHolderAsSoonAsTheOwnerRevokesTheLink() {
        User owner = api.signUp();
        User collaborator = api.signUp();
        UUID id = UUID.fromString((String) api.createProject(owner, Map.of("title", "Shared", "visibility", "private")).get("id"));
        String token = (String) new SocialFixtures(api, db).share(owner, id, "edit").get("token");
        try (LiveSocket socket = LiveSocket.open(port, collaborator.accessToken())) {
            socket.send(Map.of("type", "subscribe", "projectId", id.toString(), "shareToken", token));
            assertThat(socket.next()).containsEntry("type", "subscribed");
            api.putProject(owner, id, 1, Map.of("title", "Shared v2", "projectData", Map.of())).expectStatus().isOk();
            assertThat(data(socket.next())).containsEntry("version", 2);

            api.http().delete().uri("/api/shares/{token}", token).header(HttpHeaders.AUTHORIZATION, owner.bearer()).exchange()
                    .expectStatus().isNoContent();
            // At once, not at the next periodic re-check (DAWG_REALTIME_ACCESS_RECHECK, 10 s here) nor the next write.
            assertThat(socket.next(Duration.ofSeconds(5))).containsEntry("type", "error").containsEntry("code", "NOT_FOUND")
                    .containsEntry("projectId", id.toString());
            api.putProject(owner, id, 2, Map.of("title", "Shared v3", "projectData", Map.of())).expectStatus().isOk();
            socket.expectNothing(QUIET);
        }
    }

    @Test
    void shouldNotSendAStrangerTheWriteThatMadeAPublicProjectPrivate() {
        User owner = api.signUp();
        User stranger = api.signUp();
        UUID id = UUID.fromString((String) api.createProject(owner, Map.of("title", "Open", "visibility", "public")).get("id"));
        try (LiveSocket socket = LiveSocket.open(port, stranger.accessToken()).subscribe(id);
                LiveSocket anonymous = LiveSocket.open(port, null).subscribe(id)) {
            api.http().patch().uri("/api/projects/{id}", id).header(HttpHeaders.AUTHORIZATION, owner.bearer())
                    .header(HttpHeaders.IF_MATCH, "\"1\"").contentType(MediaType.parseMediaType("application/merge-patch+json"))
                    .bodyValue(Map.of("visibility", "private", "title", "Closed")).exchange().expectStatus().isOk();

            for (LiveSocket follower : List.of(socket, anonymous)) {
                assertThat(follower.next()).containsEntry("type", "error").containsEntry("code", "NOT_FOUND")
                        .containsEntry("projectId", id.toString());
            }
            api.putProject(owner, id, 2, Map.of("title", "Still closed", "projectData", Map.of())).expectStatus().isOk();
            socket.expectNothing(QUIET);
            anonymous.expectNothing(Duration.ZERO);
        }
    }

    @Test
    void shouldStopDeliveringWhenTheOwnerDeletesTheProject() {
        User owner = api.signUp();
        User listener = api.signUp();
        UUID id = UUID.fromString((String) api.createProject(owner, Map.of("title", "Doomed", "visibility", "public")).get("id"));
        try (LiveSocket socket = LiveSocket.open(port, listener.accessToken()).subscribe(id)) {
            api.http().delete().uri("/api/projects/{id}", id).header(HttpHeaders.AUTHORIZATION, owner.bearer()).exchange()
                    .expectStatus().isNoContent();
            assertThat(socket.next(Duration.ofSeconds(5))).containsEntry("type", "error").containsEntry("code", "NOT_FOUND")
                    .containsEntry("projectId", id.toString());
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> data(Map<String, Object> event) {
        return (Map<String, Object>) event.get("data");
    }
}
