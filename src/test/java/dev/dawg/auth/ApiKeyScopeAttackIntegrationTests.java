package dev.dawg.auth;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.dawg.sharing.SocialFixtures;
import dev.dawg.support.Api;
import dev.dawg.support.Api.User;
import dev.dawg.support.IntegrationTest;

import static dev.dawg.support.Api.MAP;
import static dev.dawg.support.Api.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The attacks of issue 15 finding 4, made against the running server: an API key reaching share links and
 * comments its scopes do not cover, and a key minting a share link worth more than itself.
 */
@IntegrationTest
class ApiKeyScopeAttackIntegrationTests {

    @Autowired
    Api api;
    @Autowired
    DatabaseClient db;

    SocialFixtures fixtures;
    User owner;
    UUID privateProject;

    @BeforeEach
    void setUp() {
        fixtures = new SocialFixtures(api, db);
        owner = api.signUp();
        privateProject = fixtures.project(owner, "private");
    }

    @Test
    void shouldRefuseAnAssetsReadKeyListingShareLinks() {
        fixtures.share(owner, privateProject, "edit");
        String assetsReader = api.createApiKey(owner, List.of("assets:read"));

        Map<String, Object> problem = assertProblem(api.http().get().uri("/api/projects/{id}/shares", privateProject)
                .header("X-API-Key", assetsReader).exchange(), 403, "INSUFFICIENT_SCOPE");
        assertThat(problem.get("detail").toString()).contains("projects:read");
    }

    @Test
    void shouldRefuseASocialWriteOnlyKeyMintingAnEditLinkAndWriteNothing() {
        String socialWriter = api.createApiKey(owner, List.of("social:write"));

        Map<String, Object> problem = assertProblem(mint(socialWriter, "edit"), 403, "INSUFFICIENT_SCOPE");
        assertThat(problem.get("detail").toString()).contains("projects:write");
        assertThat(fixtures.count("SELECT count(*) AS n FROM share_links WHERE project_id = :id", privateProject)).isZero();
    }

    @Test
    void shouldRefuseASocialWriteOnlyKeyMintingAViewLinkToAProjectItMayNotRead() {
        String socialWriter = api.createApiKey(owner, List.of("social:write"));

        assertProblem(mint(socialWriter, "view"), 403, "INSUFFICIENT_SCOPE");
        assertThat(fixtures.count("SELECT count(*) AS n FROM share_links WHERE project_id = :id", privateProject)).isZero();
    }

    @Test
    void shouldLetAKeyMintOnlyLinksItsScopesCover() {
        String reader = api.createApiKey(owner, List.of("social:write", "projects:read"));
        mint(reader, "view").expectStatus().isCreated();
        mint(reader, "remix").expectStatus().isCreated();
        assertProblem(mint(reader, "edit"), 403, "INSUFFICIENT_SCOPE");

        String writer = api.createApiKey(owner, List.of("social:write", "projects:read", "projects:write"));
        Map<String, Object> edit = mint(writer, "edit").expectStatus().isCreated().expectBody(MAP).returnResult().getResponseBody();

        // Raising a view link to edit is minting an edit link.
        String viewToken = (String) mint(reader, "view").expectStatus().isCreated().expectBody(MAP).returnResult().getResponseBody().get("token");
        assertProblem(api.http().patch().uri("/api/shares/{token}", viewToken).header("X-API-Key", reader)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("accessLevel", "edit")).exchange(), 403, "INSUFFICIENT_SCOPE");
        api.http().patch().uri("/api/shares/{token}", viewToken).header("X-API-Key", writer)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("accessLevel", "edit")).exchange().expectStatus().isOk();
        assertThat(edit).containsEntry("accessLevel", "edit");
    }

    @Test
    void shouldRefuseAKeyWithoutProjectsReadReadingTheCommentsOfAPrivateProject() {
        api.http().post().uri("/api/projects/{id}/comments", privateProject).header(HttpHeaders.AUTHORIZATION, owner.bearer())
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("text", "private thought")).exchange()
                .expectStatus().isCreated();
        String socialWriter = api.createApiKey(owner, List.of("social:write"));

        assertProblem(api.http().get().uri("/api/projects/{id}/comments", privateProject).header("X-API-Key", socialWriter)
                .exchange(), 403, "INSUFFICIENT_SCOPE");

        String reader = api.createApiKey(owner, List.of("projects:read"));
        api.http().get().uri("/api/projects/{id}/comments", privateProject).header("X-API-Key", reader).exchange()
                .expectStatus().isOk().expectBody().jsonPath("$.items[0].text").isEqualTo("private thought");
    }

    private WebTestClient.ResponseSpec mint(String apiKey, String accessLevel) {
        return api.http().post().uri("/api/projects/{id}/shares", privateProject).header("X-API-Key", apiKey)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("accessLevel", accessLevel)).exchange();
    }
}
