package dev.dawg.social;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;

import io.micrometer.core.instrument.MeterRegistry;
import io.r2dbc.postgresql.api.PostgresqlConnection;
import io.r2dbc.spi.ConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.r2dbc.core.DatabaseClient;

import dev.dawg.platform.persistence.DriverConnections;
import dev.dawg.sharing.SocialFixtures;
import dev.dawg.support.Api;
import dev.dawg.support.Api.User;
import dev.dawg.support.IntegrationTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A play moves only the play count: it sends no change notification (which would drop the project's cached
 * head on every node), the head stays in memory, and the node that took the play shows the new count at once.
 * The notifications are heard the way every node hears them: {@code LISTEN dawg_project_changed}.
 */
@IntegrationTest
class PlayCountIntegrationTests {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Autowired
    Api api;

    @Autowired
    DatabaseClient db;

    @Autowired
    ConnectionFactory pool;

    @Autowired
    MeterRegistry meters;

    private PostgresqlConnection listener;
    private final Queue<String> heard = new ConcurrentLinkedQueue<>();

    @BeforeEach
    void listen() {
        ConnectionFactory direct = DriverConnections.under(pool);
        listener = (PostgresqlConnection) Mono.from(direct.create()).block(WAIT);
        listener.getNotifications().subscribe(notification -> heard.add(notification.getParameter()));
        Flux.from(listener.createStatement("LISTEN dawg_project_changed").execute())
                .flatMap(result -> result.getRowsUpdated()).blockLast(WAIT);
    }

    @AfterEach
    void stopListening() {
        Mono.from(listener.close()).block(WAIT);
    }

    @Test
    void shouldNotAnnounceAPlayAsAChangeOfTheProject() {
        User owner = api.signUp();
        User fan = api.signUp();
        UUID id = new SocialFixtures(api, db).project(owner, "public");
        // Anonymous listeners from three addresses and a signed-in one: four plays that count.
        for (int i = 0; i < 3; i++) {
            api.fromAnotherAddress().http().post().uri("/api/projects/{id}/plays", id).exchange().expectStatus().isNoContent();
        }
        api.http().post().uri("/api/projects/{id}/plays", id).header(HttpHeaders.AUTHORIZATION, fan.bearer())
                .exchange().expectStatus().isNoContent();
        assertThat(new SocialFixtures(api, db).counters(id)).containsEntry("plays", 4L);

        // A like is a change every node must hear. Notifications arrive in commit order, so once the like's is
        // here, any the plays had sent would be here before it.
        api.http().post().uri("/api/projects/{id}/like", id).header(HttpHeaders.AUTHORIZATION, fan.bearer())
                .exchange().expectStatus().isOk();
        await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(() -> heard.contains(id.toString()));
        List<String> aboutThisProject = heard.stream().filter(id.toString()::equals).toList();
        assertThat(aboutThisProject).as("notifications of project %s: the like's alone", id).hasSize(1);
    }

    @Test
    void shouldKeepTheCachedHeadAndShowThePlayOnTheNodeThatTookIt() {
        User owner = api.signUp();
        UUID id = new SocialFixtures(api, db).project(owner, "public");
        api.getProject(null, id).expectStatus().isOk();
        assertThat(playCount(id)).isZero();

        for (int play = 1; play <= 5; play++) {
            api.fromAnotherAddress().http().post().uri("/api/projects/{id}/plays", id).exchange().expectStatus().isNoContent();
            double hitsBefore = hits();
            // No wait: the count this node took is in its cached head already, which was not dropped.
            assertThat(playCount(id)).isEqualTo(play);
            assertThat(hits()).as("read from the cached head").isGreaterThan(hitsBefore);
        }
    }

    private long playCount(UUID id) {
        Map<String, Object> project = api.getProject(null, id).expectStatus().isOk().expectBody(Api.MAP).returnResult().getResponseBody();
        return ((Number) project.get("playCount")).longValue();
    }

    private double hits() {
        var counter = meters.find("cache.gets").tag("cache", "projectHeads").tag("result", "hit").functionCounter();
        return counter == null ? 0 : counter.count();
    }
}
