package dev.dawg.auth;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import reactor.test.StepVerifier;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggerConfiguration;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.security.web.server.WebFilterChainProxy;
import org.springframework.test.util.ReflectionTestUtils;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.dawg.support.Api;
import dev.dawg.support.Api.User;
import dev.dawg.support.IntegrationTest;

import static dev.dawg.support.Api.MAP;
import static dev.dawg.support.Api.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/** Sign-up, sign-in, refresh rotation, sign-out, profiles and API keys, with their failures. */
@IntegrationTest
@ExtendWith(OutputCaptureExtension.class)
public class AuthIntegrationTests {

    private static final tools.jackson.databind.json.JsonMapper JSON = tools.jackson.databind.json.JsonMapper.builder().build();

    @Autowired
    Api api;

    @Autowired
    LoggingSystem logging;

    @Autowired
    DatabaseClient db;

    @Autowired
    WebFilterChainProxy securityFilters;

    WebTestClient http() {
        return api.http();
    }

    @Test
    void shouldRunTheSecurityFiltersThroughTheDirectChain() {
        assertThat(ReflectionTestUtils.getField(securityFilters, "filterChainDecorator")).isInstanceOf(DirectSecurityFilters.class);
        // Through it, a refusal and a pass as before.
        http().get().uri("/api/auth/me").exchange().expectStatus().isUnauthorized();
        http().get().uri("/api/auth/me").header(HttpHeaders.AUTHORIZATION, api.signUp().bearer()).exchange().expectStatus().isOk();
    }

    WebTestClient.ResponseSpec register(Object body) {
        return http().post().uri("/api/auth/register").contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }

    WebTestClient.ResponseSpec login(String login, String password) {
        return http().post().uri("/api/auth/login").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("login", login, "password", password)).exchange();
    }

    WebTestClient.ResponseSpec refreshWithBody(String token) {
        return http().post().uri("/api/auth/refresh").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("refreshToken", token)).exchange();
    }

    WebTestClient.ResponseSpec me(String authorization) {
        return http().get().uri("/api/auth/me").header(HttpHeaders.AUTHORIZATION, authorization).exchange();
    }

    @Test
    void shouldRegisterAndReturnTokensUserAndRefreshCookie() {
        String username = Api.uniqueName("newbie");
        WebTestClient.ResponseSpec response = register(Map.of("email", username + "@example.test", "username", username,
                "password", Api.PASSWORD, "displayName", "New Bie"));
        response.expectStatus().isCreated()
                .expectHeader().valueEquals("Location", "/api/users/" + username)
                .expectHeader().valueEquals("Cache-Control", "no-store")
                .expectHeader().value("Set-Cookie", cookie -> assertThat(cookie)
                        .startsWith("dawg_refresh=rt_").containsIgnoringCase("HttpOnly")
                        .contains("SameSite=Strict", "Path=/api/auth", "Max-Age=604800").doesNotContain("Secure"));
        Map<String, Object> session = response.expectBody(MAP).returnResult().getResponseBody();
        assertThat(session).containsKeys("accessToken", "refreshToken", "expiresIn", "user");
        assertThat(session.get("expiresIn")).isEqualTo(900);
        assertThat(session.toString()).doesNotContain(Api.PASSWORD, "argon2");
        @SuppressWarnings("unchecked")
        Map<String, Object> user = (Map<String, Object>) session.get("user");
        assertThat(user).containsEntry("username", username).containsEntry("displayName", "New Bie")
                .containsEntry("roles", List.of("USER")).doesNotContainKey("passwordHash");

        me("Bearer " + session.get("accessToken")).expectStatus().isOk().expectBody()
                .jsonPath("$.username").isEqualTo(username)
                .jsonPath("$.email").isEqualTo(username + "@example.test");
    }

    @Test
    void shouldRefuseDuplicateEmailAndUsernameCaseInsensitively() {
        User taken = api.signUp();
        Map<String, Object> byEmail = assertProblem(register(Map.of("email", taken.email().toUpperCase(), "username", Api.uniqueName("other"),
                "password", Api.PASSWORD)), 409, "CONFLICT");
        assertThat(byEmail).containsEntry("field", "email");
        Map<String, Object> byName = assertProblem(register(Map.of("email", Api.uniqueName("x") + "@example.test",
                "username", taken.username().toUpperCase(), "password", Api.PASSWORD)), 409, "CONFLICT");
        assertThat(byName).containsEntry("field", "username");
    }

    @Test
    void shouldRefuseWeakPasswordAndBadFieldsWithFieldErrors() {
        Map<String, Object> problem = assertProblem(register(Map.of("email", "not-an-email", "username", "a b",
                "password", "short", "role", "ADMIN")), 400, "VALIDATION_FAILED");
        @SuppressWarnings("unchecked")
        List<Map<String, String>> errors = (List<Map<String, String>>) problem.get("errors");
        assertThat(errors).extracting(error -> error.get("field")).contains("email", "username", "password", "role");
    }

    @Test
    void shouldRefuseOverlongPassword() {
        String username = Api.uniqueName("long");
        assertProblem(register(Map.of("email", username + "@example.test", "username", username, "password", "x".repeat(129))),
                400, "VALIDATION_FAILED");
    }

    @Test
    void shouldLoginWithEmailOrUsername() {
        User user = api.signUp();
        assertThat(api.login(user.username(), Api.PASSWORD).id()).isEqualTo(user.id());
        assertThat(api.login(user.email().toUpperCase(), Api.PASSWORD).id()).isEqualTo(user.id());
    }

    @Test
    void shouldAnswerWrongPasswordAndUnknownUserIdentically() {
        User user = api.signUp();
        Map<String, Object> wrongPassword = assertProblem(login(user.username(), "wrong password!"), 401, "UNAUTHORIZED");
        Map<String, Object> unknownUser = assertProblem(login("nobody-" + user.username(), "wrong password!"), 401, "UNAUTHORIZED");
        assertThat(wrongPassword.get("detail")).isEqualTo(unknownUser.get("detail"));
        assertThat(wrongPassword.keySet()).isEqualTo(unknownUser.keySet());
    }

    @Test
    void shouldRotateRefreshTokensAndRevokeTheFamilyOnReuse() {
        User user = api.signUp();
        Map<String, Object> second = refreshWithBody(user.refreshToken()).expectStatus().isOk().expectBody(MAP).returnResult().getResponseBody();
        String next = (String) second.get("refreshToken");
        assertThat(next).isNotEqualTo(user.refreshToken());
        me("Bearer " + second.get("accessToken")).expectStatus().isOk();

        // The first token is replayed after the race window: it fails, and so does everything descended from it.
        usedLongAgo(user);
        assertProblem(refreshWithBody(user.refreshToken()), 401, "UNAUTHORIZED");
        assertProblem(refreshWithBody(next), 401, "UNAUTHORIZED");
    }

    @Test
    void shouldRefuseATokenUsedMomentsAgoWithoutRevokingItsFamily() {
        User user = api.signUp();
        String next = (String) refreshWithBody(user.refreshToken()).expectStatus().isOk().expectBody(MAP).returnResult()
                .getResponseBody().get("refreshToken");

        // A second tab that refreshed with the same token a moment later lost a race: it is not a thief.
        Map<String, Object> problem = assertProblem(refreshWithBody(user.refreshToken()), 401, "UNAUTHORIZED");
        assertThat((String) problem.get("detail")).contains("just used by another request");
        refreshWithBody(next).expectStatus().isOk();
    }

    /** Moves every use of {@code user}'s refresh tokens an hour back, far past the race window (no waiting). */
    private void usedLongAgo(User user) {
        db.sql("UPDATE refresh_tokens SET used_at = used_at - interval '1 hour' WHERE user_id = :userId AND used_at IS NOT NULL")
                .bind("userId", user.id())
                .fetch().rowsUpdated()
                .as(StepVerifier::create)
                .assertNext(updated -> assertThat(updated).isPositive())
                .verifyComplete();
    }

    @Test
    void shouldRefreshFromTheCookie() {
        User user = api.signUp();
        http().post().uri("/api/auth/refresh").cookie("dawg_refresh", user.refreshToken()).exchange()
                .expectStatus().isOk()
                .expectHeader().value("Set-Cookie", cookie -> assertThat(cookie).startsWith("dawg_refresh=rt_"));
    }

    @Test
    void shouldLetExactlyOneOfConcurrentRefreshesWinAndKeepTheWinnersTokenWorking() throws Exception {
        User user = api.signUp();
        int attempts = 8;
        ExecutorService tabs = Executors.newFixedThreadPool(attempts);
        try {
            CountDownLatch ready = new CountDownLatch(attempts);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<EntityExchangeResult<Map<String, Object>>>> results = new ArrayList<>();
            for (int i = 0; i < attempts; i++) {
                results.add(tabs.submit(() -> {
                    ready.countDown();
                    go.await();
                    return refreshWithBody(user.refreshToken()).expectBody(MAP).returnResult();
                }));
            }
            assertThat(ready.await(30, TimeUnit.SECONDS)).isTrue();
            go.countDown();
            List<EntityExchangeResult<Map<String, Object>>> answers = new ArrayList<>();
            for (Future<EntityExchangeResult<Map<String, Object>>> result : results) {
                answers.add(result.get(60, TimeUnit.SECONDS));
            }
            List<EntityExchangeResult<Map<String, Object>>> winners = answers.stream()
                    .filter(answer -> answer.getStatus().value() == 200).toList();
            assertThat(winners).hasSize(1);
            assertThat(answers).filteredOn(answer -> answer.getStatus().value() == 401).hasSize(attempts - 1);

            // The losers did not revoke the family: the winner's session goes on.
            String winnersToken = (String) winners.get(0).getResponseBody().get("refreshToken");
            me("Bearer " + winners.get(0).getResponseBody().get("accessToken")).expectStatus().isOk();
            refreshWithBody(winnersToken).expectStatus().isOk();
        }
        finally {
            tabs.shutdownNow();
        }
    }

    @Test
    void shouldLogOutByRevokingTheFamilyAndClearingTheCookie() {
        User user = api.signUp();
        http().post().uri("/api/auth/logout").cookie("dawg_refresh", user.refreshToken()).exchange()
                .expectStatus().isNoContent()
                .expectHeader().value("Set-Cookie", cookie -> assertThat(cookie).startsWith("dawg_refresh=;").contains("Max-Age=0"));
        assertProblem(refreshWithBody(user.refreshToken()), 401, "UNAUTHORIZED");
    }

    @Test
    void shouldNeverAcceptARefreshTokenAsAnAccessToken() {
        User user = api.signUp();
        assertProblem(me("Bearer " + user.refreshToken()), 401, "UNAUTHORIZED");
    }

    @Test
    void shouldBootstrapTheConfiguredAdministratorWithTheAdminRole() {
        User admin = api.admin();
        http().get().uri("/api/auth/me").header(HttpHeaders.AUTHORIZATION, admin.bearer()).exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.roles").value(roles -> assertThat(asList(roles)).containsExactly("ADMIN", "USER"));
        User someone = api.signUp();
        http().get().uri("/api/auth/me").header(HttpHeaders.AUTHORIZATION, someone.bearer()).exchange()
                .expectBody().jsonPath("$.roles").value(roles -> assertThat(asList(roles)).containsExactly("USER"));
    }

    @Test
    void shouldRequireAuthenticationForMe() {
        assertProblem(http().get().uri("/api/auth/me").exchange(), 401, "UNAUTHORIZED");
    }

    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.MethodSource("dev.dawg.auth.Tokens#forgeries")
    void shouldRefuseBadAccessTokens(String kind) {
        String token = Tokens.forged(kind, api.signUp());
        assertProblem(me("Bearer " + token), 401, "UNAUTHORIZED");
    }

    @Test
    void shouldAcceptAForgedTokenOnlyWhenEverythingIsRight() {
        User user = api.signUp();
        me("Bearer " + Tokens.signed(user.id(), c -> { })).expectStatus().isOk();
    }

    @Test
    void shouldUpdateOwnProfileAndRefuseReadOnlyFields() {
        User user = api.signUp();
        http().patch().uri("/api/auth/me").header(HttpHeaders.AUTHORIZATION, user.bearer()).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("displayName", "DJ Test", "bio", "makes beats", "settings", Map.of("theme", "dark", "metronome", true)))
                .exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.displayName").isEqualTo("DJ Test")
                .jsonPath("$.settings.theme").isEqualTo("dark");
        me(user.bearer()).expectBody().jsonPath("$.bio").isEqualTo("makes beats");

        Map<String, Object> problem = assertProblem(http().patch().uri("/api/auth/me").header(HttpHeaders.AUTHORIZATION, user.bearer())
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("roles", List.of("ADMIN"), "email", "x@y.z"))
                .exchange(), 400, "VALIDATION_FAILED");
        assertThat(problem.toString()).contains("read-only");
        me(user.bearer()).expectBody().jsonPath("$.roles[0]").isEqualTo("USER");
    }

    @Test
    void shouldShowPublicProfileWithoutEmail() {
        User user = api.signUp();
        http().get().uri("/api/users/{username}", user.username()).exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.username").isEqualTo(user.username())
                .jsonPath("$.publicProjectCount").isEqualTo(0)
                .jsonPath("$.email").doesNotExist();
        assertProblem(http().get().uri("/api/users/no_such_user_here").exchange(), 404, "NOT_FOUND");
    }

    @Test
    void shouldFindUsersByName() {
        User user = api.signUp(Api.uniqueName("findme"));
        http().get().uri("/api/search/users?q={q}", user.username()).exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.items[0].username").isEqualTo(user.username())
                .jsonPath("$.items[0].email").doesNotExist();
    }

    @Test
    void shouldCreateListUseAndRevokeApiKeys() {
        User user = api.signUp();
        Map<String, Object> created = http().post().uri("/api/auth/api-keys").header(HttpHeaders.AUTHORIZATION, user.bearer())
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("name", "render bot", "scopes", List.of("projects:read")))
                .exchange().expectStatus().isCreated().expectBody(MAP).returnResult().getResponseBody();
        String key = (String) created.get("key");
        assertThat(key).startsWith((String) created.get("prefix") + "_");

        http().get().uri("/api/auth/api-keys").header(HttpHeaders.AUTHORIZATION, user.bearer()).exchange()
                .expectStatus().isOk()
                .expectBody(String.class).value(list -> assertThat(list).contains("render bot").doesNotContain(key));

        http().get().uri("/api/auth/me").header("X-API-Key", key).exchange()
                .expectStatus().isOk().expectBody().jsonPath("$.username").isEqualTo(user.username());

        http().delete().uri("/api/auth/api-keys/{id}", created.get("id")).header(HttpHeaders.AUTHORIZATION, user.bearer())
                .exchange().expectStatus().isNoContent();
        assertProblem(http().get().uri("/api/auth/me").header("X-API-Key", key).exchange(), 401, "UNAUTHORIZED");
    }

    @Test
    void shouldRefuseUnknownScopesAndKeysCreatingKeys() {
        User user = api.signUp();
        assertProblem(http().post().uri("/api/auth/api-keys").header(HttpHeaders.AUTHORIZATION, user.bearer())
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("name", "x", "scopes", List.of("everything")))
                .exchange(), 400, "VALIDATION_FAILED");
        String key = api.createApiKey(user, List.of("projects:read", "projects:write"));
        assertProblem(http().post().uri("/api/auth/api-keys").header("X-API-Key", key)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("name", "y", "scopes", List.of("projects:read")))
                .exchange(), 403, "INSUFFICIENT_SCOPE");
    }

    @Test
    void shouldRefuseEvenAnAllScopesApiKeyOnTheAccountsOwnRoutes() {
        User user = api.signUp();
        Map<String, Object> created = http().post().uri("/api/auth/api-keys").header(HttpHeaders.AUTHORIZATION, user.bearer())
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", "everything bot",
                        "scopes", List.of("projects:read", "projects:write", "assets:read", "assets:write", "social:write")))
                .exchange().expectStatus().isCreated().expectBody(MAP).returnResult().getResponseBody();
        String key = (String) created.get("key");

        assertProblem(http().patch().uri("/api/auth/me").header("X-API-Key", key).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("displayName", "Taken Over")).exchange(), 403, "INSUFFICIENT_SCOPE");
        assertProblem(http().get().uri("/api/auth/api-keys").header("X-API-Key", key).exchange(), 403, "INSUFFICIENT_SCOPE");
        assertProblem(http().delete().uri("/api/auth/api-keys/{id}", created.get("id")).header("X-API-Key", key).exchange(),
                403, "INSUFFICIENT_SCOPE");
        assertProblem(http().post().uri("/api/auth/api-keys").header("X-API-Key", key).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", "child", "scopes", List.of("projects:read"))).exchange(), 403, "INSUFFICIENT_SCOPE");

        // Nothing changed: the profile is as it was, the key is still there and still works.
        me(user.bearer()).expectStatus().isOk().expectBody().jsonPath("$.displayName").isEqualTo(user.username());
        http().get().uri("/api/auth/api-keys").header(HttpHeaders.AUTHORIZATION, user.bearer()).exchange()
                .expectStatus().isOk().expectBody().jsonPath("$.items.length()").isEqualTo(1);
        http().get().uri("/api/auth/me").header("X-API-Key", key).exchange().expectStatus().isOk();
    }

    @Test
    void shouldNotRevokeSomeoneElsesApiKey() {
        User owner = api.signUp();
        User other = api.signUp();
        String key = api.createApiKey(owner, List.of("projects:read"));
        String id = http().get().uri("/api/auth/api-keys").header(HttpHeaders.AUTHORIZATION, owner.bearer()).exchange()
                .expectBody(MAP).returnResult().getResponseBody().get("items").toString().replaceAll(".*id=([0-9a-f-]{36}).*", "$1");
        assertProblem(http().delete().uri("/api/auth/api-keys/{id}", id).header(HttpHeaders.AUTHORIZATION, other.bearer()).exchange(),
                404, "NOT_FOUND");
        http().get().uri("/api/auth/me").header("X-API-Key", key).exchange().expectStatus().isOk();
    }

    @Test
    void shouldRefuseAWrongApiKey() {
        assertProblem(http().get().uri("/api/auth/me").header("X-API-Key", "dawg_nothing_here").exchange(), 401, "UNAUTHORIZED");
    }

    /** Loggers that, at DEBUG, see request bodies, bound SQL values, headers or authentications. */
    static final List<String> CHATTY_LOGGERS = List.of("io.r2dbc.postgresql.PARAM", "io.r2dbc.postgresql.QUERY",
            "org.springframework.web", "org.springframework.security", "reactor.netty.http", "dev.dawg");

    @Test
    void shouldKeepSecretsOutOfTheLogs(CapturedOutput output) {
        // The driver decides once, at its first bind, whether to log bound values (raising it below changes nothing):
        // the server must have switched that logger off before it started, whatever the configuration said.
        assertThat(logging.getLoggerConfiguration("io.r2dbc.postgresql.PARAM").getEffectiveLevel()).isEqualTo(LogLevel.OFF);
        Map<String, LogLevel> previous = new LinkedHashMap<>();
        Map<String, LogLevel> raised = new LinkedHashMap<>();
        CHATTY_LOGGERS.forEach(name -> raised.put(name, LogLevel.DEBUG));
        // At TRACE the codecs write whole bodies instead of their first 100 characters.
        raised.put("org.springframework.http.codec", LogLevel.TRACE);
        raised.put("org.springframework.web.HttpLogging", LogLevel.TRACE);
        raised.forEach((name, level) -> {
            LoggerConfiguration configuration = logging.getLoggerConfiguration(name);
            previous.put(name, configuration == null ? null : configuration.getConfiguredLevel());
            logging.setLogLevel(name, level);
        });
        List<Exchange> run = new ArrayList<>();
        try {
            String username = Api.uniqueName("quiet");
            String email = username + "@example.test";
            Exchange registered = exchange(run, HttpMethod.POST, "/api/auth/register",
                    Map.of("email", email, "username", username, "password", Api.PASSWORD), headers -> { }, 201);
            Exchange loggedIn = exchange(run, HttpMethod.POST, "/api/auth/login", Map.of("login", email, "password", Api.PASSWORD),
                    headers -> { }, 200);
            exchange(run, HttpMethod.POST, "/api/auth/login", Map.of("login", username, "password", "wrong password!"), headers -> { }, 401);
            Exchange refreshed = exchange(run, HttpMethod.POST, "/api/auth/refresh", Map.of("refreshToken", loggedIn.field("refreshToken")),
                    headers -> { }, 200);
            Exchange keyCreated = exchange(run, HttpMethod.POST, "/api/auth/api-keys", Map.of("name", "log bot", "scopes", List.of("projects:read")),
                    headers -> headers.setBearerAuth(registered.field("accessToken")), 201);
            exchange(run, HttpMethod.GET, "/api/auth/me", null, headers -> headers.set("X-API-Key", keyCreated.field("key")), 200);
            exchange(run, HttpMethod.GET, "/api/auth/api-keys", null, headers -> headers.setBearerAuth(refreshed.field("accessToken")), 200);
            exchange(run, HttpMethod.POST, "/api/auth/logout", Map.of("refreshToken", refreshed.field("refreshToken")), headers -> { }, 204);
            exchange(run, HttpMethod.POST, "/api/auth/refresh", Map.of("refreshToken", refreshed.field("refreshToken")), headers -> { }, 401);
        }
        finally {
            previous.forEach(logging::setLogLevel);
        }

        // Each secret appears only in the one answer that hands it out, and never in a log line.
        Map<String, Exchange> secrets = new LinkedHashMap<>();
        for (Exchange exchange : run) {
            for (String field : List.of("accessToken", "refreshToken", "key")) {
                if (exchange.has(field)) {
                    secrets.put(exchange.field(field), exchange);
                }
            }
        }
        assertThat(secrets).hasSize(7);
        for (Exchange exchange : run) {
            assertThat(exchange.body()).doesNotContain("$argon2", Api.PASSWORD, "wrong password!");
            secrets.forEach((secret, issuedBy) -> {
                if (issuedBy != exchange) {
                    assertThat(exchange.body()).doesNotContain(secret);
                }
            });
        }
        String logs = output.getAll();
        assertThat(logs).isNotBlank();
        // The raised loggers really spoke for these requests (so this test can fail), and none of them leaked.
        assertThat(logs).contains(run.stream().map(Exchange::requestId).toArray(String[]::new));
        assertThat(logs).doesNotContain(Api.PASSWORD, "wrong password!", "$argon2");
        assertThat(logs).doesNotContain(secrets.keySet().toArray(String[]::new));
    }

    /** One request of a scripted run: the id the server gave it and the body it answered. */
    record Exchange(String requestId, String body, Map<String, Object> json) {

        boolean has(String field) {
            return json.get(field) instanceof String;
        }

        String field(String name) {
            assertThat(json).containsKey(name);
            return (String) json.get(name);
        }
    }

    /**
     * Sends {@code body} as raw JSON bytes and reads the answer as bytes, so the test's own client (whose codecs log
     * at the same levels) writes no body to the log: what the log holds about the secrets comes from the server.
     */
    private Exchange exchange(List<Exchange> run, HttpMethod method, String uri, Map<String, Object> body,
            java.util.function.Consumer<HttpHeaders> headers, int status) {
        WebTestClient.RequestBodySpec request = http().method(method).uri(uri).headers(headers);
        WebTestClient.ResponseSpec response = body == null ? request.exchange()
                : request.contentType(MediaType.APPLICATION_JSON).bodyValue(JSON.writeValueAsBytes(body)).exchange();
        var result = response.expectStatus().isEqualTo(status).expectBody(byte[].class).returnResult();
        String requestId = result.getResponseHeaders().getFirst("X-Request-Id");
        assertThat(requestId).isNotBlank();
        String text = result.getResponseBody() == null ? "" : new String(result.getResponseBody(), java.nio.charset.StandardCharsets.UTF_8);
        Map<String, Object> json = text.startsWith("{") ? JSON.readValue(text, MAP) : Map.of();
        Exchange exchange = new Exchange(requestId, text, json);
        run.add(exchange);
        return exchange;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> asList(Object json) {
        return (List<Object>) json;
    }
}
