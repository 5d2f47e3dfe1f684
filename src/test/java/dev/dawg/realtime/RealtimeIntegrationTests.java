package dev.dawg.realtime;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.KillArgs;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.dawg.events.ProjectEventPublisher;
import dev.dawg.auth.Tokens;
import dev.dawg.support.Api;
import dev.dawg.support.IntegrationTest;
import dev.dawg.support.LiveSocket;
import dev.dawg.support.TcpProxy;
import dev.dawg.support.TestNodes;
import dev.dawg.events.ProjectEvent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The realtime hub end to end: real WebSockets against the server on its port, real Redis, real PostgreSQL. */
@IntegrationTest
class RealtimeIntegrationTests {

    private static final Duration QUIET = Duration.ofMillis(400);

    @LocalServerPort
    int port;

    @Autowired
    Api api;

    @Autowired
    ProjectEventPublisher events;

    @Autowired
    ChannelRegistry channels;

    @Autowired
    RealtimeRedis redis;

    @Autowired
    DatabaseClient db;

    @Autowired
    Environment environment;

    @Autowired
    MeterRegistry meters;

    ProjectRows projects;

    @BeforeEach
    void rows() {
        projects = new ProjectRows(db);
    }

    static ProjectEvent.Actor actor(Api.User user) {
        return new ProjectEvent.Actor(user.id(), user.username());
    }

    void publish(ProjectEvent event) {
        events.publish(event).block(Duration.ofSeconds(5));
    }

    static ProjectEvent liked(UUID projectId, Api.User owner, Api.User fan, long likeCount) {
        return ProjectEvent.likeAdded(projectId, owner.id(), actor(fan), likeCount);
    }

    @Test
    void shouldDeliverEveryEventTypeToSubscribersAndTheOwnersSessions() {
        Api.User owner = api.signUp();
        Api.User fan = api.signUp();
        UUID projectId = projects.create(owner.id(), "public");
        UUID remixId = UUID.randomUUID();
        try (LiveSocket ownerSession = LiveSocket.open(port, owner.accessToken());
                LiveSocket fanSession = LiveSocket.open(port, fan.accessToken()).subscribe(projectId)) {
            publish(ProjectEvent.projectUpdated(projectId, owner.id(), actor(owner), 2,
                    List.of(Map.of("op", "replace", "path", "/bpm", "value", 128)), "application/json-patch+json"));
            publish(ProjectEvent.commentAdded(projectId, owner.id(), actor(fan), Map.of("id", "c1", "text", "Nice groove")));
            publish(liked(projectId, owner, fan, 3));
            publish(ProjectEvent.projectShared(projectId, owner.id(), actor(owner), "edit"));
            publish(ProjectEvent.projectRemixed(projectId, owner.id(), actor(fan), remixId, 1));

            List<Map<String, Object>> seenByFan = fanSession.take(3);
            fanSession.expectNothing(QUIET);
            assertThat(seenByFan).extracting(message -> message.get("type"))
                    .containsExactly("project:updated", "comment:added", "like:added");
            Map<String, Object> updated = seenByFan.get(0);
            assertThat(updated).containsOnlyKeys("type", "projectId", "eventId", "at", "actor", "data")
                    .containsEntry("projectId", projectId.toString())
                    .containsEntry("actor", Map.of("id", owner.id().toString(), "username", owner.username()));
            assertThat(Instant.parse((String) updated.get("at"))).isBeforeOrEqualTo(Instant.now());
            assertThat(updated.get("data")).isEqualTo(Map.of("version", 2, "patchType", "application/json-patch+json",
                    "patch", List.of(Map.of("op", "replace", "path", "/bpm", "value", 128))));
            assertThat(seenByFan.get(1).get("data")).isEqualTo(Map.of("id", "c1", "text", "Nice groove"));
            assertThat(seenByFan.get(2).get("data")).isEqualTo(Map.of("likeCount", 3));

            // The owner receives everything on their project without subscribing, owner-only events included.
            List<Map<String, Object>> seenByOwner = ownerSession.take(5);
            ownerSession.expectNothing(QUIET);
            assertThat(seenByOwner).extracting(message -> message.get("type"))
                    .containsExactly("project:updated", "comment:added", "like:added", "project:shared", "project:remixed");
            assertThat(seenByOwner.get(3).get("data")).isEqualTo(Map.of("accessLevel", "edit"));
            assertThat(seenByOwner.get(4).get("data")).isEqualTo(Map.of("remixId", remixId.toString(), "remixCount", 1));
            assertThat(eventIds(seenByOwner)).isSorted().doesNotHaveDuplicates();
            assertThat(seenByOwner.subList(0, 3)).isEqualTo(seenByFan);
        }
    }

    @Test
    void shouldDeliverOnceToAnOwnerWhoAlsoSubscribes() {
        Api.User owner = api.signUp();
        UUID projectId = projects.create(owner.id(), "private");
        try (LiveSocket session = LiveSocket.open(port, owner.accessToken()).subscribe(projectId)) {
            for (int like = 1; like <= 3; like++) {
                publish(ProjectEvent.likeAdded(projectId, owner.id(), actor(owner), like));
            }
            assertThat(session.take(3)).extracting(RealtimeIntegrationTests::likeCount).containsExactly(1, 2, 3);
            session.expectNothing(QUIET);
        }
    }

    @Test
    void shouldReplayOwnerOnlyEventsToTheOwnerAndSkipThemForSubscribersWithoutSeeingAGap() {
        Api.User owner = api.signUp();
        Api.User fan = api.signUp();
        UUID projectId = projects.create(owner.id(), "public");
        String fanLast;
        String ownerLast;
        double replayed = meters.counter("dawg.realtime.events.sent", "source", "replay").count();
        try (LiveSocket ownerSession = LiveSocket.open(port, owner.accessToken());
                LiveSocket fanSession = LiveSocket.open(port, fan.accessToken()).subscribe(projectId)) {
            publish(liked(projectId, owner, fan, 1));
            fanLast = (String) fanSession.next().get("eventId");
            ownerLast = (String) ownerSession.next().get("eventId");
            publish(ProjectEvent.projectShared(projectId, owner.id(), actor(owner), "view"));
            publish(liked(projectId, owner, fan, 2));
            // The subscriber never sees the owner-only event, and does not take its absence for a gap.
            assertThat(likeCount(fanSession.next())).isEqualTo(2);
            assertThat(ownerSession.take(2)).extracting(message -> message.get("type")).containsExactly("project:shared", "like:added");
            assertThat(meters.counter("dawg.realtime.events.sent", "source", "replay").count()).isEqualTo(replayed);
        }
        publish(ProjectEvent.projectShared(projectId, owner.id(), actor(owner), "edit"));
        publish(liked(projectId, owner, fan, 3));
        try (LiveSocket fanSession = LiveSocket.open(port, fan.accessToken()).subscribe(projectId, fanLast);
                LiveSocket ownerSession = LiveSocket.open(port, owner.accessToken()).subscribe(projectId, ownerLast)) {
            assertThat(fanSession.take(2)).extracting(RealtimeIntegrationTests::likeCount).containsExactly(2, 3);
            assertThat(ownerSession.take(4)).extracting(message -> message.get("type"))
                    .containsExactly("project:shared", "like:added", "project:shared", "like:added");
            fanSession.expectNothing(QUIET);
            ownerSession.expectNothing(Duration.ofMillis(1));
        }
    }

    @Test
    void shouldAnswerNotFoundForSomeoneElsesPrivateProject() {
        Api.User owner = api.signUp();
        Api.User stranger = api.signUp();
        UUID secret = projects.create(owner.id(), "private");
        try (LiveSocket session = LiveSocket.open(port, stranger.accessToken())) {
            session.send(Map.of("type", "subscribe", "projectId", secret.toString()));
            assertThat(session.next()).containsEntry("type", "error").containsEntry("code", "NOT_FOUND")
                    .containsEntry("projectId", secret.toString());
            UUID unknown = UUID.randomUUID();
            session.send(Map.of("type", "subscribe", "projectId", unknown.toString()));
            assertThat(session.next()).containsEntry("type", "error").containsEntry("code", "NOT_FOUND")
                    .containsEntry("projectId", unknown.toString());

            publish(liked(secret, owner, owner, 1));
            session.expectNothing(QUIET);
        }
    }

    @Test
    void shouldLetAnonymousConnectionsFollowPublicProjectsOnly() {
        Api.User owner = api.signUp();
        UUID open = projects.create(owner.id(), "public");
        UUID unlisted = projects.create(owner.id(), "unlisted");
        UUID secret = projects.create(owner.id(), "private");
        try (LiveSocket anonymous = LiveSocket.open(port, null).subscribe(open)) {
            anonymous.send(Map.of("type", "subscribe", "projectId", unlisted.toString()));
            assertThat(anonymous.next()).containsEntry("type", "error").containsEntry("code", "UNAUTHORIZED")
                    .containsEntry("projectId", unlisted.toString());
            anonymous.send(Map.of("type", "subscribe", "projectId", secret.toString()));
            assertThat(anonymous.next()).containsEntry("type", "error").containsEntry("code", "NOT_FOUND");

            publish(liked(open, owner, owner, 7));
            publish(liked(unlisted, owner, owner, 1));
            assertThat(anonymous.next()).containsEntry("type", "like:added").containsEntry("projectId", open.toString());
            anonymous.expectNothing(QUIET);
        }
    }

    @Test
    void shouldStopDeliveringWhenTheProjectTurnsPrivate() {
        Api.User owner = api.signUp();
        Api.User fan = api.signUp();
        UUID projectId = projects.create(owner.id(), "public");
        try (LiveSocket session = LiveSocket.open(port, fan.accessToken()).subscribe(projectId)) {
            publish(liked(projectId, owner, fan, 1));
            assertThat(session.next()).containsEntry("type", "like:added");

            projects.setVisibility(projectId, "private");
            publish(ProjectEvent.accessChanged(projectId, owner.id()));
            assertThat(session.next()).containsEntry("type", "error").containsEntry("code", "NOT_FOUND")
                    .containsEntry("projectId", projectId.toString());
            publish(ProjectEvent.projectUpdated(projectId, owner.id(), actor(owner), 2, null, null));
            session.expectNothing(QUIET);
        }
    }

    @Test
    void shouldLetShareLinkHoldersFollowUntilTheLinkIsRevoked() {
        Api.User owner = api.signUp();
        Api.User collaborator = api.signUp();
        UUID projectId = projects.create(owner.id(), "private");
        String token = projects.share(projectId, owner.id(), "edit");
        try (LiveSocket session = LiveSocket.open(port, collaborator.accessToken())) {
            session.send(Map.of("type", "subscribe", "projectId", projectId.toString(), "shareToken", token));
            assertThat(session.next()).containsEntry("type", "subscribed");
            publish(ProjectEvent.projectUpdated(projectId, owner.id(), actor(owner), 2, null, null));
            assertThat(session.next()).containsEntry("type", "project:updated").containsEntry("data", Map.of("version", 2));

            projects.revokeShare(token);
            publish(ProjectEvent.accessChanged(projectId, owner.id()));
            assertThat(session.next()).containsEntry("type", "error").containsEntry("code", "NOT_FOUND");
            publish(ProjectEvent.projectUpdated(projectId, owner.id(), actor(owner), 3, null, null));
            session.expectNothing(QUIET);
        }
    }

    @Test
    void shouldStopSendingAfterUnsubscribe() {
        Api.User owner = api.signUp();
        UUID projectId = projects.create(owner.id(), "public");
        try (LiveSocket session = LiveSocket.open(port, null).subscribe(projectId)) {
            session.send(Map.of("type", "unsubscribe", "projectId", projectId.toString()));
            assertThat(session.next()).containsEntry("type", "unsubscribed").containsEntry("projectId", projectId.toString());
            publish(liked(projectId, owner, owner, 1));
            session.expectNothing(QUIET);
            await().atMost(5, TimeUnit.SECONDS).until(() -> channels.channel(RedisProjectEventPublisher.projectChannel(projectId)) == null);
        }
    }

    @Test
    void shouldRefuseBadTokensAtTheHandshake() {
        Api.User user = api.signUp();
        List<String> bad = List.of(
                "not-a-jwt",
                Tokens.signed(user.id(), claims -> claims.expirationTime(Date.from(Instant.now().minusSeconds(60)))),
                Tokens.signed(user.id(), claims -> claims.issuer("someone-else")),
                Tokens.sign(Tokens.validClaims(user.id()).build(), "another-secret-of-at-least-32-bytes-long!!"),
                Tokens.unsigned(user.id(), "none"));
        for (String token : bad) {
            assertThat(LiveSocket.refusal(LiveSocket.uri(port, token), Map.of())).as(token).isEqualTo(401);
        }
    }

    @Test
    void shouldRefuseBrowserPagesFromOtherOrigins() {
        assertThat(LiveSocket.refusal(LiveSocket.uri(port, null), Map.of("Origin", "http://evil.example"))).isEqualTo(403);
        try (LiveSocket sameOrigin = LiveSocket.open(LiveSocket.uri(port, null), Map.of("Origin", "http://127.0.0.1:" + port));
                LiveSocket noOrigin = LiveSocket.open(port, null)) {
            sameOrigin.send(Map.of("type", "ping"));
            assertThat(sameOrigin.next()).containsEntry("type", "pong");
            noOrigin.send(Map.of("type", "ping"));
            assertThat(noOrigin.next()).containsEntry("type", "pong");
        }
    }

    @Test
    void shouldAnswerPingsAndExplainBadMessages() {
        try (LiveSocket session = LiveSocket.open(port, null)) {
            session.send(Map.of("type", "ping"));
            assertThat(session.next()).isEqualTo(Map.of("type", "pong"));
            session.sendText("{not json");
            assertThat(session.next()).containsEntry("type", "error").containsEntry("code", "MALFORMED_REQUEST");
            session.send(Map.of("type", "dance"));
            assertThat(session.next()).containsEntry("type", "error").containsEntry("code", "VALIDATION_FAILED");
            session.send(Map.of("type", "subscribe", "projectId", "42"));
            assertThat(session.next()).containsEntry("type", "error").containsEntry("code", "VALIDATION_FAILED");
            UUID projectId = UUID.randomUUID();
            session.send(Map.of("type", "subscribe", "projectId", projectId.toString(), "lastEventId", "yesterday"));
            assertThat(session.next()).containsEntry("type", "error").containsEntry("code", "VALIDATION_FAILED")
                    .containsEntry("projectId", projectId.toString());
        }
    }

    @Test
    void shouldReplayWhatWasMissedThenContinueLiveWithoutGapOrDuplicate() throws Exception {
        Api.User owner = api.signUp();
        Api.User fan = api.signUp();
        UUID projectId = projects.create(owner.id(), "public");
        int total = 300;
        CompletableFuture<Void> writer;
        List<Map<String, Object>> firstSession = new ArrayList<>();
        try (LiveSocket first = LiveSocket.open(port, fan.accessToken()).subscribe(projectId)) {
            // A collaborator keeps writing while the client drops and comes back.
            writer = CompletableFuture.runAsync(() -> {
                for (int like = 1; like <= total; like++) {
                    publish(liked(projectId, owner, fan, like));
                }
            });
            while (firstSession.size() < 40) {
                firstSession.add(first.next());
            }
        }
        String lastEventId = (String) firstSession.get(firstSession.size() - 1).get("eventId");
        List<Map<String, Object>> secondSession = new ArrayList<>();
        try (LiveSocket second = LiveSocket.open(port, fan.accessToken()).subscribe(projectId, lastEventId)) {
            while (secondSession.isEmpty() || likeCount(secondSession.get(secondSession.size() - 1)) < total) {
                secondSession.add(second.next());
            }
            writer.get(30, TimeUnit.SECONDS);
            second.expectNothing(QUIET);
        }
        List<Map<String, Object>> all = new ArrayList<>(firstSession);
        all.addAll(secondSession);
        assertThat(all).extracting(RealtimeIntegrationTests::likeCount)
                .containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, total).boxed().toList());
        assertThat(eventIds(all)).isSorted().doesNotHaveDuplicates();
        assertThat(meters.counter("dawg.realtime.events.sent", "source", "replay").count()).isPositive();
    }

    @Test
    void shouldCatchUpByItselfAfterLosingItsRedisSubscription() {
        Api.User owner = api.signUp();
        UUID projectId = projects.create(owner.id(), "public");
        try (LiveSocket session = LiveSocket.open(port, null).subscribe(projectId)) {
            publish(liked(projectId, owner, owner, 1));
            assertThat(session.next()).containsEntry("type", "like:added");

            double replayedBefore = meters.counter("dawg.realtime.events.sent", "source", "replay").count();
            killSubscriberConnection();
            for (int like = 2; like <= 6; like++) {
                publish(liked(projectId, owner, owner, like));
            }
            List<Map<String, Object>> received = new ArrayList<>();
            while (received.size() < 5) {
                received.add(session.next());
            }
            assertThat(received).extracting(RealtimeIntegrationTests::likeCount).containsExactly(2, 3, 4, 5, 6);
            // Published while this node was not subscribed: they came from the history, not from pub/sub.
            assertThat(meters.counter("dawg.realtime.events.sent", "source", "replay").count()).isGreaterThan(replayedBefore);
            session.expectNothing(QUIET);
            await().atMost(10, TimeUnit.SECONDS).until(redis::subscriberConnected);
            publish(liked(projectId, owner, owner, 7));
            assertThat(likeCount(session.next())).isEqualTo(7);
        }
    }

    private void killSubscriberConnection() {
        String clients = redis.commands().flatMap(commands -> commands.clientList()).block(Duration.ofSeconds(5));
        long id = clients.lines()
                .filter(line -> line.contains("name=dawg-realtime-sub-" + redis.nodeId() + " "))
                .map(line -> Long.parseLong(line.substring(line.indexOf("id=") + 3, line.indexOf(' ', line.indexOf("id=")))))
                .findFirst().orElseThrow();
        redis.commands().flatMap(commands -> commands.clientKill(KillArgs.Builder.id(id))).block(Duration.ofSeconds(5));
    }

    @Test
    void shouldCarryEventsFromOneNodeToSubscribersOnAnother() {
        Api.User owner = api.signUp();
        Api.User fan = api.signUp();
        UUID projectId = UUID.fromString((String) api.createProject(owner, Map.of("visibility", "public")).get("id"));
        String channel = RedisProjectEventPublisher.projectChannel(projectId);
        try (ConfigurableApplicationContext secondNode = TestNodes.startBeside(environment)) {
            int secondPort = secondNode.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
            WebTestClient secondNodeHttp = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + secondPort).build();
            ChannelRegistry secondChannels = secondNode.getBean(ChannelRegistry.class);
            LiveSocket onSecond = LiveSocket.open(secondPort, owner.accessToken());
            LiveSocket subscriberOnSecond = LiveSocket.open(secondPort, null).subscribe(projectId);

            // Only the node with a subscriber listens to the project's channel.
            assertThat(secondChannels.channel(channel)).isNotNull();
            assertThat(channels.channel(channel)).isNull();

            // A like over REST on this node reaches the subscriber and the owner's session on the second one.
            api.http().post().uri("/api/projects/{id}/like", projectId).header(HttpHeaders.AUTHORIZATION, fan.bearer()).exchange()
                    .expectStatus().isOk();
            assertThat(subscriberOnSecond.next()).containsEntry("type", "like:added").containsEntry("projectId", projectId.toString());
            assertThat(onSecond.next()).containsEntry("type", "like:added");

            // And the other way round: the owner's edit over REST on the second node reaches a subscriber here.
            try (LiveSocket subscriberOnFirst = LiveSocket.open(port, null).subscribe(projectId)) {
                secondNodeHttp.put().uri("/api/projects/{id}", projectId).header(HttpHeaders.AUTHORIZATION, owner.bearer())
                        .header(HttpHeaders.IF_MATCH, "\"1\"").contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(Map.of("title", "Edited on the second node", "projectData", Map.of())).exchange().expectStatus().isOk();
                for (LiveSocket subscriber : List.of(subscriberOnFirst, subscriberOnSecond)) {
                    assertThat(subscriber.next()).containsEntry("type", "project:updated").containsEntry("projectId", projectId.toString())
                            .containsEntry("data", Map.of("version", 2));
                }
            }

            // The last listener leaving unsubscribes the node from the channel.
            subscriberOnSecond.send(Map.of("type", "unsubscribe", "projectId", projectId.toString()));
            assertThat(subscriberOnSecond.next()).containsEntry("type", "unsubscribed");
            await().atMost(5, TimeUnit.SECONDS).until(() -> secondChannels.channel(channel) == null && subscribers(channel) == 0);

            // Graceful shutdown closes every WebSocket with 1001.
            secondNode.close();
            assertThat(onSecond.awaitClose().code()).isEqualTo(1001);
            assertThat(subscriberOnSecond.awaitClose().code()).isEqualTo(1001);
        }
    }

    @Test
    void shouldReplaceAFrozenRedisLinkAndCatchUpWithWhatWasPublishedMeanwhile() throws IOException {
        Api.User owner = api.signUp();
        UUID projectId = UUID.fromString((String) api.createProject(owner, Map.of("visibility", "public")).get("id"));
        URI redisUri = URI.create(environment.getRequiredProperty("dawg.redis.url"));
        try (TcpProxy link = new TcpProxy(redisUri.getHost(), redisUri.getPort() < 0 ? 6379 : redisUri.getPort());
                ConfigurableApplicationContext secondNode = TestNodes.startBeside(environment, Map.of("dawg.redis.url", "redis://127.0.0.1:" + link.port()))) {
            int secondPort = secondNode.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
            try (LiveSocket subscriber = LiveSocket.open(secondPort, null).subscribe(projectId)) {
                likeAsANewFan(projectId);
                assertThat(likeCount(subscriber.next())).isEqualTo(1);

                // The second node's connections stay open but carry nothing, and no reset ever tells Lettuce.
                link.freezeOpenConnections();
                likeAsANewFan(projectId);
                // Noticed within a heartbeat tick plus the 2 s command timeout; the missed like comes from the history.
                assertThat(likeCount(subscriber.next(Duration.ofSeconds(15)))).isEqualTo(2);
                likeAsANewFan(projectId);
                assertThat(likeCount(subscriber.next())).isEqualTo(3);
                subscriber.expectNothing(QUIET);
            }
            finally {
                // Lets the second node's other (frozen) connections close promptly.
                link.pass();
            }
        }
    }

    private void likeAsANewFan(UUID projectId) {
        api.http().post().uri("/api/projects/{id}/like", projectId).header(HttpHeaders.AUTHORIZATION, api.signUp().bearer()).exchange()
                .expectStatus().isOk();
    }

    private long subscribers(String channel) {
        return redis.commands().flatMap(commands -> commands.pubsubNumsub(channel)).block(Duration.ofSeconds(5))
                .getOrDefault(channel, 0L);
    }

    @Test
    void shouldCloseWithPolicyViolationWhenTheTokenExpiresUnlessRefreshed() {
        Api.User user = api.signUp();
        String shortLived = Tokens.signed(user.id(), claims -> claims.expirationTime(Date.from(Instant.now().plusSeconds(2))));
        try (LiveSocket expiring = LiveSocket.open(port, shortLived); LiveSocket refreshed = LiveSocket.open(port, shortLived)) {
            refreshed.send(Map.of("type", "auth", "token", user.accessToken()));
            assertThat(refreshed.next()).containsEntry("type", "authenticated").containsKey("expiresAt");
            LiveSocket.Closed closed = expiring.awaitClose(Duration.ofSeconds(6));
            assertThat(closed.code()).isEqualTo(1008);
            refreshed.send(Map.of("type", "ping"));
            assertThat(refreshed.next()).containsEntry("type", "pong");
        }
    }

    @Test
    void shouldNeverFailOrHoldUpTheWriterWhenPublishingFails() {
        // An event that cannot even be serialized stands in for any failure: counted, logged, swallowed.
        double failuresBefore = meters.counter("dawg.realtime.publish.failures").count();
        ProjectEvent broken = new ProjectEvent(ProjectEvent.LIKE_ADDED, null, UUID.randomUUID(), null, null, false);
        events.publish(broken).as(reactor.test.StepVerifier::create).verifyComplete();
        assertThat(meters.counter("dawg.realtime.publish.failures").count()).isEqualTo(failuresBefore + 1);
    }

    @Test
    void shouldMeterConnectionsSubscriptionsAndEvents() {
        Api.User owner = api.signUp();
        UUID projectId = projects.create(owner.id(), "public");
        double sentBefore = meters.counter("dawg.realtime.events.sent", "source", "live").count();
        try (LiveSocket session = LiveSocket.open(port, null).subscribe(projectId)) {
            assertThat(meters.get("dawg.realtime.connections").gauge().value()).isPositive();
            assertThat(meters.get("dawg.realtime.subscriptions").gauge().value()).isPositive();
            assertThat(meters.get("dawg.realtime.redis.channels").gauge().value()).isPositive();
            publish(liked(projectId, owner, owner, 1));
            session.next();
            assertThat(meters.counter("dawg.realtime.events.sent", "source", "live").count()).isGreaterThan(sentBefore);
            assertThat(meters.counter("dawg.realtime.events.received").count()).isPositive();
            String scrape = api.http().get().uri("/actuator/prometheus").header(HttpHeaders.AUTHORIZATION, api.admin().bearer())
                    .exchange().expectStatus().isOk()
                    .expectBody(String.class).returnResult().getResponseBody();
            assertThat(scrape).contains("dawg_realtime_connections", "dawg_realtime_subscriptions", "dawg_realtime_redis_channels",
                    "dawg_realtime_events_sent_total", "dawg_realtime_events_published_total");
        }
    }

    static int likeCount(Map<String, Object> message) {
        assertThat(message).containsEntry("type", "like:added");
        return ((Number) ((Map<?, ?>) message.get("data")).get("likeCount")).intValue();
    }

    static List<EventId> eventIds(List<Map<String, Object>> messages) {
        return messages.stream().map(message -> EventId.of((String) message.get("eventId"))).toList();
    }
}
