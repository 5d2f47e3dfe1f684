package dev.dawg.sharing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.dawg.support.Api;
import dev.dawg.support.Api.User;
import dev.dawg.support.IntegrationTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * OWASP API1/API3/API5 over the whole documented API: for every route that takes an id and every method, another
 * user and an anonymous caller aimed at the owner's private resources get nothing (404 where existence must not
 * leak, 401 without credentials, 403 only where the id itself is a secret they hold), and the owner's data is
 * unchanged afterwards. Bodies that try to set server-owned properties are refused, and no answer ever carries
 * another user's email, a password hash, a refresh token or an API key secret.
 */
@IntegrationTest
class CrossUserAccessIntegrationTests {

    @Autowired
    Api api;

    /** The owner's resources the intruders aim at. */
    record Victim(User owner, String projectId, String publicProjectId, String shareToken, String commentId,
            String publicCommentId, String apiKeyId, String apiKey, String notificationId, String presetId, String publicPresetId,
            String resumableUploadId) {
    }

    @Test
    void shouldGiveAnotherUserAndAnonymousNothingOfTheOwnersOnAnyIdRouteOrMethod() {
        Victim victim = victim();
        User intruder = api.signUp();
        List<String> checked = new ArrayList<>();
        List<String> wrong = new ArrayList<>();
        List<String> bodies = new ArrayList<>();
        for (Map.Entry<String, List<String>> route : idRoutes().entrySet()) {
            String path = route.getKey();
            for (String method : route.getValue()) {
                for (User caller : new User[] { intruder, null }) {
                    for (boolean privateTarget : new boolean[] { true, false }) {
                        String uri = fill(path, victim, privateTarget);
                        if (uri == null) {
                            continue;
                        }
                        EntityExchangeResult<byte[]> result = send(method, uri, caller);
                        int status = result.getStatus().value();
                        String who = caller == null ? "anonymous" : "intruder";
                        String allowed = expected(method, path, caller == null, privateTarget);
                        checked.add(method + " " + uri + " as " + who + " -> " + status);
                        if (!allowed.contains(" " + status + " ")) {
                            wrong.add(method + " " + uri + " as " + who + " -> " + status + " (allowed:" + allowed + ") "
                                    + new String(result.getResponseBodyContent() == null ? new byte[0] : result.getResponseBodyContent()));
                        }
                        bodies.add(result.getResponseBodyContent() == null ? "" : new String(result.getResponseBodyContent()));
                    }
                }
            }
        }
        System.out.printf("Cross-user matrix: %d requests over %d id routes%n", checked.size(), idRoutes().size());
        assertThat(checked).hasSizeGreaterThan(60);
        assertThat(wrong).as("cross-user access").isEmpty();
        assertNoSecretsOf(victim, bodies);
        assertOwnersDataIsIntact(victim);
    }

    @Test
    void shouldRefuseBodiesThatSetServerOwnedProperties() {
        User owner = api.signUp();
        Map<String, Object> project = api.createProject(owner, Map.of("title", "Mine"));
        String id = (String) project.get("id");
        User other = api.signUp();
        Map<String, Object> hostile = new LinkedHashMap<>();
        hostile.put("ownerId", other.id().toString());
        hostile.put("id", java.util.UUID.randomUUID().toString());
        hostile.put("likeCount", 1000);
        hostile.put("commentCount", 1000);
        hostile.put("playCount", 1000);
        hostile.put("remixCount", 1000);
        hostile.put("createdAt", "2000-01-01T00:00:00Z");
        hostile.put("role", "ADMIN");
        hostile.put("roles", List.of("ADMIN"));
        for (Map.Entry<String, Object> field : hostile.entrySet()) {
            Map<String, Object> body = new LinkedHashMap<>(Map.of("title", "Hijack", "projectData", Map.of()));
            body.put(field.getKey(), field.getValue());
            int create = api.http().post().uri("/api/projects").header(HttpHeaders.AUTHORIZATION, owner.bearer())
                    .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange().returnResult(String.class).getStatus().value();
            assertThat(create).as("POST with %s", field.getKey()).isEqualTo(400);
            int put = api.putProject(owner, id, 1, body).returnResult(String.class).getStatus().value();
            assertThat(put).as("PUT with %s", field.getKey()).isEqualTo(400);
            int patch = api.http().patch().uri("/api/projects/{id}", id).header(HttpHeaders.AUTHORIZATION, owner.bearer())
                    .header(HttpHeaders.IF_MATCH, "\"1\"").contentType(MediaType.valueOf("application/merge-patch+json"))
                    .bodyValue(Map.of(field.getKey(), field.getValue())).exchange().returnResult(String.class).getStatus().value();
            assertThat(patch).as("merge PATCH of %s", field.getKey()).isBetween(400, 422);
            int jsonPatch = api.http().patch().uri("/api/projects/{id}", id).header(HttpHeaders.AUTHORIZATION, owner.bearer())
                    .header(HttpHeaders.IF_MATCH, "\"1\"").contentType(MediaType.valueOf("application/json-patch+json"))
                    .bodyValue(List.of(Map.of("op", "add", "path", "/" + field.getKey(), "value", field.getValue())))
                    .exchange().returnResult(String.class).getStatus().value();
            assertThat(jsonPatch).as("JSON Patch of %s", field.getKey()).isBetween(400, 422);
            int me = api.http().patch().uri("/api/auth/me").header(HttpHeaders.AUTHORIZATION, owner.bearer())
                    .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of(field.getKey(), field.getValue()))
                    .exchange().returnResult(String.class).getStatus().value();
            assertThat(me).as("PATCH /me with %s", field.getKey()).isEqualTo(400);
            Map<String, Object> register = new LinkedHashMap<>(Map.of("email", Api.uniqueName("r") + "@example.test",
                    "username", Api.uniqueName("reg"), "password", Api.PASSWORD));
            register.put(field.getKey(), field.getValue());
            int signUp = api.http().post().uri("/api/auth/register").contentType(MediaType.APPLICATION_JSON).bodyValue(register)
                    .exchange().returnResult(String.class).getStatus().value();
            assertThat(signUp).as("register with %s", field.getKey()).isEqualTo(400);
        }
        // A version in the body is a precondition, never a value: it cannot move the version.
        api.putProject(owner, id, 1, Map.of("title", "Mine", "version", 50, "projectData", Map.of())).expectStatus().value(status -> assertThat(status).isIn(400, 409));
        Map<String, Object> after = api.getProject(owner, id).expectStatus().isOk().expectBody(Api.MAP).returnResult().getResponseBody();
        assertThat(after).containsEntry("ownerId", owner.id().toString()).containsEntry("version", 1).containsEntry("likeCount", 0)
                .containsEntry("commentCount", 0).containsEntry("playCount", 0).containsEntry("title", "Mine");
        api.http().get().uri("/api/auth/me").header(HttpHeaders.AUTHORIZATION, owner.bearer()).exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.roles").isEqualTo(List.of("USER"));
    }

    private Victim victim() {
        User owner = api.signUp();
        String projectId = (String) api.createProject(owner, Map.of("title", "Secret song")).get("id");
        api.putProject(owner, projectId, 1, Map.of("title", "Secret song", "projectData", Map.of())).expectStatus().isOk();
        String publicId = (String) api.createProject(owner, Map.of("title", "Open song", "visibility", "public")).get("id");
        String token = (String) post(owner, "/api/projects/" + projectId + "/shares", Map.of("accessLevel", "edit")).get("token");
        String commentId = (String) post(owner, "/api/projects/" + projectId + "/comments", Map.of("text", "private note")).get("id");
        String publicCommentId = (String) post(owner, "/api/projects/" + publicId + "/comments", Map.of("text", "public note")).get("id");
        Map<String, Object> key = post(owner, "/api/auth/api-keys", Map.of("name", "k", "scopes", List.of("projects:read")));
        // A fan's like gives the owner a notification (stored in the background: waited for).
        api.http().post().uri("/api/projects/{id}/like", publicId).header(HttpHeaders.AUTHORIZATION, api.signUp().bearer()).exchange()
                .expectStatus().isOk();
        String notificationId = org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(15)).until(() -> notificationOf(owner),
                java.util.Objects::nonNull);
        // Both projects have a preview: an intruder hears the public one's and nothing of the private one's.
        for (String id : List.of(projectId, publicId)) {
            org.springframework.http.client.MultipartBodyBuilder preview = new org.springframework.http.client.MultipartBodyBuilder();
            preview.part("file", new ClassPathResource("audio/tone-44k1-mono-cbr64-notag.mp3")).contentType(MediaType.APPLICATION_OCTET_STREAM);
            api.http().post().uri("/api/projects/{id}/preview", id).header(HttpHeaders.AUTHORIZATION, owner.bearer())
                    .body(org.springframework.web.reactive.function.BodyInserters.fromMultipartData(preview.build())).exchange().expectStatus().isOk();
        }
        String presetId = (String) post(owner, "/api/presets", preset("Secret patch", false)).get("id");
        String publicPresetId = (String) post(owner, "/api/presets", preset("Open patch", true)).get("id");
        // A resumable upload in flight (issue 19): only its uploader may see, extend, complete or abort it.
        String resumableUploadId = (String) post(owner, "/api/assets/multipart-uploads",
                Map.of("filename", "secret take.wav", "sizeBytes", 1000, "contentType", "audio/wav")).get("uploadId");
        return new Victim(owner, projectId, publicId, token, commentId, publicCommentId, (String) key.get("id"), (String) key.get("key"),
                notificationId, presetId, publicPresetId, resumableUploadId);
    }

    private static Map<String, Object> preset(String name, boolean isPublic) {
        return Map.of("name", name, "type", "instrument", "engine", "vasynth", "category", "Pads", "isPublic", isPublic,
                "data", Map.of("cutoff", 1200));
    }

    @SuppressWarnings("unchecked")
    private String notificationOf(User owner) {
        List<Map<String, Object>> items = (List<Map<String, Object>>) api.http().get().uri("/api/notifications")
                .header(HttpHeaders.AUTHORIZATION, owner.bearer()).exchange().expectStatus().isOk().expectBody(Api.MAP).returnResult()
                .getResponseBody().get("items");
        return items.isEmpty() ? null : (String) items.get(0).get("id");
    }

    private Map<String, Object> post(User user, String uri, Map<String, Object> body) {
        return api.http().post().uri(uri).header(HttpHeaders.AUTHORIZATION, user.bearer()).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body).exchange().expectStatus().isCreated().expectBody(Api.MAP).returnResult().getResponseBody();
    }

    /** Every documented path with a path parameter, and its methods. */
    @SuppressWarnings("unchecked")
    private static Map<String, List<String>> idRoutes() {
        Map<String, Object> document;
        try (InputStream in = new ClassPathResource("openapi/dawg-api.yaml").getInputStream()) {
            document = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        Map<String, List<String>> routes = new LinkedHashMap<>();
        ((Map<String, Map<String, Object>>) document.get("paths")).forEach((path, item) -> {
            if (path.contains("{")) {
                routes.put(path, item.keySet().stream().filter(Set.of("get", "post", "put", "patch", "delete")::contains)
                        .map(String::toUpperCase).toList());
            }
        });
        return routes;
    }

    /** The path aimed at the victim's resource; null when there is nothing of that kind to aim at. */
    private static String fill(String path, Victim victim, boolean privateTarget) {
        String project = privateTarget ? victim.projectId() : victim.publicProjectId();
        String filled = path.replace("{version}", "1").replace("{username}", victim.owner().username());
        if (path.startsWith("/api/projects/{id}")) {
            return filled.replace("{id}", project);
        }
        if (path.startsWith("/api/comments/{id}")) {
            return filled.replace("{id}", privateTarget ? victim.commentId() : victim.publicCommentId());
        }
        if (path.startsWith("/api/auth/api-keys/{id}")) {
            return privateTarget ? filled.replace("{id}", victim.apiKeyId()) : null;
        }
        if (path.startsWith("/api/shares/{token}")) {
            return privateTarget ? filled.replace("{token}", victim.shareToken()) : null;
        }
        if (path.startsWith("/api/users/{username}")) {
            return privateTarget ? filled : null;
        }
        if (path.startsWith("/api/notifications/{id}")) {
            return privateTarget ? filled.replace("{id}", victim.notificationId()) : null;
        }
        if (path.startsWith("/api/presets/{id}")) {
            return filled.replace("{id}", privateTarget ? victim.presetId() : victim.publicPresetId());
        }
        if (path.startsWith("/api/users/{id}")) {
            return privateTarget ? filled.replace("{id}", victim.owner().id().toString()) : null;
        }
        if (path.startsWith("/api/assets/multipart-uploads/{uploadId}")) {
            return privateTarget ? filled.replace("{uploadId}", victim.resumableUploadId()) : null;
        }
        // Routes of features without fixtures here (e.g. assets): a random id still must not answer 2xx or 5xx.
        return privateTarget ? filled.replaceAll("\\{[^}]+}", java.util.UUID.randomUUID().toString()) : null;
    }

    /** The statuses an intruder (or anonymous caller) may get, as " 401 404 " etc. */
    private static String expected(String method, String path, boolean anonymous, boolean privateTarget) {
        boolean read = "GET".equals(method);
        if (path.equals("/api/users/{username}")) {
            return " 200 ";
        }
        if (path.equals("/api/users/{id}/avatar")) {
            // Public as the profile is; this victim has none.
            return read ? " 404 " : " 405 ";
        }
        if (path.startsWith("/api/users/{id}/")) {
            // Profiles, their lists and their public projects are public; following a user is any signed-in user's right.
            return read ? " 200 " : anonymous ? " 401 " : " 200 ";
        }
        if (path.equals("/api/shares/{token}")) {
            // The token is the secret: whoever holds it may open the link, but only its owner may change it.
            return read ? " 200 " : anonymous ? " 401 " : " 403 404 ";
        }
        if (!privateTarget && path.startsWith("/api/projects/{id}")) {
            // A public project: reading it, and social actions on it, are open; changing it is not.
            if (read && !path.endsWith("/shares")) {
                return " 200 ";
            }
            if (path.endsWith("/plays")) {
                return " 204 ";
            }
            if (path.endsWith("/like") || path.endsWith("/comments") || path.endsWith("/remix") || path.endsWith("/share-events")) {
                return anonymous ? " 401 " : " 200 201 ";
            }
            return anonymous ? " 401 404 " : " 403 404 ";
        }
        if (!privateTarget && path.startsWith("/api/presets/{id}")) {
            // A public preset: reading, downloading and rating it are open; changing, deleting or featuring it are not.
            if (read) {
                return " 200 ";
            }
            if (path.endsWith("/downloads") || path.endsWith("/rating")) {
                return anonymous ? " 401 " : " 200 ";
            }
            return anonymous ? " 401 " : " 403 ";
        }
        if (!privateTarget && path.startsWith("/api/comments/{id}")) {
            return anonymous ? " 401 " : " 403 404 ";
        }
        return anonymous ? " 401 404 " : " 404 ";
    }

    private EntityExchangeResult<byte[]> send(String method, String uri, User caller) {
        WebTestClient.RequestBodySpec request = api.http().method(HttpMethod.valueOf(method)).uri(uri)
                .header(HttpHeaders.IF_MATCH, "\"2\"");
        if (caller != null) {
            request = request.header(HttpHeaders.AUTHORIZATION, caller.bearer());
        }
        WebTestClient.RequestHeadersSpec<?> ready = request;
        if (Set.of("POST", "PUT", "PATCH").contains(method)) {
            if ("PATCH".equals(method) && uri.matches("/api/projects/[^/]+")) {
                ready = request.contentType(MediaType.valueOf("application/merge-patch+json")).bodyValue(Map.of("title", "Pwned"));
            }
            else if (uri.endsWith("/comments")) {
                ready = request.contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("text", "pwned"));
            }
            else if (uri.endsWith("/remix")) {
                ready = request.contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("changesSummary", "pwned"));
            }
            else if (uri.endsWith("/share-events")) {
                ready = request.contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("platform", "copy_link"));
            }
            else if (uri.contains("/shares")) {
                ready = request.contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("accessLevel", "edit"));
            }
            else if (uri.endsWith("/rating")) {
                ready = request.contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("rating", 1));
            }
            else if (uri.contains("/versions/")) {
                ready = request.contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("label", "pwned"));
            }
            else {
                ready = request.contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("title", "Pwned"));
            }
        }
        return ready.exchange().expectBody().returnResult();
    }

    private void assertNoSecretsOf(Victim victim, List<String> intruderBodies) {
        List<String> bodies = new ArrayList<>(intruderBodies);
        // Also what anyone can read about the owner through public routes.
        for (String uri : List.of("/api/users/" + victim.owner().username(), "/api/search/users?q=" + victim.owner().username(),
                "/api/projects/" + victim.publicProjectId(), "/api/projects/" + victim.publicProjectId() + "/comments",
                "/api/shares/" + victim.shareToken(), "/api/search/projects?q=song",
                "/api/projects/" + victim.publicProjectId() + "/export")) {
            bodies.add(new String(api.http().get().uri(uri).exchange().expectBody().returnResult().getResponseBodyContent()));
        }
        // And the owner's own answers carry no hash or other secret either.
        for (String uri : List.of("/api/auth/me", "/api/auth/api-keys", "/api/projects/" + victim.projectId() + "/shares")) {
            String own = new String(api.http().get().uri(uri).header(HttpHeaders.AUTHORIZATION, victim.owner().bearer()).exchange()
                    .expectStatus().isOk().expectBody().returnResult().getResponseBodyContent());
            assertThat(own).doesNotContain("$argon2", "$scrypt", "$2a$", "passwordHash", "password_hash", "secretHash",
                    victim.apiKey(), victim.owner().refreshToken());
        }
        // A user's public projects never include a private one.
        for (String uri : List.of("/api/users/" + victim.owner().id() + "/projects", "/api/feed?limit=100")) {
            String listed = new String(api.http().get().uri(uri).exchange().expectStatus().isOk().expectBody().returnResult().getResponseBodyContent());
            assertThat(listed).as(uri).doesNotContain(victim.projectId());
            bodies.add(listed);
        }
        assertThat(bodies.get(bodies.size() - 2)).contains(victim.publicProjectId());
        for (String body : bodies) {
            assertThat(body).doesNotContain(victim.owner().email(), "$argon2", "$scrypt", "$2a$", "passwordHash", "password_hash",
                    victim.owner().refreshToken(), victim.apiKey(), victim.owner().password());
        }
    }

    private void assertOwnersDataIsIntact(Victim victim) {
        User owner = victim.owner();
        api.getProject(owner, victim.projectId()).expectStatus().isOk().expectBody()
                .jsonPath("$.title").isEqualTo("Secret song").jsonPath("$.version").isEqualTo(2)
                .jsonPath("$.visibility").isEqualTo("private");
        api.getProject(owner, victim.publicProjectId()).expectStatus().isOk().expectBody()
                .jsonPath("$.title").isEqualTo("Open song").jsonPath("$.version").isEqualTo(1);
        api.http().get().uri("/api/shares/{t}", victim.shareToken()).exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.accessLevel").isEqualTo("edit");
        api.http().get().uri("/api/projects/{id}/comments", victim.projectId()).header(HttpHeaders.AUTHORIZATION, owner.bearer())
                .exchange().expectStatus().isOk().expectBody().jsonPath("$.items[0].id").isEqualTo(victim.commentId());
        api.http().get().uri("/api/auth/me").header("X-API-Key", victim.apiKey()).exchange().expectStatus().isOk();
        api.http().get().uri("/api/projects/{id}/versions", victim.projectId()).header(HttpHeaders.AUTHORIZATION, owner.bearer())
                .exchange().expectStatus().isOk().expectBody().jsonPath("$.items.length()").isEqualTo(2);
        // The intruders' own likes of the public project joined it; nothing of theirs marked it read or removed it.
        api.http().get().uri("/api/notifications?type=like").header(HttpHeaders.AUTHORIZATION, owner.bearer()).exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.items[0].id").isEqualTo(victim.notificationId()).jsonPath("$.items[0].read").isEqualTo(false);
        api.http().get().uri("/api/presets/{id}", victim.presetId()).header(HttpHeaders.AUTHORIZATION, owner.bearer()).exchange()
                .expectStatus().isOk().expectBody().jsonPath("$.name").isEqualTo("Secret patch").jsonPath("$.isPublic").isEqualTo(false)
                .jsonPath("$.downloadCount").isEqualTo(0).jsonPath("$.ratingCount").isEqualTo(0).jsonPath("$.featured").isEqualTo(false);
        api.http().get().uri("/api/presets/{id}", victim.publicPresetId()).exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.name").isEqualTo("Open patch").jsonPath("$.isPublic").isEqualTo(true).jsonPath("$.featured").isEqualTo(false)
                .jsonPath("$.data.cutoff").isEqualTo(1200);
        // Both previews are still there (nobody else could remove or replace them).
        for (String id : List.of(victim.projectId(), victim.publicProjectId())) {
            api.http().get().uri("/api/projects/{id}/preview", id).header(HttpHeaders.AUTHORIZATION, owner.bearer()).exchange()
                    .expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("ready");
        }
        api.http().get().uri("/api/assets/multipart-uploads/{id}", victim.resumableUploadId()).header(HttpHeaders.AUTHORIZATION, owner.bearer())
                .exchange().expectStatus().isOk().expectBody().jsonPath("$.filename").isEqualTo("secret take.wav")
                .jsonPath("$.parts.length()").isEqualTo(0);
    }
}
