package dev.dawg.support;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import org.springframework.boot.test.context.TestComponent;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The test vocabulary: calls the API the way a DAW client would and reads like the scenario. Features add
 * their verbs here ({@code signUp}, {@code createProject}, ...) so tests never repeat request plumbing.
 */
@TestComponent
public class Api {

    public static final String PASSWORD = "correct horse battery";
    private static final AtomicLong SEQUENCE = new AtomicLong();
    private static final AtomicInteger NEXT_LOOPBACK_HOST = new AtomicInteger(10);

    private final WebTestClient http;
    private final org.springframework.core.env.Environment environment;

    Api(WebTestClient http, org.springframework.core.env.Environment environment) {
        this.http = http;
        this.environment = environment;
    }

    /** The vocabulary against an application a test started by itself rather than through the test context. */
    public static Api against(ConfigurableApplicationContext application) {
        org.springframework.core.env.Environment environment = application.getEnvironment();
        WebTestClient http = WebTestClient.bindToServer()
                .baseUrl("http://127.0.0.1:" + environment.getRequiredProperty("local.server.port"))
                .responseTimeout(Duration.ofSeconds(30))
                .build();
        return new Api(http, environment);
    }

    /** The port the server under test listens on (for WebSocket clients). */
    public int port() {
        return Integer.parseInt(environment.getRequiredProperty("local.server.port"));
    }

    public WebTestClient http() {
        return http;
    }

    /**
     * The same vocabulary, spoken from a loopback address no other caller of this test run uses (127.0.0.0/8 is
     * all loopback on Linux), so limits counted per client address start afresh.
     */
    public Api fromAnotherAddress() {
        int host = NEXT_LOOPBACK_HOST.getAndIncrement();
        if (host > 254) {
            throw new IllegalStateException("Out of loopback addresses for this test run");
        }
        String address = "127.0.0." + host;
        // Unpooled: a pooled connection opened from another address could be handed back.
        HttpClient client = HttpClient.create(ConnectionProvider.newConnection())
                .bindAddress(() -> new InetSocketAddress(address, 0));
        WebTestClient bound = WebTestClient.bindToServer(new ReactorClientHttpConnector(client))
                .baseUrl("http://127.0.0.1:" + port())
                .responseTimeout(Duration.ofSeconds(30))
                .build();
        return new Api(bound, environment);
    }

    /** A signed-in user of this test run, with tokens as the server issued them. */
    public record User(UUID id, String username, String email, String password, String accessToken, String refreshToken) {

        public String bearer() {
            return "Bearer " + accessToken;
        }
    }

    /** A fresh, unique username (3–30 characters) for this test run. */
    public static String uniqueName(String stem) {
        String suffix = Long.toString(System.nanoTime() % 1_000_000_000L, 36) + SEQUENCE.incrementAndGet();
        String name = stem + "_" + suffix;
        return name.length() > 30 ? name.substring(0, 30) : name;
    }

    public User signUp() {
        return signUp(uniqueName("user"));
    }

    public User signUp(String username) {
        Map<String, Object> session = http.post().uri("/api/auth/register").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("email", username + "@example.test", "username", username, "password", PASSWORD))
                .exchange()
                .expectStatus().isCreated()
                .expectBody(MAP).returnResult().getResponseBody();
        return toUser(session, PASSWORD);
    }

    /** The administrator bootstrapped from dawg.auth.admin-email (see the test configuration). */
    public User admin() {
        return login("admin@example.test", "admin password for tests");
    }

    public User login(String login, String password) {
        Map<String, Object> session = http.post().uri("/api/auth/login").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("login", login, "password", password))
                .exchange()
                .expectStatus().isOk()
                .expectBody(MAP).returnResult().getResponseBody();
        return toUser(session, password);
    }

    /** Creates an API key for {@code user} and returns its secret. */
    public String createApiKey(User user, List<String> scopes) {
        Map<String, Object> created = http.post().uri("/api/auth/api-keys").header(HttpHeaders.AUTHORIZATION, user.bearer())
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", "bot", "scopes", scopes))
                .exchange()
                .expectStatus().isCreated()
                .expectBody(MAP).returnResult().getResponseBody();
        return (String) created.get("key");
    }

    // Projects

    /** Creates a project owned by {@code owner} from the given fields (title defaults) and returns it as answered. */
    public Map<String, Object> createProject(User owner, Map<String, Object> fields) {
        Map<String, Object> body = new java.util.LinkedHashMap<>(fields);
        body.putIfAbsent("title", "Song " + SEQUENCE.incrementAndGet());
        return http.post().uri("/api/projects").header(HttpHeaders.AUTHORIZATION, owner.bearer())
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange()
                .expectStatus().isCreated()
                .expectHeader().valueEquals(HttpHeaders.ETAG, "\"1\"")
                .expectBody(MAP).returnResult().getResponseBody();
    }

    public Map<String, Object> createProject(User owner) {
        return createProject(owner, Map.of());
    }

    /** A GET of the project as {@code caller} (null for anonymous); the spec is left for the test to check. */
    public WebTestClient.ResponseSpec getProject(User caller, Object projectId) {
        WebTestClient.RequestHeadersSpec<?> request = http.get().uri("/api/projects/{id}", projectId);
        if (caller != null) {
            request = request.header(HttpHeaders.AUTHORIZATION, caller.bearer());
        }
        return request.exchange();
    }

    /** A PUT of the whole project based on {@code version}. */
    public WebTestClient.ResponseSpec putProject(User caller, Object projectId, int version, Map<String, Object> body) {
        WebTestClient.RequestBodySpec request = http.put().uri("/api/projects/{id}", projectId)
                .header(HttpHeaders.IF_MATCH, "\"" + version + "\"");
        if (caller != null) {
            request = request.header(HttpHeaders.AUTHORIZATION, caller.bearer());
        }
        return request.contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }

    @SuppressWarnings("unchecked")
    private static User toUser(Map<String, Object> session, String password) {
        Map<String, Object> user = (Map<String, Object>) session.get("user");
        return new User(UUID.fromString((String) user.get("id")), (String) user.get("username"), (String) user.get("email"),
                password, (String) session.get("accessToken"), (String) session.get("refreshToken"));
    }

    @SuppressWarnings({ "unchecked", "rawtypes" })
    public static final Class<Map<String, Object>> MAP = (Class) Map.class;

    /** Asserts the one error shape and returns the problem body for further checks. */
    public static Map<String, Object> assertProblem(WebTestClient.ResponseSpec response, int status, String code) {
        Map<String, Object> body = response.expectStatus().isEqualTo(status)
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectHeader().exists("X-Request-Id")
                .expectBody(MAP).returnResult().getResponseBody();
        assertThat(body).isNotNull();
        assertThat(body).containsEntry("status", status).containsEntry("code", code)
                .containsKeys("type", "title", "detail", "instance", "requestId");
        assertThat(body.toString()).doesNotContain("Exception", "at dev.dawg", "SELECT ", "/work/");
        return body;
    }
}
