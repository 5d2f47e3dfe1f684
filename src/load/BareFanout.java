import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * The fan-out ceiling of src/load/fanout.sh: the same wire protocol as dawg-server's /ws for the load client
 * (subscribe, subscribed, comment:added frames) and the same POST that causes an event, over Redis pub/sub between
 * nodes, with nothing else: no authentication, no database, no history, no per-connection state machine. Each
 * event's frame is encoded once and written to every subscriber on its own event loop, flushed once per loop.
 * What this reaches with the same client on the same machine is the most the hub could.
 *
 * <p>{@code java -cp "$(cat target/classpath.txt)" src/load/BareFanout.java PORT REDIS_URL}
 */
public class BareFanout {

    static final Map<String, Set<Channel>> subscribers = new ConcurrentHashMap<>();

    public static void main(String[] args) {
        int port = Integer.parseInt(args[0]);
        RedisClient redis = RedisClient.create(args.length > 1 ? args[1] : "redis://127.0.0.1:6379");
        RedisAsyncCommands<String, String> publisher = redis.connect().async();
        StatefulRedisPubSubConnection<String, String> listener = redis.connectPubSub();
        listener.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String pattern, String channel, String message) {
                fanOut(channel.substring("bare:".length()), message);
            }
        });
        listener.sync().psubscribe("bare:*");
        DisposableServer server = HttpServer.create().port(port)
                .route(routes -> routes
                        .get("/actuator/health/readiness", (request, response) -> response.sendString(Mono.just("{\"status\":\"UP\"}")))
                        .post("/api/projects/{id}/comments", (request, response) -> {
                            String projectId = request.param("id");
                            return request.receive().aggregate().asString(StandardCharsets.UTF_8)
                                    .flatMap(body -> {
                                        String event = "{\"type\":\"comment:added\",\"projectId\":\"" + projectId
                                                + "\",\"data\":" + body + "}";
                                        return Mono.fromCompletionStage(publisher.publish("bare:" + projectId, event));
                                    })
                                    .then(response.status(201).sendString(Mono.just("{}")).then());
                        })
                        .ws("/ws", (in, out) -> {
                            in.withConnection(connection -> {
                            Channel channel = connection.channel();
                            in.receive().asString().subscribe(text -> {
                                int at = text.indexOf("\"projectId\":\"");
                                if (text.contains("\"subscribe\"") && at >= 0) {
                                    String projectId = text.substring(at + 13, at + 13 + 36);
                                    subscribers.computeIfAbsent(projectId, id -> ConcurrentHashMap.newKeySet()).add(channel);
                                    channel.closeFuture().addListener(closed -> subscribers.get(projectId).remove(channel));
                                    channel.writeAndFlush(frame(channel.alloc(),
                                            "{\"type\":\"subscribed\",\"projectId\":\"" + projectId + "\"}"));
                                }
                            });
                            });
                            return out.neverComplete();
                        }))
                .bindNow();
        System.out.println("bare fan-out on " + server.port());
        server.onDispose().block();
    }

    static void fanOut(String projectId, String event) {
        Set<Channel> channels = subscribers.get(projectId);
        if (channels == null || channels.isEmpty()) {
            return;
        }
        Map<EventLoop, List<Channel>> byLoop = new IdentityHashMap<>();
        for (Channel channel : channels) {
            byLoop.computeIfAbsent(channel.eventLoop(), loop -> new ArrayList<>()).add(channel);
        }
        ByteBuf frame = frame(ByteBufAllocator.DEFAULT, event);
        byLoop.forEach((loop, group) -> {
            frame.retain();
            loop.execute(() -> {
                for (Channel channel : group) {
                    channel.write(frame.retainedDuplicate(), channel.voidPromise());
                }
                for (Channel channel : group) {
                    channel.flush();
                }
                frame.release();
            });
        });
        frame.release();
    }

    static ByteBuf frame(ByteBufAllocator allocator, String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        int length = payload.length;
        ByteBuf frame = allocator.directBuffer(length + 4);
        frame.writeByte(0x81);
        if (length < 126) {
            frame.writeByte(length);
        }
        else {
            frame.writeByte(126);
            frame.writeShort(length);
        }
        return frame.writeBytes(payload);
    }
}
