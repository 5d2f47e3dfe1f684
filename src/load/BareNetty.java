import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * The bare Reactor Netty ceiling of the performance issue: a server that answers every GET with a fixed body,
 * 50 KB on /big and 100 bytes on /small, nothing else. Run by src/load/ceilings.sh and src/load/run.sh (ceiling-netty).
 */
public class BareNetty {

    public static void main(String[] args) {
        int port = Integer.parseInt(args[0]);
        ByteBuf big = Unpooled.unreleasableBuffer(Unpooled.directBuffer().writeBytes("x".repeat(50 * 1024).getBytes(StandardCharsets.US_ASCII)));
        ByteBuf small = Unpooled.unreleasableBuffer(Unpooled.directBuffer().writeBytes("y".repeat(100).getBytes(StandardCharsets.US_ASCII)));
        DisposableServer server = HttpServer.create().port(port)
                .route(routes -> routes
                        .get("/big", (request, response) -> response.header("Content-Type", "application/json")
                                .send(Mono.just(big.retainedDuplicate())))
                        .get("/small", (request, response) -> response.header("Content-Type", "application/json")
                                .send(Mono.just(small.retainedDuplicate()))))
                .bindNow();
        System.out.println("bare netty on " + server.port());
        server.onDispose().block();
    }
}
