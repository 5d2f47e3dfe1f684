package dev.dawg.auth;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;

import dev.dawg.support.Api;
import dev.dawg.support.IntegrationTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code DAWG_ADMIN_EMAIL} makes an administrator only of an account it creates: an account someone registered
 * with that address first is never promoted (start-up fails, saying why: {@link AdminBootstrap#run} blocks on
 * {@link AdminBootstrap#ensureAdmin}, and a runner that throws stops the application), and a taken {@code admin}
 * username does not leave the installation without its administrator.
 */
@IntegrationTest
public class AdminBootstrapIntegrationTests {

    /** The test configuration's DAWG_ADMIN_PASSWORD. */
    private static final String ADMIN_PASSWORD = "admin password for tests";

    @Autowired
    Api api;

    @Autowired
    AdminBootstrap bootstrap;

    @Autowired
    DatabaseClient db;

    @Test
    void shouldRefuseToStartRatherThanPromoteAnAccountSomeoneRegisteredWithTheAdminEmail() {
        Api.User squatter = api.signUp();

        assertThatThrownBy(() -> bootstrap.ensureAdmin(squatter.email()).block(Duration.ofSeconds(30)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("DAWG_ADMIN_EMAIL")
                .hasMessageContaining("already exists")
                .hasMessageContaining("not promoted");
        assertThat(rolesOf(squatter.email())).containsExactly("USER");
    }

    @Test
    void shouldCreateTheAdministratorUnderAnotherUsernameWhenAdminIsTakenAndStartAgainWithIt() {
        // The test run's own administrator already holds the username "admin".
        String email = Api.uniqueName("boss") + "@example.test";
        bootstrap.ensureAdmin(email).block(Duration.ofSeconds(30));

        assertThat(rolesOf(email)).containsExactlyInAnyOrder("USER", "ADMIN");
        api.http().post().uri("/api/auth/login").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("login", email, "password", ADMIN_PASSWORD)).exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.user.roles").value(roles -> assertThat(roles.toString()).contains("ADMIN"));
        // The account it created is the administrator: the next start finds it and goes on.
        bootstrap.ensureAdmin(email).block(Duration.ofSeconds(30));
        assertThat(rolesOf(email)).containsExactlyInAnyOrder("USER", "ADMIN");
    }

    private List<String> rolesOf(String email) {
        return db.sql("SELECT unnest(roles) AS role FROM users WHERE lower(email) = lower(:email)")
                .bind("email", email)
                .map(row -> row.get("role", String.class))
                .all().collectList().block(Duration.ofSeconds(10));
    }
}
