package dev.dawg.realtime;

import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.beans.factory.annotation.Autowired;

import dev.dawg.auth.Tokens;
import dev.dawg.support.Api;
import dev.dawg.support.IntegrationTest;
import dev.dawg.support.LiveSocket;

import static org.assertj.core.api.Assertions.assertThat;

/** The JWT matrix at the WebSocket handshake: every token REST refuses, {@code /ws} refuses too. */
@IntegrationTest
public class WebSocketTokenIntegrationTests {

    @Autowired
    Api api;

    @ParameterizedTest
    @MethodSource("dev.dawg.auth.Tokens#forgeries")
    void shouldRefuseTheHandshakeWithABadToken(String kind) {
        String token = Tokens.forged(kind, api.signUp());
        assertThat(LiveSocket.refusal(LiveSocket.uri(api.port(), token), Map.of())).as(kind).isEqualTo(401);
    }
}
