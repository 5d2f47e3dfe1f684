package dev.dawg.realtime;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The hub's own wire formats: event ids, the pub/sub envelope and history entries. */
class PublishedEventTest {

    @Test
    void shouldOrderEventIdsByMillisecondsThenSequence() {
        assertThat(EventId.of("1700000000000-1")).isGreaterThan(EventId.of("1700000000000-0"));
        assertThat(EventId.of("1700000000001-0")).isGreaterThan(EventId.of("1700000000000-9"));
        assertThat(EventId.of("10-0")).isGreaterThan(EventId.of("9-99"));
        assertThat(EventId.max(null, EventId.ZERO)).isEqualTo(EventId.ZERO);
        assertThat(EventId.of("5-5")).hasToString("5-5");
    }

    @Test
    void shouldRefuseWhatIsNotAnEventId() {
        assertThat(EventId.parse("yesterday")).isEmpty();
        assertThat(EventId.parse("1-")).isEmpty();
        assertThat(EventId.parse("-1-0")).isEmpty();
        assertThat(EventId.parse("99999999999999999999-0")).isEmpty();
        assertThat(EventId.parse(null)).isEmpty();
    }

    @Test
    void shouldReadThePublishedEnvelope() {
        UUID projectId = UUID.randomUUID();
        String frame = "{\"type\":\"like:added\",\"projectId\":\"" + projectId + "\",\"eventId\":\"7-1\",\"data\":{\"text\":\"a,\\\"hub\\\":{}}\"}}";
        PublishedEvent event = PublishedEvent.fromMessage(frame.substring(0, frame.length() - 1) + ",\"hub\":{\"projectId\":\"" + projectId
                + "\",\"eventId\":\"7-1\",\"prev\":\"7-0\",\"subscriberPrev\":\"6-0\",\"ownerOnly\":false}}");
        assertThat(event.projectId()).isEqualTo(projectId);
        assertThat(event.id()).isEqualTo(EventId.of("7-1"));
        assertThat(event.predecessor(true)).isEqualTo(EventId.of("7-0"));
        assertThat(event.predecessor(false)).isEqualTo(EventId.of("6-0"));
        assertThat(event.ownerOnly()).isFalse();
        assertThat(new String(event.wire(), StandardCharsets.UTF_8)).isEqualTo(frame);

        assertThat(PublishedEvent.fromMessage("{\"type\":\"project:access-changed\",\"projectId\":\"" + projectId + "\"}").isAccessChange())
                .isTrue();
        assertThat(PublishedEvent.fromMessage("{\"type\":\"x\",\"hub\":{\"projectId\":\"not-a-uuid\",\"eventId\":\"1-0\"}}")).isNull();
        assertThat(PublishedEvent.fromMessage("{\"type\":\"x\"}")).isNull();
        assertThat(PublishedEvent.fromMessage("something else")).isNull();
    }

    @Test
    void shouldRebuildTheFrameOfAHistoryEntry() {
        UUID projectId = UUID.randomUUID();
        PublishedEvent shared = PublishedEvent.fromHistory(projectId, "9-0", Map.of("prev", "8-0", "subscriberPrev", "7-0", "ownerOnly", "1",
                "head", "{\"type\":\"project:shared\",\"eventId\":\"", "tail", "\"}"));
        assertThat(new String(shared.wire(), StandardCharsets.UTF_8)).isEqualTo("{\"type\":\"project:shared\",\"eventId\":\"9-0\"}");
        // Subscribers never see it: for them the chain still ends at the event before.
        assertThat(shared.visibleTo(false)).isFalse();
        assertThat(shared.seenThrough(false)).isEqualTo(EventId.of("7-0"));
        assertThat(shared.seenThrough(true)).isEqualTo(EventId.of("9-0"));
    }
}
