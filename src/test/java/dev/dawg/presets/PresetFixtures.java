package dev.dawg.presets;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.dawg.support.Api;
import dev.dawg.support.Api.User;

import static dev.dawg.support.Api.MAP;

/** The preset tests' vocabulary: presets made through the API, calls as a given user, and the rows behind the counters. */
public final class PresetFixtures {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private final Api api;
    private final DatabaseClient db;

    public PresetFixtures(Api api, DatabaseClient db) {
        this.api = api;
        this.db = db;
    }

    /** The members of a valid new preset; the test overrides what it is about. */
    public static Map<String, Object> body(Map<String, Object> overrides) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", "Warm pad");
        body.put("type", "instrument");
        body.put("engine", "vasynth");
        body.put("category", "Pads");
        body.put("tags", List.of("warm", "analog"));
        body.put("isPublic", true);
        body.put("data", Map.of("oscillators", List.of(Map.of("wave", "saw", "detune", 7)), "filter", Map.of("cutoff", 1200)));
        body.putAll(overrides);
        return body;
    }

    /** Creates a preset of {@code owner} and returns it as answered. */
    public Map<String, Object> create(User owner, Map<String, Object> overrides) {
        return post(owner, body(overrides)).expectStatus().isCreated().expectBody(MAP).returnResult().getResponseBody();
    }

    public UUID preset(User owner, boolean isPublic) {
        return UUID.fromString((String) create(owner, Map.of("isPublic", isPublic)).get("id"));
    }

    public WebTestClient.ResponseSpec post(User caller, Object body) {
        return as(caller, api.http().post().uri("/api/presets").contentType(MediaType.APPLICATION_JSON).bodyValue(body)).exchange();
    }

    public WebTestClient.ResponseSpec get(User caller, Object id) {
        return as(caller, api.http().get().uri("/api/presets/{id}", id)).exchange();
    }

    public WebTestClient.ResponseSpec list(User caller, String query) {
        return as(caller, api.http().get().uri("/api/presets?" + query)).exchange();
    }

    public WebTestClient.ResponseSpec patch(User caller, Object id, Object body) {
        return as(caller, api.http().patch().uri("/api/presets/{id}", id).contentType(MediaType.APPLICATION_JSON).bodyValue(body)).exchange();
    }

    public WebTestClient.ResponseSpec delete(User caller, Object id) {
        return as(caller, api.http().delete().uri("/api/presets/{id}", id)).exchange();
    }

    public WebTestClient.ResponseSpec download(User caller, Object id) {
        return as(caller, api.http().post().uri("/api/presets/{id}/downloads", id)).exchange();
    }

    public WebTestClient.ResponseSpec rate(User caller, Object id, Object body) {
        return as(caller, api.http().put().uri("/api/presets/{id}/rating", id).contentType(MediaType.APPLICATION_JSON).bodyValue(body)).exchange();
    }

    public WebTestClient.ResponseSpec unrate(User caller, Object id) {
        return as(caller, api.http().delete().uri("/api/presets/{id}/rating", id)).exchange();
    }

    public WebTestClient.ResponseSpec feature(User caller, Object id) {
        return as(caller, api.http().put().uri("/api/presets/{id}/featured", id)).exchange();
    }

    public WebTestClient.ResponseSpec unfeature(User caller, Object id) {
        return as(caller, api.http().delete().uri("/api/presets/{id}/featured", id)).exchange();
    }

    private static <S extends WebTestClient.RequestHeadersSpec<?>> S as(User caller, S spec) {
        if (caller != null) {
            spec.header(HttpHeaders.AUTHORIZATION, caller.bearer());
        }
        return spec;
    }

    /** How many presets {@code owner} has, from the table. */
    public long presetsOf(User owner) {
        return db.sql("SELECT count(*) AS n FROM presets WHERE owner_id = :owner").bind("owner", owner.id())
                .map(row -> row.get("n", Long.class)).one().block(WAIT);
    }

    /** The preset's stored counters and what its rows add up to: count, sum, downloads, and the rows' count and sum. */
    public Map<String, Long> counters(UUID id) {
        return db.sql("SELECT p.rating_count, p.rating_sum, p.download_count, "
                        + "(SELECT count(*) FROM preset_ratings r WHERE r.preset_id = p.id) AS rating_rows, "
                        + "(SELECT coalesce(sum(r.rating), 0) FROM preset_ratings r WHERE r.preset_id = p.id) AS row_sum, "
                        + "(SELECT count(*) FROM preset_downloads d WHERE d.preset_id = p.id) AS download_rows "
                        + "FROM presets p WHERE p.id = :id")
                .bind("id", id)
                .map(row -> Map.of("ratingCount", row.get("rating_count", Long.class), "ratingSum", row.get("rating_sum", Long.class),
                        "downloadCount", row.get("download_count", Long.class), "ratingRows", row.get("rating_rows", Long.class),
                        "ratingRowSum", ((Number) row.get("row_sum", Number.class)).longValue(),
                        "downloadRows", row.get("download_rows", Long.class)))
                .one().block(WAIT);
    }
}
