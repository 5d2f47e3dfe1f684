package dev.dawg.auth;

import java.time.Duration;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.http.HttpHeaders;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.dawg.support.Api;
import dev.dawg.support.Api.User;
import dev.dawg.support.IntegrationTest;
import dev.dawg.support.LiveSocket;

import static dev.dawg.support.Api.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Logging out ends the access token it was sent with, not only its refresh family: the token is refused at once on
 * REST, by the cached-read fast path and at the {@code /ws} handshake, and the sockets it opened are closed (1008).
 */
@IntegrationTest
public class LogoutRevocationIntegrationTests {

    @Autowired
    Api api;

    @Autowired
    MeterRegistry meters;

    @Autowired
    AccessTokens accessTokens;

    @Autowired
    AccessTokenRevocations revocations;

    @Autowired
    ReactiveStringRedisTemplate redis;

    private WebTestClient.ResponseSpec me(User user) {
        return api.http().get().uri("/api/auth/me").header(HttpHeaders.AUTHORIZATION, user.bearer()).exchange();
    }

    private void logout(User user) {
        api.http().post().uri("/api/auth/logout").header(HttpHeaders.AUTHORIZATION, user.bearer())
                .cookie(AuthHandler.REFRESH_COOKIE, user.refreshToken()).exchange()
                .expectStatus().isNoContent();
    }

    private double fromMemory() {
        return meters.counter("dawg.projects.reads.from.memory").count();
    }

    @Test
    void shouldRefuseTheAccessTokenOnRestAfterLogout() {
        User user = api.signUp();
        me(user).expectStatus().isOk();

        logout(user);

        assertProblem(me(user), 401, "UNAUTHORIZED");
        // Other sessions of the same account are not signed out.
        User otherSession = api.login(user.username(), Api.PASSWORD);
        me(otherSession).expectStatus().isOk();
    }

    @Test
    void shouldRefuseTheAccessTokenOnTheCachedReadFastPathAfterLogout() {
        User owner = api.signUp();
        Object privateId = api.createProject(owner, Map.of("projectData", Map.of("tempo", 90))).get("id");
        api.getProject(owner, privateId).expectStatus().isOk(); // fills the memory, remembers the verified token
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            double before = fromMemory();
            api.getProject(owner, privateId).expectStatus().isOk();
            return fromMemory() > before;
        });

        logout(owner);

        double before = fromMemory();
        assertProblem(api.getProject(owner, privateId), 401, "UNAUTHORIZED");
        assertThat(fromMemory()).as("nothing served from memory").isEqualTo(before);
    }

    @Test
    void shouldRefuseTheAccessTokenAtTheWebSocketHandshakeAfterLogout() {
        User user = api.signUp();
        LiveSocket.open(api.port(), user.accessToken()).close();

        logout(user);

        assertThat(LiveSocket.refusal(LiveSocket.uri(api.port(), user.accessToken()), Map.of())).isEqualTo(401);
    }

    @Test
    void shouldCloseTheSocketsOpenedWithTheAccessTokenWithPolicyViolationOnLogout() {
        User user = api.signUp();
        User sameAccountElsewhere = api.login(user.username(), Api.PASSWORD);
        try (LiveSocket revoked = LiveSocket.open(api.port(), user.accessToken());
                LiveSocket kept = LiveSocket.open(api.port(), sameAccountElsewhere.accessToken())) {
            logout(user);

            assertThat(revoked.awaitClose(Duration.ofSeconds(5)).code()).isEqualTo(1008);
            kept.send(Map.of("type", "ping"));
            assertThat(kept.next()).containsEntry("type", "pong");
        }
    }

    @Test
    void shouldEndTheTokenOnThisNodeWhenAnotherNodeRevokesIt() {
        User owner = api.signUp();
        Object privateId = api.createProject(owner, Map.of("projectData", Map.of("tempo", 90))).get("id");
        api.getProject(owner, privateId).expectStatus().isOk();
        Jwt token = accessTokens.decoder().decode(owner.accessToken()).block(Duration.ofSeconds(5));
        try (LiveSocket socket = LiveSocket.open(api.port(), owner.accessToken())) {
            // What another node's logout leaves behind: the id in the shared set, and the news on the channel.
            long expiresAt = token.getExpiresAt().toEpochMilli();
            redis.opsForZSet().add(revocations.setKey(), token.getId(), expiresAt).block(Duration.ofSeconds(5));
            redis.convertAndSend(revocations.channel(), token.getId() + " " + expiresAt).block(Duration.ofSeconds(5));

            assertThat(socket.awaitClose(Duration.ofSeconds(5)).code()).isEqualTo(1008);
            double before = fromMemory();
            assertProblem(api.getProject(owner, privateId), 401, "UNAUTHORIZED");
            assertThat(fromMemory()).as("nothing served from memory").isEqualTo(before);
        }
    }

    private boolean answeredFromMemory(String tokenId, boolean expected) {
        boolean answer = Boolean.TRUE.equals(revocations.revoked(tokenId).block(Duration.ofSeconds(5)));
        return revocations.memoryIsComplete() && answer == expected;
    }

    private String numberKey() {
        return revocations.setKey() + ":number";
    }

    @Test
    void shouldAnswerFromMemoryWhileItsPingsProveItHeardEveryRevocationAndReadThemAgainOnceANumberIsMissed() {
        long expiresAt = System.currentTimeMillis() + Duration.ofMinutes(10).toMillis();
        String unannounced = "unannounced-" + System.nanoTime();
        redis.opsForZSet().add(revocations.setKey(), unannounced, expiresAt).block(Duration.ofSeconds(5));

        // Within a lease, the node answers by what it heard: a revocation written to Redis without its announcement
        // (which no node of ours does) is not seen, which shows Redis was not asked.
        await().atMost(Duration.ofSeconds(10)).until(() -> answeredFromMemory(unannounced, false));

        // An announcement whose number skips one: the node missed something, so it reads the whole set again.
        long skipped = redis.opsForValue().increment(numberKey(), 2).block(Duration.ofSeconds(5));
        redis.convertAndSend(revocations.channel(), "announced-" + System.nanoTime() + " " + expiresAt + " " + skipped)
                .block(Duration.ofSeconds(5));
        await().atMost(Duration.ofSeconds(10)).until(() -> revocations.revokedHere(unannounced) && revocations.memoryIsComplete());
        assertThat(revocations.revoked(unannounced).block(Duration.ofSeconds(5))).isTrue();
    }

    @Test
    void shouldReadTheRevocationsAgainWhenTheirNumberGoesBackAsAfterRedisLostItsData() {
        // Numbers taken without announcements: the next ping shows them, and the node reads the set up to the last.
        long high = redis.opsForValue().increment(numberKey(), 3).block(Duration.ofSeconds(5));
        await().atMost(Duration.ofSeconds(10)).until(() -> revocations.heardUpTo() == high && revocations.memoryIsComplete());
        String unannounced = "after-restart-" + System.nanoTime();
        redis.opsForZSet().add(revocations.setKey(), unannounced, System.currentTimeMillis() + 600_000).block(Duration.ofSeconds(5));

        redis.opsForValue().set(numberKey(), "0").block(Duration.ofSeconds(5));

        await().atMost(Duration.ofSeconds(10)).until(() -> revocations.revokedHere(unannounced) && revocations.heardUpTo() == 0);
        await().atMost(Duration.ofSeconds(10)).until(revocations::memoryIsComplete);
    }
}
