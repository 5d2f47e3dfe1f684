package dev.dawg.auth;

import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.dawg.support.Api;
import dev.dawg.support.IntegrationTest;

import static org.assertj.core.api.Assertions.assertThat;

/** The cleanup of spent refresh tokens: expired rows go, live sessions stay untouched. */
@IntegrationTest
public class RefreshTokenSweeperIntegrationTests {

    @Autowired
    Api api;

    @Autowired
    DatabaseClient db;

    @Autowired
    RefreshTokenSweeper sweeper;

    WebTestClient.ResponseSpec refresh(String token) {
        return api.http().post().uri("/api/auth/refresh").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("refreshToken", token)).exchange();
    }

    String refreshed(String token) {
        return (String) refresh(token).expectStatus().isOk().expectBody(Api.MAP).returnResult().getResponseBody().get("refreshToken");
    }

    @Test
    void shouldDeleteExpiredTokensAndEmptyFamiliesButKeepLiveSessions() {
        // A session that ended: every token of it expired.
        Api.User gone = api.signUp();
        refreshed(gone.refreshToken());
        expireTokensOf(gone.id(), "true");
        // A session that goes on: its spent first token expired, its current one did not.
        Api.User active = api.signUp();
        String current = refreshed(active.refreshToken());
        expireTokensOf(active.id(), "used_at IS NOT NULL");

        sweeper.sweep().as(StepVerifier::create)
                .assertNext(deleted -> assertThat(deleted).isGreaterThanOrEqualTo(3))
                .verifyComplete();

        assertThat(count("SELECT count(*) FROM refresh_tokens WHERE user_id = :userId", gone.id())).isZero();
        assertThat(count("SELECT count(*) FROM refresh_token_families WHERE user_id = :userId", gone.id())).isZero();
        assertThat(count("SELECT count(*) FROM refresh_tokens WHERE user_id = :userId", active.id())).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM refresh_token_families WHERE user_id = :userId", active.id())).isEqualTo(1);
        refresh(current).expectStatus().isOk();
    }

    private void expireTokensOf(UUID userId, String condition) {
        db.sql("UPDATE refresh_tokens SET expires_at = now() - interval '1 hour' WHERE user_id = :userId AND " + condition)
                .bind("userId", userId)
                .fetch().rowsUpdated()
                .as(StepVerifier::create)
                .assertNext(updated -> assertThat(updated).isPositive())
                .verifyComplete();
    }

    private long count(String sql, UUID userId) {
        return db.sql(sql).bind("userId", userId).map(row -> row.get(0, Long.class)).one().block();
    }
}
