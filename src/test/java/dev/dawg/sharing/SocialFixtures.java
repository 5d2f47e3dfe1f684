package dev.dawg.sharing;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;


import org.springframework.core.io.ClassPathResource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.client.MultipartBodyBuilder;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.BodyInserters;

import dev.dawg.support.Api;
import dev.dawg.support.LiveSocket;
import dev.dawg.support.Api.User;

import static dev.dawg.support.Api.MAP;

/**
 * What the sharing and social tests need around the API: projects in a given visibility, share links in
 * states the API cannot make (already expired), row counts to hold counters against, and the realtime
 * events a write published.
 */
public final class SocialFixtures {

    private final Api api;
    private final DatabaseClient db;

    public SocialFixtures(Api api, DatabaseClient db) {
        this.api = api;
        this.db = db;
    }

    /** A project of {@code owner} with the given visibility and a small projectData, created through the API. */
    public UUID project(User owner, String visibility) {
        Map<String, Object> created = api.createProject(owner, Map.of("visibility", visibility,
                "projectData", Map.of("tracks", List.of(Map.of("name", "Drums", "gain", 0.8)), "bpm", 120)));
        return UUID.fromString((String) created.get("id"));
    }

    /** A small MP3 uploaded to the project by {@code owner} through the API; returns the asset's id. */
    public UUID asset(User owner, UUID projectId) {
        MultipartBodyBuilder body = new MultipartBodyBuilder();
        body.part("file", new ClassPathResource("audio/tone-44k1-mono-cbr64-notag.mp3")).contentType(MediaType.APPLICATION_OCTET_STREAM);
        Map<String, Object> asset = api.http().post().uri("/api/projects/{id}/assets", projectId).header(HttpHeaders.AUTHORIZATION, owner.bearer())
                .body(BodyInserters.fromMultipartData(body.build()))
                .exchange().expectStatus().isCreated().expectBody(MAP).returnResult().getResponseBody();
        return UUID.fromString((String) asset.get("id"));
    }

    /** Creates a share link through the API and returns its body. */
    public Map<String, Object> share(User owner, UUID projectId, String accessLevel) {
        return api.http().post().uri("/api/projects/{id}/shares", projectId).header(HttpHeaders.AUTHORIZATION, owner.bearer())
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("accessLevel", accessLevel))
                .exchange().expectStatus().isCreated().expectBody(MAP).returnResult().getResponseBody();
    }

    /** A link that expired a minute ago (the API refuses to create one in the past). */
    public String expiredShare(User owner, UUID projectId, String accessLevel) {
        String token = (String) share(owner, projectId, accessLevel).get("token");
        db.sql("UPDATE share_links SET expires_at = :at WHERE token = :token")
                .bind("at", Instant.now().minusSeconds(60).atOffset(ZoneOffset.UTC)).bind("token", token)
                .fetch().rowsUpdated().block(Duration.ofSeconds(10));
        return token;
    }

    public String revokedShare(User owner, UUID projectId, String accessLevel) {
        String token = (String) share(owner, projectId, accessLevel).get("token");
        api.http().delete().uri("/api/shares/{token}", token).header(HttpHeaders.AUTHORIZATION, owner.bearer())
                .exchange().expectStatus().isNoContent();
        return token;
    }

    public long count(String sql, UUID projectId) {
        return db.sql(sql).bind("id", projectId).map(row -> row.get(0, Long.class)).one().block(Duration.ofSeconds(10));
    }

    /** The project's counters as stored: like_count, comment_count, play_count. */
    public Map<String, Long> counters(UUID projectId) {
        return db.sql("SELECT like_count::bigint AS l, comment_count::bigint AS c, play_count AS p FROM projects WHERE id = :id")
                .bind("id", projectId)
                .map(row -> Map.of("likes", row.get("l", Long.class), "comments", row.get("c", Long.class), "plays", row.get("p", Long.class)))
                .one().block(Duration.ofSeconds(10));
    }

    /**
     * The events a live session of {@code owner} receives from now on (an owner's sessions get every event of
     * their projects without subscribing), until {@link Events#close()}.
     */
    public Events listenAsOwner(User owner) {
        LiveSocket socket = LiveSocket.open(api.port(), owner.accessToken());
        // A ping answered means the session is registered, so nothing published after this is missed.
        socket.send(Map.of("type", "ping"));
        if (!"pong".equals(socket.next().get("type"))) {
            throw new AssertionError("The live session did not answer a ping");
        }
        return new Events(socket, new CopyOnWriteArrayList<>());
    }

    /** Events received by a live session. */
    public record Events(LiveSocket socket, List<Map<String, Object>> received) implements AutoCloseable {

        public List<Map<String, Object>> ofType(String type) {
            Map<String, Object> message;
            while ((message = socket.poll(Duration.ZERO)) != null) {
                received.add(message);
            }
            return received.stream().filter(event -> type.equals(event.get("type"))).toList();
        }

        @Override
        public void close() {
            socket.close();
        }
    }

    public static WebTestClient.RequestHeadersSpec<?> as(WebTestClient.RequestHeadersSpec<?> spec, User user) {
        return user == null ? spec : spec.header(HttpHeaders.AUTHORIZATION, user.bearer());
    }
}
