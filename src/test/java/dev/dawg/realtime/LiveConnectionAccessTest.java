package dev.dawg.realtime;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.util.unit.DataSize;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.WebSocketSession;

import dev.dawg.platform.web.ApiProblem;
import dev.dawg.sharing.AccessLevel;
import dev.dawg.sharing.ProjectAccess;
import dev.dawg.sharing.Visibility;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

/**
 * A subscriber's access re-checks, driven by hand: every access check is a {@link Sinks.One} the test answers
 * when it chooses, and the clock by which access ages is the test's, so the races between an access change and
 * a check already in flight are played out step by step instead of hoped for.
 */
class LiveConnectionAccessTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration RECHECK = Duration.ofSeconds(10);

    private final UUID projectId = UUID.randomUUID();
    private final UUID ownerId = UUID.randomUUID();
    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    /** Each access check the connection has asked for, in order, waiting for the test's answer. */
    private final List<Sinks.One<ProjectAccess.Grant>> checks = new ArrayList<>();
    private final List<Map<String, Object>> sent = new ArrayList<>();
    private LiveConnection connection;
    private ProjectFeeds feeds;

    @BeforeEach
    void connect() {
        RealtimeProperties settings = new RealtimeProperties(500, Duration.ofHours(1), 1000, DataSize.ofMegabytes(4),
                DataSize.ofKilobytes(8), 20, 40, 100, 10000, Duration.ofSeconds(25), Duration.ofSeconds(60), RECHECK,
                Duration.ofSeconds(5), DataSize.ofKilobytes(256), 100);
        SubscriberAccess access = mock(SubscriberAccess.class);
        when(access.grant(any(), eq(projectId), any())).thenAnswer(invocation -> {
            Sinks.One<ProjectAccess.Grant> check = Sinks.one();
            checks.add(check);
            return check.asMono();
        });
        EventHistory history = mock(EventHistory.class);
        when(history.since(eq(projectId), any(), eq(false)))
                .thenReturn(Mono.just(new EventHistory.Replay(List.of(), false, EventId.ZERO)));
        ChannelRegistry channels = mock(ChannelRegistry.class);
        when(channels.awaitActive(any())).thenReturn(Mono.empty());
        WebSocketSession session = mock(WebSocketSession.class);
        when(session.getId()).thenReturn("test");
        when(session.bufferFactory()).thenReturn(DefaultDataBufferFactory.sharedInstance);
        RealtimeMetrics metrics = new RealtimeMetrics(new SimpleMeterRegistry());
        ServerMessages messages = new ServerMessages(JSON);
        OutboundQueue queue = new OutboundQueue(session, settings, metrics);
        // Checks start at once on the test's thread: nothing completes before the test answers it, so nothing re-enters.
        feeds = new ProjectFeeds("test", SocketCaller.ANONYMOUS, queue, Runnable::run, channels, history, access, messages, metrics,
                settings, clock::get, Schedulers.immediate());

        connection = new LiveConnection(mock(RealtimeHub.class), SocketCaller.ANONYMOUS, null, queue, feeds, settings, messages, JSON);
        connection.outbound().subscribe(message -> sent.add(read(message)));
        connection.execute(new ClientMessage.Subscribe(projectId, null, null)).subscribe();
        checks.remove(0).tryEmitValue(publicGrant());
        assertThat(sent).singleElement().satisfies(message -> assertThat(message).containsEntry("type", "subscribed"));
        sent.clear();
    }

    @Test
    void shouldNotLetARoutineCheckStartedBeforeAnAccessChangeClearIt() {
        clock.addAndGet(RECHECK.toNanos() + 1);
        feeds.deliver(event(1), false);
        assertThat(checks).as("the aged grant is checked before the event goes out").hasSize(1);
        Sinks.One<ProjectAccess.Grant> routine = checks.remove(0);

        // The project is made private while that check is in flight; the check read the row before the change.
        feeds.deliverAccessChange(projectId);
        routine.tryEmitValue(publicGrant());
        feeds.deliver(event(2), false);

        assertThat(events()).as("nothing goes out on an answer given before the change").isEmpty();
        assertThat(checks).as("the access is asked again, after the change").hasSize(1);
        checks.remove(0).tryEmitError(ApiProblem.notFound("Project not found"));
        assertThat(sent).singleElement().satisfies(message -> assertThat(message)
                .containsEntry("type", "error").containsEntry("code", "NOT_FOUND"));
        feeds.deliver(event(3), false);
        assertThat(sent).hasSize(1);
        assertThat(checks).isEmpty();
    }

    @Test
    void shouldNotLetACheckStartedBeforeASecondAccessChangeClearIt() {
        feeds.deliverAccessChange(projectId);
        assertThat(checks).hasSize(1);
        Sinks.One<ProjectAccess.Grant> first = checks.remove(0);
        feeds.deliver(event(1), false);
        // A share link is revoked while the check of the first change is in flight.
        feeds.deliverAccessChange(projectId);
        first.tryEmitValue(publicGrant());
        feeds.deliver(event(2), false);

        assertThat(events()).isEmpty();
        assertThat(checks).hasSize(1);
        checks.remove(0).tryEmitError(ApiProblem.notFound("Project not found"));
        assertThat(events()).isEmpty();
        assertThat(sent).singleElement().satisfies(message -> assertThat(message).containsEntry("code", "NOT_FOUND"));
    }

    @Test
    void shouldDeliverEverythingHeldOnceTheFreshAnswerStillAllowsIt() {
        clock.addAndGet(RECHECK.toNanos() + 1);
        feeds.deliver(event(1), false);
        Sinks.One<ProjectAccess.Grant> routine = checks.remove(0);
        feeds.deliverAccessChange(projectId);
        routine.tryEmitValue(publicGrant());
        feeds.deliver(event(2), false);
        assertThat(events()).isEmpty();

        // The change did not concern this subscriber (another share link went, say): nothing is lost, in order.
        checks.remove(0).tryEmitValue(publicGrant());
        assertThat(events()).containsExactly("1-0", "2-0");
        feeds.deliver(event(3), false);
        assertThat(events()).containsExactly("1-0", "2-0", "3-0");
        assertThat(checks).as("the fresh answer is trusted for the recheck interval").isEmpty();
    }

    @Test
    void shouldKeepDeliveringWhenAFailedCheckWasOvertakenByNothing() {
        clock.addAndGet(RECHECK.toNanos() + 1);
        feeds.deliver(event(1), false);
        // The database is unwell, not the subscriber: delivery goes on.
        checks.remove(0).tryEmitError(new IllegalStateException("connection refused"));
        assertThat(events()).containsExactly("1-0");
    }

    @Test
    void shouldNotLetAFailedCheckStartedBeforeAnAccessChangeResumeDelivery() {
        clock.addAndGet(RECHECK.toNanos() + 1);
        feeds.deliver(event(1), false);
        Sinks.One<ProjectAccess.Grant> routine = checks.remove(0);
        feeds.deliverAccessChange(projectId);
        routine.tryEmitError(new IllegalStateException("connection refused"));
        feeds.deliver(event(2), false);

        assertThat(events()).isEmpty();
        assertThat(checks).hasSize(1);
        checks.remove(0).tryEmitError(ApiProblem.notFound("Project not found"));
        assertThat(events()).isEmpty();
    }

    private ProjectAccess.Grant publicGrant() {
        return new ProjectAccess.Grant(projectId, ownerId, Visibility.PUBLIC, AccessLevel.VIEW, Optional.empty());
    }

    /** The n-th like event of the project, chained to the one before it. */
    private PublishedEvent event(int n) {
        EventId previous = n == 1 ? EventId.ZERO : EventId.of((n - 1) + "-0");
        String wire = "{\"type\":\"like:added\",\"projectId\":\"" + projectId + "\",\"eventId\":\"" + n + "-0\"}";
        return new PublishedEvent(projectId, EventId.of(n + "-0"), previous, previous, false, wire.getBytes(StandardCharsets.UTF_8));
    }

    /** The ids of the events sent so far. */
    private List<Object> events() {
        return sent.stream().filter(message -> message.containsKey("eventId")).map(message -> message.get("eventId")).toList();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> read(WebSocketMessage message) {
        return JSON.readValue(message.getPayloadAsText(), Map.class);
    }
}
