package dev.dawg.presets;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.web.reactive.function.client.WebClient;

import dev.dawg.support.Api;
import dev.dawg.support.Api.User;
import dev.dawg.support.IntegrationTest;

import static dev.dawg.support.Api.MAP;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Ratings and downloads at once, over real HTTP: 200 concurrent ratings (new ones, and users changing theirs while
 * they are counted) end with the exact count and average; 200 concurrent downloads count each user once.
 */
@IntegrationTest
class PresetConcurrencyIntegrationTests {

    private static final int USERS = 100;
    private static final Duration WAIT = Duration.ofMinutes(3);

    @Autowired
    Api api;
    @Autowired
    DatabaseClient db;

    PresetFixtures presets;
    WebClient http;
    ConnectionProvider connections;

    @BeforeEach
    void setUp() {
        presets = new PresetFixtures(api, db);
        // Its own pool, as large as the burst, so that the requests are in flight at once rather than queued in the client.
        connections = ConnectionProvider.builder("preset-bursts").maxConnections(2 * USERS).pendingAcquireMaxCount(-1).build();
        http = WebClient.builder().baseUrl("http://127.0.0.1:" + api.port())
                .clientConnector(new ReactorClientHttpConnector(HttpClient.create(connections))).build();
    }

    @AfterEach
    void closeConnections() {
        connections.disposeLater().block(WAIT);
    }

    private List<User> users(int count) {
        return Flux.range(0, count).flatMap(n -> Mono.fromCallable(api::signUp).subscribeOn(Schedulers.boundedElastic()), 4)
                .collectList().block(WAIT);
    }

    @Test
    void shouldEndTwoHundredConcurrentRatingsWithTheExactCountAndAverage() {
        User owner = api.signUp();
        UUID id = presets.preset(owner, true);
        List<User> raters = users(USERS);
        // Half of them rated 1 before; now every user rates (u % 5) + 1, twice at once: 200 ratings, the first half
        // changing theirs, the other half racing their own new rating.
        for (User rater : raters.subList(0, USERS / 2)) {
            presets.rate(rater, id, Map.of("rating", 1)).expectStatus().isOk();
        }
        long started = System.nanoTime();
        List<Integer> statuses = Flux.range(0, 2 * USERS)
                .flatMap(n -> {
                    User rater = raters.get(n % USERS);
                    return answered(http.put().uri("/api/presets/{id}/rating", id).header(HttpHeaders.AUTHORIZATION, rater.bearer())
                            .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("rating", target(n % USERS))));
                }, 2 * USERS)
                .collectList().block(WAIT);
        assertAllAnswered(statuses, 2 * USERS);
        System.out.printf("Preset ratings: %d at once answered in %d ms%n", 2 * USERS, (System.nanoTime() - started) / 1_000_000);

        long expectedSum = 0;
        for (int u = 0; u < USERS; u++) {
            expectedSum += target(u);
        }
        Map<String, Long> counters = presets.counters(id);
        assertThat(counters).containsEntry("ratingCount", (long) USERS).containsEntry("ratingRows", (long) USERS)
                .containsEntry("ratingSum", expectedSum).containsEntry("ratingRowSum", expectedSum);
        Map<String, Object> preset = presets.get(null, id).expectStatus().isOk().expectBody(MAP).returnResult().getResponseBody();
        assertThat(preset).containsEntry("ratingCount", USERS).containsEntry("ratingAverage", (double) expectedSum / USERS);

        // Taking half of them back at once, while the others change theirs again.
        List<Integer> more = Flux.range(0, USERS)
                .flatMap(u -> {
                    User rater = raters.get(u);
                    return answered(u % 2 == 0 ? http.delete().uri("/api/presets/{id}/rating", id).header(HttpHeaders.AUTHORIZATION, rater.bearer())
                            : http.put().uri("/api/presets/{id}/rating", id).header(HttpHeaders.AUTHORIZATION, rater.bearer())
                                    .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("rating", 5)));
                }, USERS)
                .collectList().block(WAIT);
        assertAllAnswered(more, USERS);
        assertThat(presets.counters(id)).containsEntry("ratingCount", (long) USERS / 2).containsEntry("ratingRows", (long) USERS / 2)
                .containsEntry("ratingSum", 5L * USERS / 2).containsEntry("ratingRowSum", 5L * USERS / 2);
        presets.get(null, id).expectBody().jsonPath("$.ratingAverage").isEqualTo(5.0);
    }

    @Test
    void shouldCountTwoHundredConcurrentDownloadsOncePerUser() {
        User owner = api.signUp();
        UUID id = presets.preset(owner, true);
        List<User> fans = users(USERS);
        long started = System.nanoTime();
        List<Integer> statuses = Flux.range(0, 2 * USERS)
                .flatMap(n -> answered(http.post().uri("/api/presets/{id}/downloads", id)
                        .header(HttpHeaders.AUTHORIZATION, fans.get(n % USERS).bearer())), 2 * USERS)
                .collectList().block(WAIT);
        assertAllAnswered(statuses, 2 * USERS);
        System.out.printf("Preset downloads: %d at once answered in %d ms%n", 2 * USERS, (System.nanoTime() - started) / 1_000_000);
        // Each user's later downloads are not counted.
        presets.download(fans.get(0), id).expectStatus().isOk().expectBody().jsonPath("$.counted").isEqualTo(false)
                .jsonPath("$.downloadCount").isEqualTo(USERS);
        assertThat(presets.counters(id)).containsEntry("downloadCount", (long) USERS).containsEntry("downloadRows", (long) USERS);
    }

    /**
     * The status of the answer, or -1 when none came within a minute (reported with what the database was doing). A
     * 503 (a connection or a statement over its time limit while hundreds of writers queue on one preset) is retried
     * after its Retry-After, as a client does: a rating is an idempotent PUT, so a retry cannot count twice.
     */
    private static Mono<Integer> answered(WebClient.RequestHeadersSpec<?> request) {
        return Mono.defer(() -> request.exchangeToMono(response -> response.releaseBody().thenReturn(response.statusCode().value())))
                .flatMap(status -> status == 503 ? Mono.error(new Unavailable()) : Mono.just(status))
                .retryWhen(reactor.util.retry.Retry.backoff(5, Duration.ofSeconds(1)).filter(Unavailable.class::isInstance))
                .timeout(Duration.ofSeconds(90))
                .onErrorResume(ex -> Mono.just(ex instanceof Unavailable || ex.getCause() instanceof Unavailable ? 503 : -1));
    }

    /** A 503 answer, to retry. */
    private static final class Unavailable extends RuntimeException {

        Unavailable() {
            super("503", null, false, false);
        }
    }

    private void assertAllAnswered(List<Integer> statuses, int expected) {
        if (statuses.contains(-1)) {
            List<String> sessions = db.sql("SELECT state, wait_event_type, wait_event, left(query, 160) AS q FROM pg_stat_activity "
                            + "WHERE datname = current_database() AND pid <> pg_backend_pid()")
                    .map(row -> row.get("state") + " " + row.get("wait_event_type") + "/" + row.get("wait_event") + " " + row.get("q"))
                    .all().collectList().block(WAIT);
            throw new AssertionError(statuses.stream().filter(status -> status == -1).count() + " requests unanswered; database sessions: "
                    + String.join("\n", sessions));
        }
        assertThat(statuses).hasSize(expected).containsOnly(200);
    }

    private static int target(int user) {
        return user % 5 + 1;
    }
}
