package dev.dawg.realtime;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.TestPropertySource;

import dev.dawg.events.ProjectEventPublisher;
import dev.dawg.support.Api;
import dev.dawg.support.IntegrationTest;
import dev.dawg.support.LiveSocket;
import dev.dawg.events.ProjectEvent;

import static dev.dawg.realtime.RealtimeIntegrationTests.actor;
import static dev.dawg.realtime.RealtimeIntegrationTests.eventIds;
import static dev.dawg.realtime.RealtimeIntegrationTests.likeCount;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The hub's limits, with small values so each is reached quickly: history, queue, rate, frame size, heartbeat. */
@IntegrationTest
@TestPropertySource(properties = {
        "dawg.realtime.history-size=5",
        "dawg.realtime.max-queued-messages=200",
        "dawg.realtime.message-rate=5",
        "dawg.realtime.message-burst=5",
        "dawg.realtime.max-frame-size=1KB",
        "dawg.realtime.heartbeat-interval=500ms",
        "dawg.realtime.heartbeat-timeout=3s",
        "dawg.realtime.access-recheck=300ms",
        "dawg.realtime.close-timeout=2s",
        "dawg.web.cors-origins=http://daw.example" })
class RealtimeLimitsIntegrationTests {

    private static final Duration QUIET = Duration.ofMillis(400);

    @LocalServerPort
    int port;

    @Autowired
    Api api;

    @Autowired
    ProjectEventPublisher events;

    @Autowired
    DatabaseClient db;

    @Autowired
    MeterRegistry meters;

    ProjectRows projects;

    @BeforeEach
    void rows() {
        projects = new ProjectRows(db);
    }

    void like(UUID projectId, Api.User owner, int likeCount) {
        events.publish(ProjectEvent.likeAdded(projectId, owner.id(), actor(owner), likeCount)).block(Duration.ofSeconds(5));
    }

    @Test
    void shouldReplayWithinTheHistoryAndAskForResyncBeyondIt() {
        Api.User owner = api.signUp();
        UUID projectId = projects.create(owner.id(), "public");
        String lastEventId;
        try (LiveSocket session = LiveSocket.open(port, null).subscribe(projectId)) {
            like(projectId, owner, 1);
            lastEventId = (String) session.next().get("eventId");
        }
        for (int like = 2; like <= 4; like++) {
            like(projectId, owner, like);
        }
        try (LiveSocket session = LiveSocket.open(port, null).subscribe(projectId, lastEventId)) {
            assertThat(session.take(3)).extracting(RealtimeIntegrationTests::likeCount).containsExactly(2, 3, 4);
            session.expectNothing(QUIET);
        }

        for (int like = 5; like <= 12; like++) {
            like(projectId, owner, like);
        }
        double resyncsBefore = meters.counter("dawg.realtime.resyncs").count();
        try (LiveSocket session = LiveSocket.open(port, null).subscribe(projectId, lastEventId)) {
            // Only five events are kept: the client must reload the project, then it carries on live.
            assertThat(session.next()).isEqualTo(Map.of("type", "resync", "projectId", projectId.toString()));
            session.expectNothing(QUIET);
            like(projectId, owner, 13);
            assertThat(likeCount(session.next())).isEqualTo(13);
        }
        assertThat(meters.counter("dawg.realtime.resyncs").count()).isEqualTo(resyncsBefore + 1);
    }

    @Test
    void shouldCloseASlowConsumerWhileAFastOneReceivesEveryEvent() throws IOException {
        Api.User owner = api.signUp();
        UUID projectId = projects.create(owner.id(), "public");
        String subscribe = "{\"type\":\"subscribe\",\"projectId\":\"" + projectId + "\"}";
        double slowBefore = slowConsumerDrops();
        int total = 1500;
        String text = "x".repeat(8000);
        try (RawWebSocket slow = RawWebSocket.open(port, "/ws", 4096);
                LiveSocket fast = LiveSocket.open(port, null).subscribe(projectId)) {
            slow.sendText(subscribe);
            assertThat(slow.read().text()).contains("\"subscribed\"");
            // The slow client stops reading here. Each event is about 8 KB; the fast client keeps up with each batch
            // (so a busy machine cannot make it look slow), the slow one falls further behind with every batch.
            List<Map<String, Object>> received = new ArrayList<>();
            for (int batch = 0; batch < total / 50; batch++) {
                int first = batch * 50 + 1;
                Flux.range(first, 50)
                        .concatMap(n -> events.publish(ProjectEvent.commentAdded(projectId, owner.id(), actor(owner),
                                Map.of("n", n, "text", text))))
                        .blockLast(Duration.ofSeconds(30));
                while (received.size() < first + 49) {
                    received.add(fast.next());
                }
            }
            Set<Object> numbers = new HashSet<>();
            received.forEach(message -> numbers.add(((Map<?, ?>) message.get("data")).get("n")));
            assertThat(numbers).hasSize(total);
            assertThat(eventIds(received)).isSorted().doesNotHaveDuplicates();
            fast.expectNothing(QUIET);

            await().atMost(10, TimeUnit.SECONDS).until(() -> slowConsumerDrops() > slowBefore);
            // Reading again, the slow client finds what was in flight, then 1013 or the cut connection.
            int closeCode = slow.readUntilClosed();
            assertThat(closeCode).isIn(1013, -1);
        }
    }

    private double slowConsumerDrops() {
        var counter = meters.find("dawg.realtime.drops").tag("reason", "slow_consumer").counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void shouldRefuseMessagesPastTheRateThenClose() throws IOException {
        try (RawWebSocket socket = RawWebSocket.open(port, "/ws", 0)) {
            // Twenty pings in one write: the server takes them in together, so its budget does not refill between them,
            // and the client sends nothing after them (a client still sending when the server cuts the connection can
            // lose what was on its way to it: the JDK client did, in CI).
            socket.sendTexts(Collections.nCopies(20, "{\"type\":\"ping\"}"));
            List<String> answers = new ArrayList<>();
            int closeCode = socket.readUntilClosed(frame -> {
                if (frame.opcode() == RawWebSocket.TEXT) {
                    answers.add(frame.text());
                }
            });
            // The burst of five passes (a sixth if the budget refilled meanwhile); five refusals, then the close.
            assertThat(answers.stream().filter(answer -> answer.contains("\"pong\"")).count()).isBetween(5L, 7L);
            assertThat(answers).anySatisfy(answer -> assertThat(answer).contains("\"RATE_LIMITED\""));
            assertThat(closeCode).isEqualTo(1008);
        }
    }

    @Test
    void shouldCloseWithTooBigOnAnOversizedMessage() {
        try (LiveSocket session = LiveSocket.open(port, null)) {
            session.sendText("{\"type\":\"ping\",\"pad\":\"" + "x".repeat(2000) + "\"}");
            assertThat(session.awaitClose().code()).isEqualTo(1009);
        }
    }

    @Test
    void shouldPingQuietClientsAndCloseDeadOnes() throws IOException {
        try (RawWebSocket silent = RawWebSocket.open(port, "/ws", 0); LiveSocket alive = LiveSocket.open(port, null)) {
            RawWebSocket.Frame ping = silent.read();
            assertThat(ping.opcode()).isEqualTo(RawWebSocket.PING);
            // It never answers: gone after the heartbeat timeout. The JDK client answers pings and stays.
            assertThat(silent.readUntilClosed()).isIn(1001, -1);
            assertThat(alive.isClosed()).isFalse();
            alive.send(Map.of("type", "ping"));
            assertThat(alive.next()).containsEntry("type", "pong");
        }
        assertThat(meters.find("dawg.realtime.drops").tag("reason", "heartbeat").counter()).isNotNull();
    }

    @Test
    void shouldRecheckAccessOnTheNextEventOnceTheGrantHasAged() throws InterruptedException {
        Api.User owner = api.signUp();
        Api.User fan = api.signUp();
        UUID projectId = projects.create(owner.id(), "public");
        try (LiveSocket session = LiveSocket.open(port, fan.accessToken()).subscribe(projectId)) {
            like(projectId, owner, 1);
            assertThat(likeCount(session.next())).isEqualTo(1);
            // No access-changed signal this time: the aged grant is checked again before the next delivery.
            projects.setVisibility(projectId, "private");
            Thread.sleep(1_200);
            like(projectId, owner, 2);
            assertThat(session.next()).containsEntry("type", "error").containsEntry("code", "NOT_FOUND");
            session.expectNothing(QUIET);
        }
    }

    @Test
    void shouldAcceptPagesFromAllowedOrigins() {
        try (LiveSocket session = LiveSocket.open(LiveSocket.uri(port, null), Map.of("Origin", "http://daw.example"))) {
            session.send(Map.of("type", "ping"));
            assertThat(session.next()).containsEntry("type", "pong");
        }
        assertThat(LiveSocket.refusal(LiveSocket.uri(port, null), Map.of("Origin", "http://evil.example"))).isEqualTo(403);
    }
}
