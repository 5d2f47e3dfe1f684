package dev.dawg.realtime;

import io.netty.channel.Channel;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import reactor.core.publisher.Mono;

import org.springframework.stereotype.Component;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.WebSocketSession;

import dev.dawg.platform.ratelimit.ConcurrencySlots;

/**
 * {@code GET /ws} once upgraded: client messages in (in order, one at a time), the connection's queue out, and
 * the hub told when either side ends.
 */
@Component
class RealtimeSocketHandler implements WebSocketHandler {

    private final RealtimeHub hub;

    RealtimeSocketHandler(RealtimeHub hub) {
        this.hub = hub;
    }

    /** Without {@link RealtimeHandshake} in front (it passes the caller): an anonymous connection. */
    @Override
    public Mono<Void> handle(WebSocketSession session) {
        return handle(session, SocketCaller.ANONYMOUS, null, null);
    }

    Mono<Void> handle(WebSocketSession session, SocketCaller caller, Channel channel, ConcurrencySlots<String>.Slot slot) {
        LiveConnection connection = hub.open(session, caller, channel, slot);
        Mono<Void> inbound = session.receive()
                .mapNotNull(connection::read)
                .concatMap(connection::execute)
                .onErrorResume(ex -> {
                    if (ex instanceof TooLongFrameException || ex instanceof CorruptedWebSocketFrameException) {
                        connection.close(LiveConnection.TOO_BIG, "frame_too_large");
                    }
                    return Mono.empty();
                })
                .then()
                .doFinally(signal -> connection.inboundEnded());
        Mono<Void> outbound = connection.send(session)
                .onErrorResume(ex -> Mono.empty())
                .then(Mono.defer(connection::closeFrame))
                .onErrorResume(ex -> Mono.empty());
        return Mono.when(inbound, outbound).doFinally(signal -> hub.closed(connection));
    }
}
