package dev.dawg.dawgclient;

import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;

import dev.dawg.platform.web.ApiProblem;
import dev.dawg.platform.web.ApiProblem.FieldError;
import dev.dawg.support.Api;
import dev.dawg.support.IntegrationTest;

import static dev.dawg.support.Api.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/** Errors under the dialect's base path come in the client's shape; the native API keeps problem+json. */
@IntegrationTest
class DawgClientErrorsIntegrationTests {

    @Autowired
    Api api;

    @Test
    void shouldAnswerAnUnknownDialectPathInTheClientsErrorShape() {
        api.http().get().uri("/dawg-client/api/no-such-thing").exchange()
                .expectStatus().isNotFound()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
                .expectBody()
                .jsonPath("$.error.code").isEqualTo("NOT_FOUND")
                .jsonPath("$.error.message").isEqualTo("No resource at /dawg-client/api/no-such-thing")
                .jsonPath("$.error.requestId").isNotEmpty()
                .jsonPath("$.type").doesNotExist();
    }

    /** The client's toast is error.message plus each of error.details: field errors go under fields, not twice. */
    @Test
    void shouldNameABadFieldOnceInWhatTheClientShows() {
        api.http().post().uri("/dawg-client/api/auth/login").contentType(MediaType.APPLICATION_JSON).bodyValue("{\"password\":\"x\"}")
                .exchange()
                .expectStatus().isBadRequest()
                .expectBody()
                .jsonPath("$.error.code").isEqualTo("VALIDATION_FAILED")
                .jsonPath("$.error.message").value(message -> assertThat((String) message).startsWith("email: "))
                .jsonPath("$.error.fields[0].path").isEqualTo("email")
                .jsonPath("$.error.details").doesNotExist();
    }

    @Test
    void shouldKeepProblemJsonOnTheNativeApiAndOnLookalikePaths() {
        assertProblem(api.http().get().uri("/api/no-such-thing").exchange(), 404, "NOT_FOUND");
        assertProblem(api.http().get().uri("/dawg-client/apix").exchange(), 404, "NOT_FOUND");
    }

    @Test
    void shouldNameTheFieldsOfAValidationFailureInTheMessage() {
        assertThat(DawgClientErrors.message(ApiProblem.validation(List.of(new FieldError("password", "must be at least 10 characters")))))
                .isEqualTo("password: must be at least 10 characters");
        assertThat(DawgClientErrors.message(ApiProblem.validation(List.of(new FieldError("email", "is required"),
                new FieldError("password", "is required")))))
                .isEqualTo("Validation failed: email: is required, password: is required");
    }
}
