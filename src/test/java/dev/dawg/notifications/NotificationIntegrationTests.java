package dev.dawg.notifications;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.json.JsonCompareMode;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;

import dev.dawg.auth.Tokens;
import dev.dawg.events.Activity;
import dev.dawg.events.UserEventPublisher;
import dev.dawg.support.Api;
import dev.dawg.support.Api.User;
import dev.dawg.support.IntegrationTest;
import dev.dawg.support.LiveSocket;
import dev.dawg.support.TestNodes;

import static dev.dawg.support.Api.MAP;
import static dev.dawg.support.Api.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Notifications end to end: created by real likes, comments, replies and remixes over HTTP, grouped under a
 * concurrent burst, muted per type, read, deleted, hidden from others, stripped of a project the recipient can no
 * longer read, and delivered live to the recipient's sessions on every node.
 */
@IntegrationTest
class NotificationIntegrationTests {

    private static final Duration WAIT = Duration.ofSeconds(15);

    @LocalServerPort
    int port;
    @Autowired
    Api api;
    @Autowired
    DatabaseClient db;
    @Autowired
    ActivityInbox inbox;
    @Autowired
    Notifications notifications;
    @Autowired
    NotificationViews views;
    @Autowired
    UserEventPublisher live;
    @Autowired
    MeterRegistry meters;
    @Autowired
    Environment environment;

    // ---- the vocabulary

    UUID project(User owner, String visibility, String title) {
        return UUID.fromString((String) api.createProject(owner, Map.of("title", title, "visibility", visibility)).get("id"));
    }

    void like(User user, UUID projectId) {
        api.http().post().uri("/api/projects/{id}/like", projectId).header(HttpHeaders.AUTHORIZATION, user.bearer()).exchange()
                .expectStatus().isOk();
    }

    void unlike(User user, UUID projectId) {
        api.http().delete().uri("/api/projects/{id}/like", projectId).header(HttpHeaders.AUTHORIZATION, user.bearer()).exchange()
                .expectStatus().isOk();
    }

    UUID comment(User user, UUID projectId, String text, UUID parentId) {
        Map<String, Object> body = new HashMap<>();
        body.put("text", text);
        if (parentId != null) {
            body.put("parentId", parentId.toString());
        }
        Map<String, Object> created = api.http().post().uri("/api/projects/{id}/comments", projectId)
                .header(HttpHeaders.AUTHORIZATION, user.bearer()).contentType(MediaType.APPLICATION_JSON).bodyValue(body)
                .exchange().expectStatus().isCreated().expectBody(MAP).returnResult().getResponseBody();
        return UUID.fromString((String) created.get("id"));
    }

    void remix(User user, UUID projectId) {
        api.http().post().uri("/api/projects/{id}/remix", projectId).header(HttpHeaders.AUTHORIZATION, user.bearer()).exchange()
                .expectStatus().isCreated();
    }

    WebTestClient.ResponseSpec get(User user, String uri) {
        return api.http().get().uri(uri).header(HttpHeaders.AUTHORIZATION, user.bearer()).exchange();
    }

    @SuppressWarnings("unchecked")
    List<Map<String, Object>> items(User user, String query) {
        Map<String, Object> page = get(user, "/api/notifications" + query).expectStatus().isOk().expectBody(MAP).returnResult().getResponseBody();
        return (List<Map<String, Object>>) page.get("items");
    }

    /** Waits until every activity told so far is stored (or dropped): then what is not there was not created. */
    void settled() {
        await().atMost(WAIT).until(inbox::idle);
    }

    long unreadCount(User user) {
        return ((Number) get(user, "/api/notifications/unread-count").expectStatus().isOk().expectBody(MAP).returnResult()
                .getResponseBody().get("count")).longValue();
    }

    /** {@code count} users written straight to the database, each with an access token: a crowd, fast. */
    List<User> crowd(int count) {
        String stem = Api.uniqueName("fan");
        return db.sql("""
                        INSERT INTO users (email, username, display_name, password_hash)
                        SELECT :stem || '_' || g || '@example.test', :stem || '_' || g, 'Fan ' || g, 'not-a-hash'
                        FROM generate_series(1, :count) g RETURNING id, username""")
                .bind("stem", stem.length() > 24 ? stem.substring(0, 24) : stem)
                .bind("count", count)
                .map(row -> {
                    UUID id = row.get("id", UUID.class);
                    String username = row.get("username", String.class);
                    String token = Tokens.signed(id, claims -> claims.claim("username", username));
                    return new User(id, username, username + "@example.test", null, token, null);
                })
                .all().collectList().block(WAIT);
    }

    /** The next event of {@code type} on the socket, skipping others (the owner's project events come too). */
    static Map<String, Object> nextOfType(LiveSocket socket, String type) {
        for (int i = 0; i < 1000; i++) {
            Map<String, Object> message = socket.next(WAIT);
            if (type.equals(message.get("type"))) {
                return message;
            }
        }
        throw new AssertionError("No " + type + " among 1000 messages");
    }

    // ---- what creates notifications

    @Test
    @SuppressWarnings("unchecked")
    void shouldTellOwnersAndAnsweredAuthorsButNeverTheActorThemselves() {
        User owner = api.signUp();
        User fan = api.signUp();
        User third = api.signUp();
        UUID projectId = project(owner, "public", "Night drive");

        like(owner, projectId);
        UUID ownersComment = comment(owner, projectId, "My own words", null);
        settled();
        assertThat(items(owner, "")).as("nothing about one's own actions").isEmpty();

        // Settled after each step: activities are stored by several writers at once, and the order of actors matters here.
        like(fan, projectId);
        UUID fansComment = comment(fan, projectId, "Great groove", null);
        remix(fan, projectId);
        // The owner answers the fan: the fan is told of a reply; the owner of nothing.
        comment(owner, projectId, "Thanks!", fansComment);
        settled();
        // A third user answers the fan: a reply to the fan, and a comment to the owner (joining the fan's).
        UUID thirdsReply = comment(third, projectId, "Agreed", fansComment);
        settled();
        // The fan answers the owner's comment: the owner is told once, as a reply, not also as a comment.
        comment(fan, projectId, "Sure", ownersComment);
        settled();

        List<Map<String, Object>> ownerSees = items(owner, "");
        assertThat(ownerSees).extracting(n -> n.get("type")).containsExactlyInAnyOrder("like", "comment", "remix", "reply");
        Map<String, Object> liked = ownerSees.stream().filter(n -> n.get("type").equals("like")).findFirst().orElseThrow();
        assertThat(liked).containsEntry("read", false).containsEntry("actorCount", 1).containsEntry("readAt", null)
                .containsEntry("project", Map.of("id", projectId.toString(), "title", "Night drive"))
                .containsKeys("id", "createdAt", "updatedAt", "summary");
        assertThat((List<Map<String, Object>>) liked.get("actors")).singleElement().satisfies(actor -> assertThat(actor)
                .containsEntry("id", fan.id().toString()).containsEntry("username", fan.username()));
        Map<String, Object> commented = ownerSees.stream().filter(n -> n.get("type").equals("comment")).findFirst().orElseThrow();
        assertThat(commented).containsEntry("actorCount", 2).containsEntry("commentId", thirdsReply.toString());
        assertThat((List<Map<String, Object>>) commented.get("actors")).extracting(actor -> actor.get("id"))
                .containsExactly(third.id().toString(), fan.id().toString());
        assertThat((String) commented.get("summary")).isEqualTo(third.username() + " and 1 other commented on “Night drive”");
        assertThat((String) liked.get("summary")).isEqualTo(fan.username() + " liked “Night drive”");

        List<Map<String, Object>> fanSees = items(fan, "");
        assertThat(fanSees).singleElement().satisfies(reply -> {
            assertThat(reply).containsEntry("type", "reply").containsEntry("actorCount", 2).containsEntry("commentId", thirdsReply.toString());
            assertThat((String) reply.get("summary")).isEqualTo(third.username() + " and 1 other replied to your comment on “Night drive”");
        });
        assertThat(items(third, "")).isEmpty();
    }

    @Test
    void shouldCountAnActorOnceWhenTheyLikeAgainAndAcceptActivitiesOfAFollowWithoutAProject() {
        User owner = api.signUp();
        User fan = api.signUp();
        UUID projectId = project(owner, "public", "Loop");
        like(fan, projectId);
        unlike(fan, projectId);
        like(fan, projectId);
        // Follows are reported by the follows feature through the same interface.
        inbox.tell(Activity.followed(fan.id(), owner.id()));
        inbox.tell(Activity.followed(owner.id(), owner.id()));
        settled();
        List<Map<String, Object>> seen = items(owner, "");
        assertThat(seen).extracting(n -> n.get("type")).containsExactlyInAnyOrder("like", "follow");
        assertThat(seen).allSatisfy(n -> assertThat(n).containsEntry("actorCount", 1));
        Map<String, Object> follow = items(owner, "?type=follow").get(0);
        assertThat(follow).containsEntry("project", null).containsEntry("summary", fan.username() + " followed you");
    }

    @Test
    void shouldTellAUserWhoStartedFollowingThemOnceHoweverOftenTheyFollow() {
        User owner = api.signUp();
        User fan = api.signUp();
        for (int i = 0; i < 3; i++) {
            api.http().put().uri("/api/users/{id}/follow", owner.id()).header(HttpHeaders.AUTHORIZATION, fan.bearer()).exchange()
                    .expectStatus().isOk();
        }
        settled();
        assertThat(items(owner, "?type=follow")).singleElement()
                .satisfies(follow -> assertThat(follow).containsEntry("actorCount", 1).containsEntry("summary", fan.username() + " followed you"));
        assertThat(items(fan, "")).isEmpty();
    }

    // ---- grouping

    @Test
    void shouldGroupAConcurrentBurstOfLikesIntoOneNotificationWithAnExactCount() {
        User owner = api.signUp();
        UUID projectId = project(owner, "public", "Viral");
        List<User> fans = crowd(200);
        WebClient http = WebClient.builder().baseUrl("http://127.0.0.1:" + port).build();
        try (LiveSocket session = LiveSocket.open(port, owner.accessToken())) {
            // All 200 at once. On a busy 2-core machine a like may wait past the pool's acquisition time (503, nothing
            // written: the likes serialize on the project's row); those are sent again, all at once too.
            List<User> pending = fans;
            for (int round = 0; round < 5 && !pending.isEmpty(); round++) {
                List<Map.Entry<User, Integer>> answers = Flux.fromIterable(pending)
                        .flatMap(fan -> http.post().uri("/api/projects/{id}/like", projectId)
                                .header(HttpHeaders.AUTHORIZATION, fan.bearer())
                                .exchangeToMono(response -> response.releaseBody().thenReturn(Map.entry(fan, response.statusCode().value()))),
                                pending.size())
                        .collectList().block(Duration.ofSeconds(60));
                assertThat(answers).extracting(Map.Entry::getValue).isSubsetOf(200, 503);
                pending = answers.stream().filter(answer -> answer.getValue() != 200).map(Map.Entry::getKey).toList();
            }
            assertThat(pending).as("likes still refused after 5 rounds").isEmpty();
            settled();

            long rows = db.sql("SELECT count(*) AS n FROM notifications WHERE recipient_id = :owner")
                    .bind("owner", owner.id()).map(row -> row.get("n", Long.class)).one().block(WAIT);
            assertThat(rows).as("one row for the whole burst").isEqualTo(1);
            List<Map<String, Object>> seen = items(owner, "");
            assertThat(seen).singleElement().satisfies(group -> {
                assertThat(group).containsEntry("type", "like").containsEntry("actorCount", 200);
                assertThat((List<?>) group.get("actors")).hasSize(Notification.SHOWN_ACTORS);
                assertThat((String) group.get("summary")).endsWith(" and 199 others liked “Viral”");
            });
            assertThat(unreadCount(owner)).isEqualTo(1);
            // Each activity announced the group as it then was; the last of them counts all 200.
            int highest = 0;
            while (highest < 200) {
                Map<String, Object> event = nextOfType(session, "notification:new");
                highest = Math.max(highest, (Integer) ((Map<?, ?>) event.get("data")).get("actorCount"));
            }
            assertThat(highest).isEqualTo(200);
        }
    }

    @Test
    void shouldStartANewGroupOnceTheGroupIsReadOrItsWindowHasPassed() {
        User owner = api.signUp();
        List<User> fans = crowd(3);
        UUID projectId = project(owner, "public", "Windows");
        like(fans.get(0), projectId);
        settled();
        String first = (String) items(owner, "").get(0).get("id");
        api.http().post().uri("/api/notifications/{id}/read", first).header(HttpHeaders.AUTHORIZATION, owner.bearer()).exchange()
                .expectStatus().isNoContent();
        like(fans.get(1), projectId);
        settled();
        List<Map<String, Object>> seen = items(owner, "");
        assertThat(seen).hasSize(2);
        String second = (String) seen.get(0).get("id");
        assertThat(second).isNotEqualTo(first);

        // The second group is unread but older than the window: the next like opens a third.
        db.sql("UPDATE notifications SET created_at = now() - interval '11 minutes' WHERE id = :id").bind("id", UUID.fromString(second))
                .fetch().rowsUpdated().block(WAIT);
        like(fans.get(2), projectId);
        settled();
        seen = items(owner, "");
        assertThat(seen).hasSize(3).allSatisfy(n -> assertThat(n).containsEntry("actorCount", 1));
        assertThat(items(owner, "?unread=true")).hasSize(2);
    }

    // ---- the routes

    @Test
    @SuppressWarnings("unchecked")
    void shouldListByTypeAndUnreadInKeysetPagesAndRefuseBadQueries() {
        User owner = api.signUp();
        User fan = api.signUp();
        List<UUID> projects = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            UUID projectId = project(owner, "public", "Track " + i);
            projects.add(projectId);
            like(fan, projectId);
            settled();
        }
        comment(fan, projects.get(0), "First!", null);
        settled();

        List<String> paged = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            Map<String, Object> page = get(owner, "/api/notifications?limit=2" + (cursor == null ? "" : "&cursor=" + cursor))
                    .expectStatus().isOk().expectBody(MAP).returnResult().getResponseBody();
            ((List<Map<String, Object>>) page.get("items")).forEach(n -> paged.add((String) n.get("id")));
            cursor = (String) page.get("nextCursor");
            pages++;
        } while (cursor != null);
        assertThat(pages).isEqualTo(3);
        assertThat(paged).hasSize(6).doesNotHaveDuplicates();
        assertThat(items(owner, "?limit=1").get(0)).containsEntry("type", "comment");
        assertThat(items(owner, "?type=like")).hasSize(5).allSatisfy(n -> assertThat(n).containsEntry("type", "like"));
        assertThat(items(owner, "?type=comment&unread=true")).hasSize(1);
        assertThat(items(owner, "?type=remix")).isEmpty();

        assertProblem(get(owner, "/api/notifications?type=poke"), 400, "VALIDATION_FAILED");
        assertProblem(get(owner, "/api/notifications?unread=maybe"), 400, "VALIDATION_FAILED");
        assertProblem(get(owner, "/api/notifications?cursor=not-a-cursor"), 400, "VALIDATION_FAILED");
        assertProblem(get(owner, "/api/notifications?limit=0"), 400, "VALIDATION_FAILED");
        assertProblem(api.http().get().uri("/api/notifications").exchange(), 401, "UNAUTHORIZED");
        String key = api.createApiKey(owner, List.of("projects:read", "projects:write", "assets:read", "assets:write", "social:write"));
        assertProblem(api.http().get().uri("/api/notifications").header("X-API-Key", key).exchange(), 403, "INSUFFICIENT_SCOPE");
    }

    @Test
    void shouldCountMarkReadAndDeleteOnlyTheCallersOwn() {
        User owner = api.signUp();
        User fan = api.signUp();
        User stranger = api.signUp();
        UUID first = project(owner, "public", "One");
        UUID second = project(owner, "public", "Two");
        UUID third = project(owner, "public", "Three");
        like(fan, first);
        like(fan, second);
        like(fan, third);
        settled();
        assertThat(unreadCount(owner)).isEqualTo(3);
        List<Map<String, Object>> seen = items(owner, "");
        String one = (String) seen.get(0).get("id");
        String two = (String) seen.get(1).get("id");

        // Someone else's notification does not exist for them, whatever they try.
        assertProblem(api.http().post().uri("/api/notifications/{id}/read", one).header(HttpHeaders.AUTHORIZATION, stranger.bearer())
                .exchange(), 404, "NOT_FOUND");
        assertProblem(api.http().delete().uri("/api/notifications/{id}", one).header(HttpHeaders.AUTHORIZATION, stranger.bearer())
                .exchange(), 404, "NOT_FOUND");
        api.http().post().uri("/api/notifications/read-all").header(HttpHeaders.AUTHORIZATION, stranger.bearer()).exchange()
                .expectStatus().isOk().expectBody().json("{\"marked\": 0}");
        assertThat(unreadCount(owner)).isEqualTo(3);
        assertProblem(api.http().post().uri("/api/notifications/{id}/read", UUID.randomUUID()).header(HttpHeaders.AUTHORIZATION, owner.bearer())
                .exchange(), 404, "NOT_FOUND");
        assertProblem(api.http().post().uri("/api/notifications/not-an-id/read").header(HttpHeaders.AUTHORIZATION, owner.bearer())
                .exchange(), 404, "NOT_FOUND");
        assertProblem(api.http().post().uri("/api/notifications/{id}/read", one).exchange(), 401, "UNAUTHORIZED");

        api.http().post().uri("/api/notifications/{id}/read", one).header(HttpHeaders.AUTHORIZATION, owner.bearer()).exchange()
                .expectStatus().isNoContent();
        api.http().post().uri("/api/notifications/{id}/read", one).header(HttpHeaders.AUTHORIZATION, owner.bearer()).exchange()
                .expectStatus().isNoContent();
        assertThat(unreadCount(owner)).isEqualTo(2);
        Map<String, Object> read = items(owner, "").stream().filter(n -> n.get("id").equals(one)).findFirst().orElseThrow();
        assertThat(read).containsEntry("read", true);
        assertThat(read.get("readAt")).isNotNull();
        assertThat(items(owner, "?unread=true")).extracting(n -> n.get("id")).doesNotContain(one).hasSize(2);

        api.http().delete().uri("/api/notifications/{id}", two).header(HttpHeaders.AUTHORIZATION, owner.bearer()).exchange()
                .expectStatus().isNoContent();
        assertProblem(api.http().delete().uri("/api/notifications/{id}", two).header(HttpHeaders.AUTHORIZATION, owner.bearer())
                .exchange(), 404, "NOT_FOUND");
        assertThat(unreadCount(owner)).isEqualTo(1);

        api.http().post().uri("/api/notifications/read-all").header(HttpHeaders.AUTHORIZATION, owner.bearer()).exchange()
                .expectStatus().isOk().expectBody().json("{\"marked\": 1}");
        assertThat(unreadCount(owner)).isZero();
        assertThat(items(owner, "")).hasSize(2).allSatisfy(n -> assertThat(n).containsEntry("read", true));
    }

    @Test
    void shouldCreateNothingOfAMutedTypeAndRefuseBadSettings() {
        User owner = api.signUp();
        User fan = api.signUp();
        UUID projectId = project(owner, "public", "Quiet");
        get(owner, "/api/notifications/settings").expectStatus().isOk().expectBody()
                .json("{\"like\": true, \"comment\": true, \"reply\": true, \"remix\": true, \"follow\": true}", JsonCompareMode.STRICT);
        api.http().put().uri("/api/notifications/settings").header(HttpHeaders.AUTHORIZATION, owner.bearer())
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("like", false, "remix", false)).exchange()
                .expectStatus().isOk().expectBody()
                .json("{\"like\": false, \"comment\": true, \"reply\": true, \"remix\": false, \"follow\": true}", JsonCompareMode.STRICT);
        // Types left out keep their setting.
        api.http().put().uri("/api/notifications/settings").header(HttpHeaders.AUTHORIZATION, owner.bearer())
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("remix", true)).exchange()
                .expectStatus().isOk().expectBody()
                .json("{\"like\": false, \"comment\": true, \"reply\": true, \"remix\": true, \"follow\": true}", JsonCompareMode.STRICT);

        like(fan, projectId);
        comment(fan, projectId, "Still heard", null);
        settled();
        assertThat(items(owner, "")).extracting(n -> n.get("type")).containsExactly("comment");

        for (Object bad : List.of(Map.of("poke", true), Map.of("like", "no"), Map.of("like", 0), List.of("like"))) {
            assertProblem(api.http().put().uri("/api/notifications/settings").header(HttpHeaders.AUTHORIZATION, owner.bearer())
                    .contentType(MediaType.APPLICATION_JSON).bodyValue(bad).exchange(), 400, bad instanceof List ? "MALFORMED_REQUEST" : "VALIDATION_FAILED");
        }
        assertProblem(api.http().put().uri("/api/notifications/settings").header(HttpHeaders.AUTHORIZATION, owner.bearer())
                .contentType(MediaType.TEXT_PLAIN).bodyValue("like=false").exchange(), 415, "UNSUPPORTED_MEDIA_TYPE");
        // Nothing half-written by the refused bodies.
        get(owner, "/api/notifications/settings").expectStatus().isOk().expectBody()
                .json("{\"like\": false, \"comment\": true, \"reply\": true, \"remix\": true, \"follow\": true}", JsonCompareMode.STRICT);
        // Turned on again: likes from now on are created.
        api.http().put().uri("/api/notifications/settings").header(HttpHeaders.AUTHORIZATION, owner.bearer())
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("like", true)).exchange().expectStatus().isOk();
        like(api.signUp(), projectId);
        settled();
        assertThat(items(owner, "?type=like")).hasSize(1);
    }

    // ---- access

    @Test
    void shouldShowNoProjectTheRecipientCanNoLongerRead() {
        User owner = api.signUp();
        User fan = api.signUp();
        User other = api.signUp();
        UUID projectId = project(owner, "public", "Soon private");
        UUID fansComment = comment(fan, projectId, "Nice", null);
        comment(other, projectId, "Indeed", fansComment);
        like(fan, projectId);
        settled();
        assertThat(items(fan, "").get(0)).containsEntry("project", Map.of("id", projectId.toString(), "title", "Soon private"));

        api.http().patch().uri("/api/projects/{id}", projectId).header(HttpHeaders.AUTHORIZATION, owner.bearer())
                .header(HttpHeaders.IF_MATCH, "\"1\"").contentType(MediaType.valueOf("application/merge-patch+json"))
                .bodyValue(Map.of("visibility", "private")).exchange().expectStatus().isOk();
        Map<String, Object> reply = items(fan, "").get(0);
        assertThat(reply).containsEntry("type", "reply").containsEntry("project", null).containsEntry("commentId", null)
                .containsEntry("summary", other.username() + " replied to your comment on a project");
        assertThat(reply.toString()).doesNotContain("Soon private");
        // The owner still reads their private project.
        assertThat(items(owner, "")).allSatisfy(n -> assertThat(n.get("project")).isNotNull());

        api.http().delete().uri("/api/projects/{id}", projectId).header(HttpHeaders.AUTHORIZATION, owner.bearer()).exchange()
                .expectStatus().isNoContent();
        assertThat(items(owner, "")).hasSize(2).allSatisfy(n -> assertThat(n).containsEntry("project", null));
        assertThat(items(owner, "").toString()).doesNotContain("Soon private");
    }

    // ---- never in the way of the action

    @Test
    void shouldNeverFailTheActionWhenANotificationCannotBeStoredOrQueued() {
        double failuresBefore = meters.counter("dawg.notifications.failures").count();
        // A recipient that does not exist: the row cannot be written; counted and logged, nothing thrown.
        inbox.tell(Activity.liked(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID()));
        await().atMost(WAIT).until(() -> meters.counter("dawg.notifications.failures").count() > failuresBefore);

        // A full queue drops the activity at once rather than waiting.
        SimpleMeterRegistry ownMeters = new SimpleMeterRegistry();
        ActivityInbox full = new ActivityInbox(notifications, views, live, new NotificationProperties(Duration.ofMinutes(10), 0, 1), ownMeters);
        User owner = api.signUp();
        full.tell(Activity.liked(api.signUp().id(), owner.id(), project(owner, "public", "Dropped")));
        assertThat(ownMeters.counter("dawg.notifications.dropped").count()).isEqualTo(1);
        assertThat(full.idle()).isTrue();
        settled();
        assertThat(items(owner, "")).isEmpty();
    }

    // ---- live

    @Test
    @SuppressWarnings("unchecked")
    void shouldDeliverNotificationNewToTheRecipientsOwnSessionsOnEveryNode() {
        User owner = api.signUp();
        User fan = api.signUp();
        UUID projectId = project(owner, "public", "Live one");
        try (ConfigurableApplicationContext secondNode = TestNodes.startBeside(environment);
                LiveSocket here = LiveSocket.open(port, owner.accessToken());
                LiveSocket fansSession = LiveSocket.open(port, fan.accessToken())) {
            int secondPort = secondNode.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
            try (LiveSocket there = LiveSocket.open(secondPort, owner.accessToken())) {
                like(fan, projectId);
                for (LiveSocket session : List.of(here, there)) {
                    Map<String, Object> event = nextOfType(session, "notification:new");
                    assertThat(event).containsOnlyKeys("type", "at", "data");
                    Map<String, Object> data = (Map<String, Object>) event.get("data");
                    assertThat(data).containsEntry("type", "like").containsEntry("actorCount", 1).containsEntry("read", false)
                            .containsEntry("project", Map.of("id", projectId.toString(), "title", "Live one"));
                    assertThat(data.get("id")).isEqualTo(items(owner, "").get(0).get("id"));
                }
                // A comment made through the second node reaches the owner's sessions on both, too.
                WebTestClient secondHttp = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + secondPort).build();
                secondHttp.post().uri("/api/projects/{id}/comments", projectId).header(HttpHeaders.AUTHORIZATION, fan.bearer())
                        .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("text", "From afar")).exchange().expectStatus().isCreated();
                for (LiveSocket session : List.of(here, there)) {
                    assertThat((Map<String, Object>) nextOfType(session, "notification:new").get("data")).containsEntry("type", "comment");
                }
                // Only the recipient's sessions: the fan hears nothing of the owner's notifications.
                assertThat(fansSession.drain(Duration.ofMillis(500))).extracting(m -> m.get("type")).doesNotContain("notification:new");
            }
        }
    }
}
