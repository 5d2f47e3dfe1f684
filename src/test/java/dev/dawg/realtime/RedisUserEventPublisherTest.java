package dev.dawg.realtime;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The user event message on a user's channel: its frame is handed on as sent, and nothing else passes for one. */
class RedisUserEventPublisherTest {

    private static final UUID USER = UUID.fromString("7d0c3a52-5b8e-4a4e-9d0f-3f1f6f0b2c11");
    private static final String FRAME = "{\"type\":\"notification:new\",\"at\":\"2026-12-06T15:00:00Z\",\"data\":{\"id\":\"x\"}}";

    @Test
    void shouldHandOnTheFrameOfAMessageForThisUser() {
        String message = "{\"user\":\"" + USER + "\",\"frame\":" + FRAME + "}";
        assertThat(new String(RedisUserEventPublisher.frameOf(message, USER), StandardCharsets.UTF_8)).isEqualTo(FRAME);
    }

    @Test
    void shouldRefuseAnotherUsersMessageAndProjectEvents() {
        assertThat(RedisUserEventPublisher.frameOf("{\"user\":\"" + UUID.randomUUID() + "\",\"frame\":" + FRAME + "}", USER)).isNull();
        assertThat(RedisUserEventPublisher.frameOf("{\"type\":\"like:added\",\"projectId\":\"" + USER + "\"}", USER)).isNull();
        assertThat(RedisUserEventPublisher.frameOf("{\"user\":\"" + USER + "\"}", USER)).isNull();
        assertThat(RedisUserEventPublisher.frameOf("{\"user\":\"short\",\"frame\":{}}", USER)).isNull();
    }
}
