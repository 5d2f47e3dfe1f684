package dev.dawg.dawgclient.notifications;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.dawg.sharing.SocialFixtures;
import dev.dawg.support.Api;
import dev.dawg.support.Api.User;
import dev.dawg.support.IntegrationTest;

import static dev.dawg.dawgclient.session.DawgClientReplay.assertClientError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The DAWG client's notifications view (apiClient.getNotifications, markNotificationAsRead, ..., the settings). */
@IntegrationTest
class ClientNotificationIntegrationTests {

    private static final String BASE = "/dawg-client/api/notifications";

    @Autowired
    Api api;

    @Autowired
    DatabaseClient db;

    SocialFixtures fixtures;

    @BeforeEach
    void fixtures() {
        fixtures = new SocialFixtures(api, db);
    }

    private WebTestClient.ResponseSpec call(String method, String uri, User user) {
        return api.http().method(org.springframework.http.HttpMethod.valueOf(method)).uri(BASE + uri)
                .header(HttpHeaders.AUTHORIZATION, user.bearer()).exchange();
    }

    private Map<String, Object> ok(String method, String uri, User user) {
        return call(method, uri, user).expectStatus().isOk().expectBody(Api.MAP).returnResult().getResponseBody();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> notifications(Map<String, Object> body) {
        return (List<Map<String, Object>>) body.get("notifications");
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldListReadAndDeleteNotificationsInTheClientsShapes() {
        User owner = api.signUp();
        User fan = api.signUp();
        UUID project = fixtures.project(owner, "public");
        api.http().put().uri("/api/projects/{id}", project).header(HttpHeaders.AUTHORIZATION, owner.bearer()).header(HttpHeaders.IF_MATCH, "\"1\"")
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("title", "Night drive", "projectData", Map.of())).exchange()
                .expectStatus().isOk();
        api.http().post().uri("/api/projects/{id}/like", project).header(HttpHeaders.AUTHORIZATION, fan.bearer()).exchange().expectStatus().isOk();
        api.http().put().uri("/api/users/{id}/follow", owner.id()).header(HttpHeaders.AUTHORIZATION, fan.bearer()).exchange().expectStatus().isOk();

        await().atMost(Duration.ofSeconds(15)).until(() -> notifications(ok("GET", "?page=1&limit=20", owner)).size() == 2);
        Map<String, Object> body = ok("GET", "?page=1&limit=20", owner);
        assertThat(body).containsEntry("unreadCount", 2);
        assertThat((Map<String, Object>) body.get("pagination")).containsEntry("page", 1).containsEntry("total", 2).containsEntry("hasMore", false);
        Map<String, Object> like = notifications(ok("GET", "?type=project_liked", owner)).get(0);
        assertThat(like).containsEntry("type", "project_liked").containsEntry("isRead", false).containsEntry("userId", owner.id().toString())
                .containsKeys("id", "createdAt");
        assertThat((Map<String, Object>) like.get("data")).containsEntry("projectId", project.toString())
                .containsEntry("projectTitle", "Night drive").containsEntry("likedByUserId", fan.id().toString())
                .containsEntry("likedByUsername", fan.username());
        Map<String, Object> follow = notifications(ok("GET", "?type=user_followed", owner)).get(0);
        assertThat((Map<String, Object>) follow.get("data")).containsEntry("followerUserId", fan.id().toString())
                .containsEntry("followerUsername", fan.username()).doesNotContainKey("projectId");

        // Paged by number; read one, then the rest; delete one.
        Map<String, Object> first = ok("GET", "?page=1&limit=1", owner);
        assertThat((Map<String, Object>) first.get("pagination")).containsEntry("hasMore", true);
        assertThat(ok("PUT", "/" + like.get("id") + "/read", owner)).containsEntry("success", true);
        assertThat(notifications(ok("GET", "?unreadOnly=true", owner))).extracting(n -> n.get("type")).containsExactly("user_followed");
        assertThat(ok("PUT", "/read-all", owner)).containsEntry("success", true).containsEntry("count", 1);
        assertThat(ok("GET", "", owner)).containsEntry("unreadCount", 0);
        assertThat(ok("DELETE", "/" + follow.get("id"), owner)).containsEntry("success", true);
        assertThat(notifications(ok("GET", "", owner))).singleElement().satisfies(n -> assertThat(n).containsEntry("id", like.get("id")));

        // Another user's notification, like none at all, is not found; bad queries are named.
        assertClientError(call("PUT", "/" + like.get("id") + "/read", fan), 404, "NOT_FOUND");
        assertClientError(call("DELETE", "/" + like.get("id"), fan), 404, "NOT_FOUND");
        assertClientError(call("DELETE", "/" + UUID.randomUUID(), owner), 404, "NOT_FOUND");
        assertClientError(call("GET", "?type=project_hated", owner), 400, "VALIDATION_FAILED");
        assertClientError(call("GET", "?unreadOnly=maybe", owner), 400, "VALIDATION_FAILED");
        assertClientError(api.http().get().uri(BASE).exchange(), 401, "UNAUTHORIZED");
    }

    @Test
    void shouldSwitchKindsOfNotificationWithTheClientsSettings() {
        User user = api.signUp();
        assertThat(ok("GET", "/settings", user)).containsExactlyInAnyOrderEntriesOf(Map.of("emailOnLike", true, "emailOnComment", true,
                "emailOnFollow", true, "emailOnRemix", true, "pushEnabled", true));

        Map<String, Object> updated = api.http().put().uri(BASE + "/settings").header(HttpHeaders.AUTHORIZATION, user.bearer())
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("emailOnLike", false, "emailOnComment", false)).exchange()
                .expectStatus().isOk().expectBody(Api.MAP).returnResult().getResponseBody();
        assertThat(updated).containsEntry("success", true).containsEntry("settings", Map.of("emailOnComment", false, "emailOnFollow", true,
                "emailOnLike", false, "emailOnRemix", true, "pushEnabled", true));
        api.http().get().uri("/api/notifications/settings").header(HttpHeaders.AUTHORIZATION, user.bearer()).exchange()
                .expectBody(Api.MAP).value(native_ -> assertThat(native_).containsExactlyInAnyOrderEntriesOf(Map.of("like", false,
                        "comment", false, "reply", false, "remix", true, "follow", true)));

        assertClientError(api.http().put().uri(BASE + "/settings").header(HttpHeaders.AUTHORIZATION, user.bearer())
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("emailOnLike", "no")).exchange(), 400, "VALIDATION_FAILED");
        assertClientError(api.http().put().uri(BASE + "/settings").header(HttpHeaders.AUTHORIZATION, user.bearer())
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("emailOnEverything", true)).exchange(), 400, "VALIDATION_FAILED");
    }
}
