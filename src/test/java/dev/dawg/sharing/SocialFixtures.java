package dev.dawg.sharing;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import reactor.core.Disposable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.ReactiveRedisMessageListenerContainer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.dawg.support.Api;
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
    private final ReactiveRedisConnectionFactory redis;
    private final JsonMapper json = JsonMapper.builder().build();

    public SocialFixtures(Api api, DatabaseClient db, ReactiveRedisConnectionFactory redis) {
        this.api = api;
        this.db = db;
        this.redis = redis;
    }

    /** A project of {@code owner} with the given visibility and a small projectData, created through the API. */
    public UUID project(User owner, String visibility) {
        Map<String, Object> created = api.createProject(owner, Map.of("visibility", visibility,
                "projectData", Map.of("tracks", List.of(Map.of("name", "Drums", "gain", 0.8)), "bpm", 120)));
        return UUID.fromString((String) created.get("id"));
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

    /** Events published on a Redis channel from now on, until {@link Events#close()}. */
    public Events listen(String channel) {
        ReactiveRedisMessageListenerContainer container = new ReactiveRedisMessageListenerContainer(redis);
        List<Map<String, Object>> received = new CopyOnWriteArrayList<>();
        // receiveLater completes once Redis confirmed the subscription, so nothing published after it is missed.
        Disposable subscription = container.receiveLater(ChannelTopic.of(channel)).block(Duration.ofSeconds(10))
                .subscribe(message -> received.add(json.readValue(message.getMessage(), MAP)));
        return new Events(received, () -> {
            subscription.dispose();
            container.destroy();
        });
    }

    public Events listenToProject(UUID projectId) {
        return listen("dawg:events:project:" + projectId);
    }

    public Events listenToUser(UUID userId) {
        return listen("dawg:events:user:" + userId);
    }

    /** Received events. */
    public record Events(List<Map<String, Object>> received, Runnable closer) implements AutoCloseable {

        public List<Map<String, Object>> ofType(String type) {
            return received.stream().filter(event -> type.equals(event.get("type"))).toList();
        }

        @Override
        public void close() {
            closer.run();
        }
    }

    public static WebTestClient.RequestHeadersSpec<?> as(WebTestClient.RequestHeadersSpec<?> spec, User user) {
        return user == null ? spec : spec.header(HttpHeaders.AUTHORIZATION, user.bearer());
    }
}
