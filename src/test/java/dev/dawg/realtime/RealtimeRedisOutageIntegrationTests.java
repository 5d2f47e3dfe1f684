package dev.dawg.realtime;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.embedded.RedisServer;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.dawg.events.ProjectEventPublisher;
import dev.dawg.support.Api;
import dev.dawg.support.IntegrationTest;
import dev.dawg.support.LiveSocket;
import dev.dawg.support.TestNodes;
import dev.dawg.events.ProjectEvent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Redis goes away under a running server and comes back: writes keep being served (publishing is counted and
 * skipped, quickly), open WebSockets stay up, and the hub subscribes again by itself. The server runs with a
 * Redis of its own here, so stopping it disturbs no other test.
 */
class RealtimeRedisOutageIntegrationTests {

    private Path redisDirectory;
    private RedisServer redis;
    private ConfigurableApplicationContext server;

    @AfterEach
    void stopEverything() throws IOException {
        if (server != null) {
            server.close();
        }
        if (redis != null && redis.isActive()) {
            redis.stop();
        }
    }

    @Test
    void shouldServeWithoutRedisAndResumeLiveEventsWhenItReturns() throws IOException {
        int redisPort = freePort();
        redisDirectory = Files.createTempDirectory("dawg-outage-redis-");
        redis = startRedis(redisPort);
        server = TestNodes.start("--server.port=0",
                "--dawg.redis.url=redis://127.0.0.1:" + redisPort, "--dawg.auth.jwt-secret=" + IntegrationTest.JWT_SECRET);
        int port = server.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
        WebTestClient http = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port).responseTimeout(Duration.ofSeconds(30)).build();
        ProjectEventPublisher events = server.getBean(ProjectEventPublisher.class);
        RealtimeRedis realtimeRedis = server.getBean(RealtimeRedis.class);
        MeterRegistry meters = server.getBean(MeterRegistry.class);

        String username = Api.uniqueName("outage");
        Map<String, Object> session = http.post().uri("/api/auth/register")
                .bodyValue(Map.of("email", username + "@example.test", "username", username, "password", Api.PASSWORD))
                .exchange().expectStatus().isCreated().expectBody(Api.MAP).returnResult().getResponseBody();
        UUID ownerId = UUID.fromString((String) ((Map<?, ?>) session.get("user")).get("id"));
        ProjectRows projects = new ProjectRows(server.getBean(DatabaseClient.class));
        UUID projectId = projects.create(ownerId, "public");
        UUID another = projects.create(ownerId, "public");
        ProjectEvent.Actor actor = new ProjectEvent.Actor(ownerId, username);

        try (LiveSocket live = LiveSocket.open(port, null).subscribe(projectId)) {
            events.publish(ProjectEvent.likeAdded(projectId, ownerId, actor, 1)).block(Duration.ofSeconds(5));
            assertThat(live.next()).containsEntry("type", "like:added");

            redis.stop();
            await().atMost(10, TimeUnit.SECONDS).until(() -> !realtimeRedis.subscriberConnected());

            // A write's publish completes at once, without an error, and is counted.
            double failures = meters.counter("dawg.realtime.publish.failures").count();
            long started = System.nanoTime();
            events.publish(ProjectEvent.likeAdded(projectId, ownerId, actor, 2)).block(Duration.ofSeconds(5));
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(500));
            assertThat(meters.counter("dawg.realtime.publish.failures").count()).isEqualTo(failures + 1);

            // REST that needs no Redis keeps answering, and the open WebSocket stays up.
            http.get().uri("/api/users/" + username).exchange().expectStatus().isOk();
            http.get().uri("/actuator/health/liveness").exchange().expectStatus().isOk();
            live.send(Map.of("type", "ping"));
            assertThat(live.next()).isEqualTo(Map.of("type", "pong"));
            // A new subscription cannot promise anything without Redis: the client is told to retry.
            live.send(Map.of("type", "subscribe", "projectId", another.toString()));
            assertThat(live.next()).containsEntry("type", "error").containsEntry("code", "SERVICE_UNAVAILABLE")
                    .containsEntry("projectId", another.toString());

            redis = startRedis(redisPort);
            await().atMost(15, TimeUnit.SECONDS).until(realtimeRedis::subscriberConnected);
            await().atMost(15, TimeUnit.SECONDS).untilAsserted(() -> {
                events.publish(ProjectEvent.likeAdded(projectId, ownerId, actor, 3)).block(Duration.ofSeconds(5));
                Map<String, Object> message = live.next(Duration.ofSeconds(2));
                assertThat(message).containsEntry("type", "like:added").containsEntry("data", Map.of("likeCount", 3));
            });
        }
    }

    /** Redis with every write on disk before it answers, so its history survives the restart. */
    private RedisServer startRedis(int port) throws IOException {
        RedisServer started = RedisServer.newRedisServer()
                .port(port)
                .bind("127.0.0.1")
                .setting("dir " + redisDirectory.toAbsolutePath())
                .setting("appendonly yes")
                .setting("appendfsync always")
                .setting("save \"\"")
                .setting("daemonize no")
                .build();
        started.start();
        return started;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
