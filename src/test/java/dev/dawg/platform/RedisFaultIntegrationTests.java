package dev.dawg.platform;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import redis.embedded.RedisServer;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.dawg.support.Api;
import dev.dawg.support.Api.User;
import dev.dawg.support.IntegrationTest;
import dev.dawg.support.TcpProxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Redis cut off (refused) and frozen (black-holed) behind a TCP proxy while the server runs. Redis carries
 * rate limits, play de-duplication and event fan-out, none of which may take REST down with it: projects are
 * read and written, users sign in (rate limiting fails open), likes and comments are taken (their events are
 * dropped, live clients reload), each request within a bounded time; health shows {@code redis} DOWN while
 * readiness stays UP; and everything is normal again once the link is back.
 */
@IntegrationTest
class RedisFaultIntegrationTests {

    /** Every Redis call on a request path gives up after 1 s (rate limiter, plays, event publisher). */
    static final Duration WITHIN = Duration.ofSeconds(4);

    static RedisServer ownRedis;
    static TcpProxy link;

    @DynamicPropertySource
    static void redisBehindAProxy(DynamicPropertyRegistry registry) throws IOException {
        String external = System.getenv("DAWG_REDIS_URL");
        String host;
        int port;
        if (external != null && !external.isBlank()) {
            URI uri = URI.create(external);
            host = uri.getHost();
            port = uri.getPort() < 0 ? 6379 : uri.getPort();
        }
        else {
            try (ServerSocket socket = new ServerSocket(0)) {
                port = socket.getLocalPort();
            }
            Path dir = Files.createTempDirectory("dawg-redis-fault");
            ownRedis = RedisServer.newRedisServer().port(port).bind("127.0.0.1")
                    .setting("dir " + dir.toAbsolutePath()).setting("appendonly no").setting("save \"\"")
                    .setting("daemonize no").build();
            ownRedis.start();
            host = "127.0.0.1";
        }
        link = new TcpProxy(host, port);
        registry.add("dawg.redis.url", () -> "redis://127.0.0.1:" + link.port());
    }

    @AfterAll
    static void stop() throws IOException {
        link.close();
        if (ownRedis != null) {
            ownRedis.stop();
        }
    }

    @Autowired
    Api api;

    @Test
    void shouldKeepServingRestWhileRedisIsDownAndRecoverByItself() {
        User owner = api.signUp();
        User fan = api.signUp();
        String id = (String) api.createProject(owner, Map.of("title", "Survives Redis", "visibility", "public")).get("id");
        int[] version = { 1 };
        try {
            link.refuse();
            System.out.println("Redis link refused");
            assertRestKeepsWorking(owner, fan, id, version, "refused");
            awaitRedisHealth("DOWN");
            http().get().uri("/actuator/health/readiness").exchange().expectStatus().isOk();

            link.pass();
            long back = System.nanoTime();
            awaitRedisHealth("UP");
            System.out.printf("Redis refused: health UP again %d ms after the link returned%n", (System.nanoTime() - back) / 1_000_000);
            assertRestKeepsWorking(owner, fan, id, version, "restored");

            link.freeze();
            System.out.println("Redis link frozen");
            assertRestKeepsWorking(owner, fan, id, version, "frozen");
            awaitRedisHealth("DOWN");
            link.pass();
            long thawed = System.nanoTime();
            awaitRedisHealth("UP");
            System.out.printf("Redis frozen: health UP again %d ms after it thawed%n", (System.nanoTime() - thawed) / 1_000_000);

            // A lost network: bytes vanish without a reset. The stream to Redis is then out of step for good,
            // so the test ends it the way the network eventually does, with a reset, and the client reconnects.
            link.blackHole();
            System.out.println("Redis link black-holed");
            assertRestKeepsWorking(owner, fan, id, version, "black-holed");
            awaitRedisHealth("DOWN");
            link.refuse();
        }
        finally {
            link.pass();
        }
        long reset = System.nanoTime();
        awaitRedisHealth("UP");
        System.out.printf("Redis black-holed then reset: health UP again %d ms after the link returned%n", (System.nanoTime() - reset) / 1_000_000);
        // Back to normal: fast again, and Redis-backed features work (a play from a fresh listener counts).
        long started = System.nanoTime();
        assertRestKeepsWorking(owner, fan, id, version, "thawed");
        long afterMillis = (System.nanoTime() - started) / 1_000_000;
        System.out.printf("Redis back: the same round of requests took %d ms%n", afterMillis);
        long playsBefore = ((Number) project(fan, id).get("playCount")).longValue();
        User listener = api.signUp();
        within("play", () -> http().post().uri("/api/projects/{id}/plays", id).header(HttpHeaders.AUTHORIZATION, listener.bearer())
                .exchange().expectStatus().isNoContent());
        assertThat(((Number) project(fan, id).get("playCount")).longValue()).isEqualTo(playsBefore + 1);
    }

    private void assertRestKeepsWorking(User owner, User fan, String id, int[] version, String phase) {
        System.out.println("Redis " + phase + ":");
        within("GET project", () -> api.getProject(fan, id).expectStatus().isOk());
        within("PUT project", () -> api.putProject(owner, id, version[0], Map.of("title", "Take " + (version[0] + 1), "visibility", "public", "projectData", Map.of()))
                .expectStatus().isOk().expectHeader().valueEquals(HttpHeaders.ETAG, "\"" + (version[0] + 1) + "\""));
        version[0]++;
        within("PATCH project", () -> http().patch().uri("/api/projects/{id}", id).header(HttpHeaders.AUTHORIZATION, owner.bearer())
                .header(HttpHeaders.IF_MATCH, "\"" + version[0] + "\"").contentType(MediaType.valueOf("application/merge-patch+json"))
                .bodyValue(Map.of("description", "patched while Redis was " + phase)).exchange().expectStatus().isOk());
        version[0]++;
        assertThat(project(fan, id)).containsEntry("version", version[0]).containsEntry("description", "patched while Redis was " + phase);
        within("login", () -> http().post().uri("/api/auth/login").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("login", owner.username(), "password", Api.PASSWORD)).exchange().expectStatus().isOk());
        within("like", () -> http().post().uri("/api/projects/{id}/like", id).header(HttpHeaders.AUTHORIZATION, fan.bearer())
                .exchange().expectStatus().isOk().expectBody().jsonPath("$.liked").isEqualTo(true));
        within("unlike", () -> http().delete().uri("/api/projects/{id}/like", id).header(HttpHeaders.AUTHORIZATION, fan.bearer())
                .exchange().expectStatus().isOk().expectBody().jsonPath("$.liked").isEqualTo(false));
        within("comment", () -> http().post().uri("/api/projects/{id}/comments", id).header(HttpHeaders.AUTHORIZATION, fan.bearer())
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("text", "still here while Redis was " + phase))
                .exchange().expectStatus().isCreated());
        within("comments", () -> http().get().uri("/api/projects/{id}/comments?limit=100", id).exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.items[?(@.text == 'still here while Redis was " + phase + "')]").exists());
        within("play", () -> http().post().uri("/api/projects/{id}/plays", id).exchange().expectStatus().isNoContent());
        within("search", () -> http().get().uri("/api/search/projects?q=Take").exchange().expectStatus().isOk());
    }

    private void within(String what, Runnable request) {
        long started = System.nanoTime();
        request.run();
        long millis = (System.nanoTime() - started) / 1_000_000;
        System.out.printf("  %-14s %5d ms%n", what, millis);
        assertThat(millis).as("%s took %d ms", what, millis).isLessThan(WITHIN.toMillis());
    }

    private Map<String, Object> project(User caller, String id) {
        return api.getProject(caller, id).expectStatus().isOk().expectBody(Api.MAP).returnResult().getResponseBody();
    }

    @SuppressWarnings("unchecked")
    private void awaitRedisHealth(String status) {
        Supplier<String> redis = () -> {
            Map<String, Object> health = http().get().uri("/actuator/health").exchange().expectBody(Api.MAP).returnResult().getResponseBody();
            return (String) ((Map<String, Object>) ((Map<String, Object>) health.get("components")).get("redis")).get("status");
        };
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() -> status.equals(redis.get()));
    }

    private WebTestClient http() {
        return api.http();
    }
}
