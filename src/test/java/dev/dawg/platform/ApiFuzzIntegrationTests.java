package dev.dawg.platform;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;

import dev.dawg.support.Api;
import dev.dawg.support.Api.User;
import dev.dawg.support.IntegrationTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad-input fuzzing driven by the OpenAPI document: for every documented route and method, seeded-random
 * malformed requests (bodies, content types, path ids, query values, headers, credentials). Whatever comes in,
 * the answer is never a 5xx, every 4xx is problem+json with {@code code} and {@code requestId}, and no body
 * carries a stack trace, a Java class name, SQL or a file path.
 *
 * <p>The default seed is fixed so that CI is repeatable; explore others with {@code -Dfuzz.seed=<seed>} (any run
 * prints its seed) and make a run longer with {@code -Dfuzz.cases=<n>}. Seeds 1-5 at 12,000 cases pass.
 */
@IntegrationTest
@ExtendWith(OutputCaptureExtension.class)
class ApiFuzzIntegrationTests {

    static final long SEED = Long.getLong("fuzz.seed", 20261202L);
    static final int CASES = Integer.getInteger("fuzz.cases", 6000);
    static final int CONCURRENCY = 6;

    /** Inputs an attacker or a broken client sends; stripped from answers before the leak check (echoes are fine). */
    static final List<String> HOSTILE = List.of("' OR '1'='1", "1; DROP TABLE projects;--", "SELECT * FROM users",
            "\" UNION SELECT password_hash FROM users --", "../../../../etc/passwd", "..%2F..%2Fetc%2Fpasswd",
            "C:\\Windows\\win.ini", "/work/secret", "${jndi:ldap://x/a}", "{{7*7}}", "<script>alert(1)</script>",
            "%00", "\u0000", "null", "undefined", "NaN", "-1", "0", "9999999999999999999999", "1e400", "true", "[]", "{}",
            "\uD83C\uDFB9\uD83C\uDFB8", "\u202Eevil", "Ω≈ç√∫", "\uFFFF", "java.lang.Object", "dev.dawg.Exception",
            "%", "%%", "%zz", "a b", ";", "*", "\\", "\"", "'", " ", "", "\t", "+", "&", "=", "#");

    static final List<String> CONTENT_TYPES = List.of("application/json", "application/merge-patch+json",
            "application/json-patch+json", "text/plain", "application/xml", "multipart/form-data; boundary=xyz",
            "multipart/form-data", "application/x-www-form-urlencoded", "application/json; charset=utf-16",
            "application/json; charset=bogus", "a/b/c;;", "*/*", "application/*", "application/problem+json",
            "audio/wav", "application/octet-stream", ";", "json");

    /** What must never appear in an answer (after removing what the request itself said). */
    static final Pattern LEAK = Pattern.compile(String.join("|",
            "\\bat [a-z][\\w$]*(\\.[\\w$]+)+\\(", // a stack frame
            "\\b(java|javax|jakarta|sun|jdk|org\\.springframework|org\\.postgresql|io\\.r2dbc|io\\.netty|io\\.lettuce|"
                    + "io\\.minio|reactor\\.core|reactor\\.netty|tools\\.jackson|com\\.fasterxml|com\\.nimbusds|dev\\.dawg)\\.[a-z]\\w*",
            "[A-Za-z]+(Exception|Error)\\b(?!s)",
            "(?i)\\bselect\\s+[\\w*,\\s]+\\s+from\\s", "(?i)\\binsert\\s+into\\s", "(?i)\\bdelete\\s+from\\s",
            "(?i)\\bupdate\\s+\\w+\\s+set\\s", "SQLSTATE", "(?i)syntax error at", "(?i)violates .* constraint",
            "(?i)relation \"", "(?i)\\bpsql|r2dbc:", "/work/", "/home/", "/tmp/", "/usr/", "/root/", "\\.java:\\d+",
            "[A-Z]:\\\\\\w"));

    @Autowired
    Api api;

    @Autowired
    JsonMapper json;

    @Value("${local.server.port}")
    int port;

    @Test
    void shouldAnswerEveryMalformedRequestWithACleanProblemAndNever5xx(CapturedOutput output) throws Exception {
        Fixtures fixtures = Fixtures.create(api);
        List<Operation> operations = Operation.all(loadDocument());
        assertThat(operations).hasSizeGreaterThan(30);
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();

        Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        Map<String, AtomicInteger> perOperation = new ConcurrentHashMap<>();
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger sent = new AtomicInteger();
        long started = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(CONCURRENCY);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < CASES; i++) {
                int index = i;
                running.add(pool.submit(() -> {
                    Random random = new Random(SEED * 31 + index);
                    Operation operation = operations.get(index % operations.size());
                    FuzzCase fuzz = new CaseMaker(random, fixtures, json).make(operation);
                    String verdict = exchange(client, fuzz, statuses);
                    sent.incrementAndGet();
                    perOperation.computeIfAbsent(operation.key(), k -> new AtomicInteger()).incrementAndGet();
                    if (verdict != null) {
                        failures.add("case " + index + " (seed " + SEED + "): " + fuzz.describe() + "\n    -> " + verdict);
                    }
                }));
            }
            for (Future<?> future : running) {
                future.get(3, TimeUnit.MINUTES);
            }
        }
        finally {
            pool.shutdownNow();
        }
        long seconds = (System.nanoTime() - started) / 1_000_000_000L;
        System.out.printf("API fuzz: seed %d, %d cases over %d operations in %d s; statuses %s; 5xx %d; failures %d%n",
                SEED, sent.get(), operations.size(), seconds, new TreeMap<>(statuses),
                statuses.entrySet().stream().filter(e -> e.getKey() >= 500).mapToInt(e -> e.getValue().get()).sum(),
                failures.size());
        failures.stream().limit(25).forEach(failure -> System.out.println("  " + failure));

        assertThat(sent.get()).isEqualTo(CASES);
        assertThat(perOperation.keySet()).hasSize(operations.size());
        assertThat(failures).as("fuzz cases answered wrongly (seed %d, first shown)", SEED).isEmpty();
        // The fuzzer reaches deep code too: real ids must have produced successes, not only refusals.
        assertThat(statuses.keySet()).contains(200, 400, 401, 404);
        // Fail-open paths (rate limiter, plays, events) swallow errors: a blocking call must not hide behind them.
        assertThat(output.getAll()).doesNotContain("BlockingOperationError", "Unexpected failure on");
    }

    /** Sends one case; null when the answer is acceptable, else what is wrong with it. */
    private String exchange(HttpClient client, FuzzCase fuzz, Map<Integer, AtomicInteger> statuses) {
        HttpRequest request;
        try {
            HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + fuzz.target()))
                    .timeout(Duration.ofSeconds(30))
                    .method(fuzz.method(), fuzz.body() == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(fuzz.body()));
            fuzz.headers().forEach(builder::header);
            request = builder.build();
        }
        catch (IllegalArgumentException unsendable) {
            // The HTTP client itself refuses such a request (e.g. an invalid header); nothing reaches the server.
            statuses.computeIfAbsent(-1, k -> new AtomicInteger()).incrementAndGet();
            return null;
        }
        HttpResponse<byte[]> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        }
        catch (IOException ex) {
            return "no answer: " + ex;
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
        int status = response.statusCode();
        statuses.computeIfAbsent(status, k -> new AtomicInteger()).incrementAndGet();
        String text = new String(response.body(), StandardCharsets.UTF_8);
        if (status >= 500) {
            return status + " " + abbreviate(text);
        }
        if (response.headers().firstValue("X-Request-Id").isEmpty()) {
            return status + " without X-Request-Id";
        }
        if (status >= 400 && !"HEAD".equals(fuzz.method())) {
            String type = response.headers().firstValue(HttpHeaders.CONTENT_TYPE).orElse("");
            if (!type.startsWith(MediaType.APPLICATION_PROBLEM_JSON_VALUE)) {
                return status + " with Content-Type '" + type + "': " + abbreviate(text);
            }
            try {
                JsonNode problem = json.readTree(text);
                if (!problem.path("code").isString() || problem.path("code").stringValue().isBlank()
                        || !problem.path("requestId").isString() || problem.path("requestId").stringValue().isBlank()
                        || problem.path("status").asInt() != status) {
                    return status + " problem without code/requestId/status: " + abbreviate(text);
                }
            }
            catch (RuntimeException ex) {
                return status + " problem body is not JSON: " + abbreviate(text);
            }
        }
        String leak = leakIn(text, fuzz);
        return leak == null ? null : status + " leaks '" + leak + "': " + abbreviate(text);
    }

    static String leakIn(String body, FuzzCase fuzz) {
        String cleaned = body;
        for (String echo : fuzz.echoes()) {
            if (echo.length() > 1) {
                cleaned = cleaned.replace(echo, " ").replace(jsonEscaped(echo), " ");
            }
        }
        for (String hostile : HOSTILE) {
            if (hostile.length() > 1) {
                cleaned = cleaned.replace(hostile, " ").replace(jsonEscaped(hostile), " ");
            }
        }
        var matcher = LEAK.matcher(cleaned);
        return matcher.find() ? matcher.group() : null;
    }

    private static String jsonEscaped(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    private static String abbreviate(String text) {
        return text.length() > 400 ? text.substring(0, 400) + "…" : text;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> loadDocument() {
        try (InputStream in = new ClassPathResource("openapi/dawg-api.yaml").getInputStream()) {
            return new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /** Two users with real projects, versions, share links, comments and API keys, so ids can be real. */
    record Fixtures(User owner, User other, String ownerApiKey, Map<String, List<String>> ownIds,
            Map<String, List<String>> othersIds) {

        @SuppressWarnings("unchecked")
        static Fixtures create(Api api) {
            User owner = api.signUp(Api.uniqueName("fuzz_owner"));
            User other = api.signUp(Api.uniqueName("fuzz_other"));
            Map<String, List<String>> own = new LinkedHashMap<>();
            Map<String, List<String>> others = new LinkedHashMap<>();
            for (var entry : List.of(Map.entry(owner, own), Map.entry(other, others))) {
                User user = entry.getKey();
                Map<String, List<String>> ids = entry.getValue();
                String privateId = (String) api.createProject(user, Map.of("title", "Private song",
                        "projectData", Map.of("tracks", List.of(Map.of("name", "Drums"))))).get("id");
                String publicId = (String) api.createProject(user, Map.of("title", "Public song", "visibility", "public")).get("id");
                api.putProject(user, privateId, 1, Map.of("title", "Private song v2", "projectData", Map.of())).expectStatus().isOk();
                ids.put("project", List.of(privateId, publicId));
                Map<String, Object> share = api.http().post().uri("/api/projects/{id}/shares", privateId)
                        .header(HttpHeaders.AUTHORIZATION, user.bearer()).contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(Map.of("accessLevel", "edit")).exchange().expectStatus().isCreated()
                        .expectBody(Api.MAP).returnResult().getResponseBody();
                ids.put("share", List.of((String) share.get("token")));
                Map<String, Object> comment = api.http().post().uri("/api/projects/{id}/comments", publicId)
                        .header(HttpHeaders.AUTHORIZATION, user.bearer()).contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(Map.of("text", "nice groove")).exchange().expectStatus().isCreated()
                        .expectBody(Api.MAP).returnResult().getResponseBody();
                ids.put("comment", List.of((String) comment.get("id")));
                Map<String, Object> key = api.http().post().uri("/api/auth/api-keys")
                        .header(HttpHeaders.AUTHORIZATION, user.bearer()).contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(Map.of("name", "fuzz", "scopes", List.of("projects:read", "projects:write")))
                        .exchange().expectStatus().isCreated().expectBody(Api.MAP).returnResult().getResponseBody();
                ids.put("apiKey", List.of((String) key.get("id")));
                ids.put("apiKeySecret", List.of((String) key.get("key")));
                ids.put("username", List.of(user.username()));
                ids.put("version", List.of("1", "2"));
            }
            return new Fixtures(owner, other, own.get("apiKeySecret").get(0), own, others);
        }
    }

    /** A documented method on a documented path, with its parameters and request body schema. */
    record Operation(String method, String path, List<Map<String, Object>> parameters, Map<String, Object> bodySchema,
            List<String> bodyTypes, Map<String, Object> document) {

        String key() {
            return method + " " + path;
        }

        @SuppressWarnings("unchecked")
        static List<Operation> all(Map<String, Object> document) {
            List<Operation> operations = new ArrayList<>();
            Map<String, Map<String, Object>> paths = (Map<String, Map<String, Object>>) document.get("paths");
            paths.forEach((path, item) -> {
                List<Map<String, Object>> shared = (List<Map<String, Object>>) item.getOrDefault("parameters", List.of());
                item.forEach((method, value) -> {
                    if (!Set.of("get", "post", "put", "patch", "delete").contains(method)) {
                        return;
                    }
                    Map<String, Object> operation = (Map<String, Object>) value;
                    List<Map<String, Object>> parameters = new ArrayList<>();
                    for (Map<String, Object> parameter : shared) {
                        parameters.add(resolve(document, parameter));
                    }
                    for (Map<String, Object> parameter : (List<Map<String, Object>>) operation.getOrDefault("parameters", List.of())) {
                        parameters.add(resolve(document, parameter));
                    }
                    Map<String, Object> schema = null;
                    List<String> types = new ArrayList<>();
                    Map<String, Object> body = (Map<String, Object>) operation.get("requestBody");
                    if (body != null) {
                        Map<String, Map<String, Object>> content = (Map<String, Map<String, Object>>) body.get("content");
                        types.addAll(content.keySet());
                        schema = (Map<String, Object>) content.values().iterator().next().get("schema");
                    }
                    operations.add(new Operation(method.toUpperCase(), path, parameters, schema, types, document));
                });
            });
            return operations;
        }

        @SuppressWarnings("unchecked")
        static Map<String, Object> resolve(Map<String, Object> document, Map<String, Object> node) {
            Object ref = node == null ? null : node.get("$ref");
            if (!(ref instanceof String pointer)) {
                return node;
            }
            Object target = document;
            for (String part : pointer.substring(2).split("/")) {
                target = ((Map<String, Object>) target).get(part);
            }
            return resolve(document, (Map<String, Object>) target);
        }
    }

    /** One request to send, and the strings it carries (an answer may echo them). */
    record FuzzCase(String method, String target, Map<String, String> headers, byte[] body, List<String> echoes) {

        String describe() {
            String shownBody = body == null ? "" : " body=" + abbreviate(new String(body, StandardCharsets.UTF_8).replace("\n", " "));
            Map<String, String> shownHeaders = new LinkedHashMap<>();
            headers.forEach((k, v) -> shownHeaders.put(k, v.length() > 80 ? v.substring(0, 80) + "…(" + v.length() + ")" : v));
            return method + " " + abbreviate(target) + " " + shownHeaders + shownBody;
        }
    }

    /** Builds one seeded-random case for an operation. */
    static final class CaseMaker {

        private final Random random;
        private final Fixtures fixtures;
        private final JsonMapper json;
        private final List<String> echoes = new ArrayList<>();

        CaseMaker(Random random, Fixtures fixtures, JsonMapper json) {
            this.random = random;
            this.fixtures = fixtures;
            this.json = json;
        }

        @SuppressWarnings("unchecked")
        FuzzCase make(Operation operation) {
            String method = operation.method();
            if (chance(2)) {
                // Now and then a method the route does not document.
                method = pick(List.of("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD"));
            }
            StringBuilder path = new StringBuilder();
            for (String segment : operation.path().split("/")) {
                if (segment.isEmpty()) {
                    continue;
                }
                path.append('/');
                if (segment.startsWith("{")) {
                    String value = pathValue(operation.path(), segment.substring(1, segment.length() - 1), method);
                    echoes.add(value);
                    path.append(encode(value));
                }
                else {
                    path.append(segment);
                }
            }
            List<String> query = new ArrayList<>();
            for (Map<String, Object> parameter : operation.parameters()) {
                if ("query".equals(parameter.get("in")) && chance(50)) {
                    Map<String, Object> schema = Operation.resolve(operation.document(), (Map<String, Object>) parameter.get("schema"));
                    String value = chance(50) ? String.valueOf(sample(operation.document(), schema, 0)) : hostileString();
                    echoes.add(value);
                    query.add(encode((String) parameter.get("name")) + "=" + encode(value));
                }
            }
            if (chance(15)) {
                String name = pick(List.of("limit", "cursor", "sort", "q", "share", "debug", "__proto__", "id", hostileString()));
                String value = hostileString();
                echoes.add(name);
                echoes.add(value);
                query.add(encode(name) + "=" + encode(value));
            }
            if (chance(5)) {
                query.add("limit=" + pick(List.of("0", "-5", "101", "100000000000", "1.5", "abc", "")) + "&limit=3");
            }
            String target = path + (query.isEmpty() ? "" : "?" + String.join("&", query));

            Map<String, String> headers = new LinkedHashMap<>();
            credentials(headers);
            if (chance(25)) {
                headers.put(HttpHeaders.IF_MATCH, pick(List.of("\"1\"", "\"2\"", "*", "1", "\"-1\"", "\"99999999999999999999\"",
                        "W/\"1\"", "\"1\", \"2\"", "\"", "\"abc\"", "\"\"", "\"1", "garbage", "\"0\"")));
            }
            if (chance(10)) {
                headers.put(HttpHeaders.IF_NONE_MATCH, pick(List.of("\"1\"", "*", "garbage", "\"", "W/\"2\"")));
            }
            if (chance(10)) {
                headers.put(HttpHeaders.RANGE, pick(List.of("bytes=0-10", "bytes=-1", "bytes=99999999999999999999-",
                        "bytes=5-1", "bytes=0-1,2-3,4-5", "lines=1-2", "bytes=", "garbage")));
            }
            if (chance(15)) {
                String id = pick(List.of("x".repeat(3000), "a b c", "<script>", "id-" + random.nextInt(), "\t", "é".repeat(20)));
                headers.put("X-Request-Id", id);
                echoes.add(id);
            }
            if (chance(10)) {
                String token = pick(List.of(fixtures.ownIds().get("share").get(0), fixtures.othersIds().get("share").get(0),
                        "garbage", "x".repeat(500), ""));
                headers.put("X-Share-Token", token);
                echoes.add(token);
            }
            if (chance(5)) {
                headers.put(HttpHeaders.ACCEPT, pick(List.of("text/html", "application/xml", "*/*", "garbage", "application/problem+json")));
            }

            byte[] body = null;
            boolean sendsBody = operation.bodySchema() != null || chance(10);
            if (sendsBody && !"GET".equals(method) && !"HEAD".equals(method) && !"OPTIONS".equals(method) && !chance(8)) {
                body = body(operation);
                String type = chance(70) && !operation.bodyTypes().isEmpty() ? pick(operation.bodyTypes())
                        : chance(85) ? pick(CONTENT_TYPES) : null;
                if (type != null) {
                    headers.put(HttpHeaders.CONTENT_TYPE, type);
                    echoes.add(type);
                }
            }
            headers.values().forEach(echoes::add);
            return new FuzzCase(method, target, headers, body, List.copyOf(echoes));
        }

        private void credentials(Map<String, String> headers) {
            switch (random.nextInt(8)) {
                case 0, 1 -> { }
                case 2, 3, 4 -> headers.put(HttpHeaders.AUTHORIZATION, fixtures.owner().bearer());
                case 5 -> headers.put(HttpHeaders.AUTHORIZATION, pick(List.of("Bearer garbage", "Bearer ", "Basic dXNlcjpwYXNz",
                        "Bearer " + fixtures.owner().refreshToken(), "Bearer a.b.c", "Bearer " + "x".repeat(2000),
                        "bearer " + fixtures.owner().accessToken() + "x", "Token abc")));
                case 6 -> headers.put("X-API-Key", chance(60) ? fixtures.ownerApiKey() : pick(List.of("garbage", "dawg_x", "")));
                default -> headers.put(HttpHeaders.AUTHORIZATION, fixtures.other().bearer());
            }
        }

        private String pathValue(String path, String name, String method) {
            String kind = switch (name) {
                case "token" -> "share";
                case "username" -> "username";
                case "version" -> "version";
                default -> path.startsWith("/api/projects") ? "project" : path.startsWith("/api/comments") ? "comment"
                        : path.startsWith("/api/auth/api-keys") ? "apiKey" : "other";
            };
            int roll = random.nextInt(10);
            if (roll < 5) {
                List<String> own = fixtures.ownIds().getOrDefault(kind, List.of());
                List<String> others = fixtures.othersIds().getOrDefault(kind, List.of());
                // Deleting the owner's fixtures would make the rest of the run shallow: delete only the other's.
                List<String> candidates = "DELETE".equals(method) || roll >= 3 ? others : own;
                if (!candidates.isEmpty()) {
                    return pick(candidates);
                }
            }
            return switch (random.nextInt(6)) {
                case 0 -> UUID.randomUUID().toString();
                case 1 -> UUID.randomUUID().toString().toUpperCase();
                case 2 -> pick(List.of("0", "-1", "1.5", "2147483648", "99999999999999999999", "00000000-0000-0000-0000-000000000000",
                        "ffffffff-ffff-ffff-ffff-ffffffffffff", "not-a-uuid", "12345678-1234-1234-1234-1234567890123"));
                case 3 -> "x".repeat(1 + random.nextInt(1000));
                default -> hostileString();
            };
        }

        private byte[] body(Operation operation) {
            int roll = random.nextInt(100);
            if (roll < 45 && operation.bodySchema() != null) {
                Object sample = sample(operation.document(), operation.bodySchema(), 0);
                return json.writeValueAsBytes(mutate(sample, 0));
            }
            if (roll < 55 && operation.bodySchema() != null) {
                return json.writeValueAsBytes(sample(operation.document(), operation.bodySchema(), 0));
            }
            if (roll < 65) {
                return json.writeValueAsBytes(randomJson(0));
            }
            if (roll < 75) {
                String text = pick(List.of("", "{", "}", "{\"a\":", "[1,2", "nul", "{\"title\": \"x\",}", "{'title': 'x'}",
                        "{\"title\": \"x\"} trailing", "\"just a string\"", "42", "null", "[]", "{\"a\":1,\"a\":2}",
                        "{\"bpm\": 1e400}", "{\"bpm\": -0}", "{\"bpm\": NaN}", "{\"title\": \"\\ud800\"}", "{\"title\": \"\\u0000\"}",
                        "{\"title\": 12345678901234567890123456789}", "<xml/>", "title=x&bpm=1", "\u0000\u0001\u0002"));
                echoes.add(text);
                return text.getBytes(StandardCharsets.UTF_8);
            }
            if (roll < 82) {
                byte[] bytes = new byte[random.nextInt(2048)];
                random.nextBytes(bytes);
                return bytes;
            }
            if (roll < 88) {
                int depth = 50 + random.nextInt(3000);
                return ("[".repeat(depth) + "]".repeat(depth)).getBytes(StandardCharsets.UTF_8);
            }
            if (roll < 94) {
                // Large, under the body limit: a big string and many members.
                Map<String, Object> big = new LinkedHashMap<>();
                big.put("title", "t".repeat(100_000 + random.nextInt(200_000)));
                for (int i = 0; i < 2000; i++) {
                    big.put("k" + i, i);
                }
                return json.writeValueAsBytes(big);
            }
            if (roll < 95) {
                // Over the default 12 MB body limit.
                byte[] huge = new byte[13 * 1024 * 1024];
                java.util.Arrays.fill(huge, (byte) ' ');
                huge[0] = '{';
                huge[huge.length - 1] = '}';
                return huge;
            }
            Map<String, Object> jsonPatch = new LinkedHashMap<>();
            jsonPatch.put("op", pick(List.of("add", "remove", "replace", "move", "copy", "test", "bogus")));
            jsonPatch.put("path", pick(List.of("/title", "/version", "/ownerId", "/likeCount", "/projectData/tracks/0",
                    "/projectData/-", "", "/", "~2", "/a~", "/projectData/tracks/99999999999999")));
            if (chance(70)) {
                jsonPatch.put("value", randomJson(1));
            }
            if (chance(30)) {
                jsonPatch.put("from", pick(List.of("/title", "/projectData", "/", "x")));
            }
            return json.writeValueAsBytes(chance(80) ? List.of(jsonPatch) : jsonPatch);
        }

        /** A value that fits the schema (roughly: enums, bounds and required members respected). */
        @SuppressWarnings("unchecked")
        Object sample(Map<String, Object> document, Map<String, Object> rawSchema, int depth) {
            Map<String, Object> schema = Operation.resolve(document, rawSchema);
            if (schema == null) {
                return null;
            }
            if (schema.get("allOf") instanceof List<?> parts) {
                Map<String, Object> merged = new LinkedHashMap<>();
                for (Object part : parts) {
                    Object value = sample(document, (Map<String, Object>) part, depth);
                    if (value instanceof Map<?, ?> map) {
                        merged.putAll((Map<String, Object>) map);
                    }
                }
                return merged;
            }
            if (schema.get("enum") instanceof List<?> values) {
                return pick(values);
            }
            Object type = schema.get("type");
            String kind = type instanceof List<?> kinds ? (String) kinds.get(0) : (String) type;
            if (kind == null) {
                kind = schema.containsKey("properties") ? "object" : "string";
            }
            return switch (kind) {
                case "object" -> {
                    Map<String, Object> value = new LinkedHashMap<>();
                    Map<String, Object> properties = (Map<String, Object>) schema.getOrDefault("properties", Map.of());
                    List<String> required = (List<String>) schema.getOrDefault("required", List.of());
                    if (depth < 4) {
                        properties.forEach((name, propertySchema) -> {
                            if (required.contains(name) || chance(50)) {
                                value.put(name, sample(document, (Map<String, Object>) propertySchema, depth + 1));
                            }
                        });
                    }
                    yield value;
                }
                case "array" -> {
                    List<Object> items = new ArrayList<>();
                    int count = random.nextInt(3) + ((Number) schema.getOrDefault("minItems", 0)).intValue();
                    for (int i = 0; i < count && depth < 4; i++) {
                        items.add(sample(document, (Map<String, Object>) schema.getOrDefault("items", Map.of()), depth + 1));
                    }
                    yield items;
                }
                case "integer" -> {
                    int min = ((Number) schema.getOrDefault("minimum", 1)).intValue();
                    int max = ((Number) schema.getOrDefault("maximum", min + 200)).intValue();
                    yield min + random.nextInt(Math.max(1, max - min + 1));
                }
                case "number" -> random.nextDouble() * 100;
                case "boolean" -> random.nextBoolean();
                default -> {
                    String format = (String) schema.get("format");
                    if ("uuid".equals(format)) {
                        yield chance(50) ? fixtures.ownIds().get("project").get(0) : UUID.randomUUID().toString();
                    }
                    if ("date-time".equals(format)) {
                        yield pick(List.of("2999-01-01T00:00:00Z", "2001-01-01T00:00:00Z", "tomorrow", "2999-13-45T99:99:99Z"));
                    }
                    if ("email".equals(format)) {
                        yield "fuzz" + random.nextInt(1_000_000) + "@example.test";
                    }
                    int min = ((Number) schema.getOrDefault("minLength", 1)).intValue();
                    int max = ((Number) schema.getOrDefault("maxLength", Math.max(min, 30))).intValue();
                    yield randomText(min + random.nextInt(Math.max(1, Math.min(max, min + 40) - min + 1)));
                }
            };
        }

        /** The same value with one thing wrong: a wrong type, a read-only or unknown member, a bound crossed. */
        @SuppressWarnings("unchecked")
        Object mutate(Object value, int depth) {
            if (value instanceof Map<?, ?> map && !map.isEmpty() && chance(70) && depth < 3) {
                Map<String, Object> copy = new LinkedHashMap<>((Map<String, Object>) map);
                List<String> names = new ArrayList<>(copy.keySet());
                String name = pick(names);
                switch (random.nextInt(6)) {
                    case 0 -> copy.remove(name);
                    case 1 -> copy.put(name, mutate(copy.get(name), depth + 1));
                    case 2 -> copy.put(pick(List.of("ownerId", "version", "id", "likeCount", "commentCount", "playCount",
                            "remixCount", "role", "roles", "createdAt", "passwordHash", "__proto__", "constructor")), randomScalar());
                    case 3 -> copy.put(name, randomJson(0));
                    case 4 -> copy.put(hostileString(), randomScalar());
                    default -> copy.put(name, null);
                }
                return copy;
            }
            if (value instanceof Map<?, ?> map && map.isEmpty()) {
                return Map.of(pick(List.of("x", "ownerId", "version", "title")), randomScalar());
            }
            return switch (random.nextInt(6)) {
                case 0 -> randomScalar();
                case 1 -> value instanceof String text ? text.repeat(200) : "x".repeat(5000);
                case 2 -> List.of(value == null ? "" : value, randomScalar());
                case 3 -> Map.of("nested", value == null ? "" : value);
                case 4 -> hostileString();
                default -> null;
            };
        }

        private Object randomJson(int depth) {
            return switch (depth > 3 ? random.nextInt(4) : random.nextInt(6)) {
                case 0, 1, 2, 3 -> randomScalar();
                case 4 -> {
                    List<Object> list = new ArrayList<>();
                    for (int i = random.nextInt(4); i > 0; i--) {
                        list.add(randomJson(depth + 1));
                    }
                    yield list;
                }
                default -> {
                    Map<String, Object> map = new LinkedHashMap<>();
                    for (int i = random.nextInt(4); i > 0; i--) {
                        map.put(chance(50) ? hostileString() : pick(List.of("title", "text", "accessLevel", "login", "password",
                                "email", "username", "scopes", "name", "projectData", "format", "project", "label")), randomJson(depth + 1));
                    }
                    yield map;
                }
            };
        }

        private Object randomScalar() {
            return switch (random.nextInt(9)) {
                case 0 -> random.nextInt();
                case 1 -> random.nextLong();
                case 2 -> random.nextDouble() * (random.nextBoolean() ? 1e300 : -1e-300);
                case 3 -> random.nextBoolean();
                case 4 -> new java.math.BigInteger(200, random);
                case 5 -> randomText(random.nextInt(50));
                case 6 -> "";
                default -> hostileString();
            };
        }

        private String hostileString() {
            String value = chance(75) ? pick(HOSTILE) : randomText(1 + random.nextInt(80));
            echoes.add(value);
            return value;
        }

        private String randomText(int length) {
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < length; i++) {
                int kind = random.nextInt(10);
                if (kind < 6) {
                    text.append((char) ('a' + random.nextInt(26)));
                }
                else if (kind < 8) {
                    text.append(pick(List.of(" ", "-", "_", "'", "\"", "\\", "/", "%", "\u00e9", "\u4e2d", "\uD83C\uDFB5", "\u0000", "\n")));
                }
                else {
                    text.appendCodePoint(0x20 + random.nextInt(0x2FFF));
                }
            }
            String value = text.toString();
            echoes.add(value);
            return value;
        }

        private boolean chance(int percent) {
            return random.nextInt(100) < percent;
        }

        private <T> T pick(List<T> values) {
            return values.get(random.nextInt(values.size()));
        }

        private static String encode(String value) {
            return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
        }
    }
}
