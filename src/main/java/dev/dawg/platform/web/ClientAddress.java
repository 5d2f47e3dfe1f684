package dev.dawg.platform.web;

import java.net.InetSocketAddress;

import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.reactive.function.server.ServerRequest;

/**
 * The caller's IP address, the key of per-address limits and of anonymous play counts: the peer's, or the one a
 * trusted proxy forwarded (DAWG_FORWARD_HEADERS), which Spring hands over unresolved, as a host string.
 */
public final class ClientAddress {

    private ClientAddress() {
    }

    public static String of(ServerRequest request) {
        return request.remoteAddress()
                .map(address -> address.getAddress() != null ? address.getAddress().getHostAddress() : address.getHostString())
                .orElse("unknown");
    }

    /** The same, for a request not (yet) routed to a handler function: a WebSocket handshake, say. */
    public static String of(ServerHttpRequest request) {
        InetSocketAddress address = request.getRemoteAddress();
        if (address == null) {
            return "unknown";
        }
        return address.getAddress() != null ? address.getAddress().getHostAddress() : address.getHostString();
    }
}
