package dev.dawg.realtime;

import java.util.Map;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.config.WebFluxConfigurer;
import org.springframework.web.reactive.handler.SimpleUrlHandlerMapping;
import org.springframework.web.reactive.socket.server.WebSocketService;

/**
 * Maps {@code GET /ws} to the realtime WebSocket handler, ahead of the functional routes (order -2 against their
 * -1), and has every WebSocket handshake go through {@link RealtimeHandshake}.
 */
@Configuration(proxyBeanMethods = false)
class RealtimeConfiguration implements WebFluxConfigurer {

    static final String PATH = "/ws";

    private final ObjectProvider<RealtimeHandshake> handshake;

    RealtimeConfiguration(ObjectProvider<RealtimeHandshake> handshake) {
        this.handshake = handshake;
    }

    @Bean
    SimpleUrlHandlerMapping realtimeHandlerMapping(RealtimeSocketHandler handler) {
        return new SimpleUrlHandlerMapping(Map.of(PATH, handler), -2);
    }

    @Override
    public WebSocketService getWebSocketService() {
        return handshake.getObject();
    }
}
