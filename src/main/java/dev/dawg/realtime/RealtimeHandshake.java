package dev.dawg.realtime;

import io.netty.channel.Channel;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.http.server.WebsocketServerSpec;

import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.stereotype.Component;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.reactive.CorsConfigurationSource;
import org.springframework.web.cors.reactive.CorsUtils;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.server.WebSocketService;
import org.springframework.web.reactive.socket.server.support.HandshakeWebSocketService;
import org.springframework.web.reactive.socket.server.upgrade.ReactorNettyRequestUpgradeStrategy;
import org.springframework.web.server.ServerWebExchange;

import dev.dawg.platform.web.ApiProblem;
import dev.dawg.platform.web.ClientAddress;
import dev.dawg.platform.web.ProblemWriter;
import dev.dawg.platform.ratelimit.ConcurrencySlots;

/**
 * The {@code GET /ws} handshake, before anything is upgraded: the node must have room, a browser page must come
 * from an allowed origin, the client's address must hold fewer than its share of connections, and a
 * {@code ?token=} must be a valid access token. Each refusal is a problem+json response (401, 403, 429, 503),
 * which browsers report as a failed connection.
 *
 * <p>Origins: the same allowlist as CORS ({@code DAWG_CORS_ORIGINS}). A page served from the API's own origin
 * and clients that send no {@code Origin} (native apps, servers) need no entry; with an empty list, browsers on
 * other origins cannot connect at all. The token is only the door: anonymous connections are let in, and may
 * follow public projects.
 */
@Component
class RealtimeHandshake implements WebSocketService {

    static final String TOKEN_PARAM = "token";

    private final HandshakeWebSocketService upgrade;
    private final RealtimeHub hub;
    private final CorsConfigurationSource origins;
    private final ProblemWriter problems;

    RealtimeHandshake(RealtimeHub hub, CorsConfigurationSource origins, ProblemWriter problems, RealtimeProperties settings) {
        this.hub = hub;
        this.origins = origins;
        this.problems = problems;
        // Larger frames are refused by Netty's decoder with close code 1009; pings are answered by Netty.
        int maxFrame = (int) settings.maxFrameSize().toBytes();
        this.upgrade = new HandshakeWebSocketService(new ReactorNettyRequestUpgradeStrategy(
                () -> WebsocketServerSpec.builder().maxFramePayloadLength(maxFrame)));
    }

    @Override
    public Mono<Void> handleRequest(ServerWebExchange exchange, WebSocketHandler handler) {
        return Mono.defer(() -> handshake(exchange, handler))
                .onErrorResume(ApiProblem.class, problem -> problems.write(exchange, problem));
    }

    /** The checks in the order their refusals are reported (503, 403, 429, 401), then the upgrade. */
    private Mono<Void> handshake(ServerWebExchange exchange, WebSocketHandler handler) {
        hub.admit().ifPresent(problem -> {
            throw problem;
        });
        checkOrigin(exchange);
        ConcurrencySlots<String>.Slot slot = hub.reserve(ClientAddress.of(exchange.getRequest()));
        String token = exchange.getRequest().getQueryParams().getFirst(TOKEN_PARAM);
        Mono<SocketCaller> caller = token == null || token.isBlank() ? Mono.just(SocketCaller.ANONYMOUS) : hub.authenticate(token);
        Channel channel = nettyChannel(exchange.getRequest());
        return caller.flatMap(known -> upgrade.handleRequest(exchange, connected(handler, known, channel, slot)))
                // Once upgraded, the connection holds the slot and gives it back when it closes; if no
                // connection comes of the handshake, the slot is the address's again at once.
                .doOnError(ex -> slot.releaseUnlessHandedOver())
                .doOnCancel(slot::releaseUnlessHandedOver)
                .doOnSuccess(done -> {
                    if (channel == null || !(handler instanceof RealtimeSocketHandler)) {
                        slot.releaseUnlessHandedOver();
                    }
                    else {
                        channel.closeFuture().addListener(closed -> slot.releaseUnlessHandedOver());
                    }
                });
    }

    private static WebSocketHandler connected(WebSocketHandler handler, SocketCaller caller, Channel channel,
            ConcurrencySlots<String>.Slot slot) {
        return handler instanceof RealtimeSocketHandler realtime ? session -> realtime.handle(session, caller, channel, slot) : handler;
    }

    private void checkOrigin(ServerWebExchange exchange) {
        String origin = exchange.getRequest().getHeaders().getOrigin();
        if (origin == null || !CorsUtils.isCorsRequest(exchange.getRequest())) {
            return;
        }
        CorsConfiguration allowed = origins.getCorsConfiguration(exchange);
        if (allowed == null || allowed.checkOrigin(origin) == null) {
            throw ApiProblem.forbidden("Pages from " + origin + " may not connect here (see DAWG_CORS_ORIGINS)");
        }
    }

    private static Channel nettyChannel(ServerHttpRequest request) {
        Object nativeRequest = ServerHttpRequestDecorator.getNativeRequest(request);
        return nativeRequest instanceof Connection connection ? connection.channel() : null;
    }
}
