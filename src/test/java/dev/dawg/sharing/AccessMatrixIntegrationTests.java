package dev.dawg.sharing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.dawg.support.Api;
import dev.dawg.support.Api.User;
import dev.dawg.support.IntegrationTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The full access matrix: owner, another user and an anonymous caller × private, unlisted and public projects ×
 * no token and view, remix, edit, expired and revoked share links, on every operation that asks the access rule,
 * each answering exactly as the contract says (404 wherever existence must not leak), remix and asset download
 * included.
 */
@IntegrationTest
public class AccessMatrixIntegrationTests {

    enum Caller { OWNER, OTHER, ANONYMOUS }

    enum Token { NONE, VIEW, REMIX, EDIT, EXPIRED, REVOKED }

    @Autowired
    Api api;
    @Autowired
    DatabaseClient db;

    SocialFixtures fixtures;

    @BeforeEach
    void setUp() {
        fixtures = new SocialFixtures(api, db);
    }

    /** One cell: the situation, and a request made in it. */
    record Cell(Caller caller, String visibility, Token token, User user, UUID projectId, String tokenValue, UUID assetId) {

        <S extends WebTestClient.RequestHeadersSpec<?>> S as(S spec) {
            if (user != null) {
                spec.header(HttpHeaders.AUTHORIZATION, user.bearer());
            }
            if (tokenValue != null) {
                spec.header(ProjectAccess.SHARE_HEADER, tokenValue);
            }
            return spec;
        }

        @Override
        public String toString() {
            return caller + " × " + visibility + " × " + token;
        }
    }

    /** What the contract says a caller who only reads gets: 200, or 404/410 when the rule refuses reading. */
    static int read(Cell cell) {
        if (cell.caller() == Caller.OWNER) {
            return 200;
        }
        if (cell.token() == Token.VIEW || cell.token() == Token.REMIX || cell.token() == Token.EDIT || !"private".equals(cell.visibility())) {
            return 200;
        }
        return cell.token() == Token.EXPIRED ? 410 : 404;
    }

    /** A social write (like, comment): signed in first (401), then reading is enough. */
    static int socialWrite(Cell cell, int success) {
        if (cell.caller() == Caller.ANONYMOUS) {
            return 401;
        }
        int read = read(cell);
        return read == 200 ? success : read;
    }

    /** Writing the project (If-Match the first version): signed in first, then edit access, 403 if merely readable. */
    static int write(Cell cell) {
        if (cell.caller() == Caller.ANONYMOUS) {
            return 401;
        }
        if (cell.caller() == Caller.OWNER || cell.token() == Token.EDIT) {
            return 200;
        }
        int read = read(cell);
        return read == 200 ? 403 : read;
    }

    /**
     * Remixing: signed in first, then a public project or a live remix/edit link (the owner has every right),
     * 403 if merely readable.
     */
    static int remix(Cell cell) {
        if (cell.caller() == Caller.ANONYMOUS) {
            return 401;
        }
        if (cell.caller() == Caller.OWNER || cell.token() == Token.REMIX || cell.token() == Token.EDIT || "public".equals(cell.visibility())) {
            return 201;
        }
        int read = read(cell);
        return read == 200 ? 403 : read;
    }

    /** Opening the link itself: whoever calls, only the link's own state counts. */
    static int openLink(Cell cell) {
        return switch (cell.token()) {
            case NONE -> -1;
            case VIEW, REMIX, EDIT -> 200;
            case EXPIRED -> 410;
            case REVOKED -> 404;
        };
    }

    @Test
    void shouldAnswerEveryCallerVisibilityAndTokenExactlyAsTheContractSays() {
        User owner = api.signUp();
        User other = api.signUp();
        Map<String, Function<Cell, Integer>> expected = new LinkedHashMap<>();
        Map<String, Function<Cell, Integer>> actual = new LinkedHashMap<>();

        expected.put("GET project", AccessMatrixIntegrationTests::read);
        actual.put("GET project", cell -> status(cell.as(api.http().get().uri("/api/projects/{id}", cell.projectId()))));
        expected.put("PUT project", AccessMatrixIntegrationTests::write);
        actual.put("PUT project", cell -> status(cell.as(api.http().put().uri("/api/projects/{id}", cell.projectId())
                .header(HttpHeaders.IF_MATCH, "\"1\"").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("title", "Rewritten", "projectData", Map.of("tracks", List.of()))))));
        expected.put("GET /api/shares/{token}", AccessMatrixIntegrationTests::openLink);
        actual.put("GET /api/shares/{token}", cell -> cell.tokenValue() == null ? -1
                : cell.as(api.http().get().uri("/api/shares/{token}", cell.tokenValue())).exchange().returnResult(String.class).getStatus().value());
        expected.put("GET comments", AccessMatrixIntegrationTests::read);
        actual.put("GET comments", cell -> status(cell.as(api.http().get().uri("/api/projects/{id}/comments", cell.projectId()))));
        expected.put("POST plays", cell -> read(cell) == 200 ? 204 : read(cell));
        actual.put("POST plays", cell -> status(cell.as(api.http().post().uri("/api/projects/{id}/plays", cell.projectId()))));
        expected.put("POST comment", cell -> socialWrite(cell, 201));
        actual.put("POST comment", cell -> status(cell.as(api.http().post().uri("/api/projects/{id}/comments", cell.projectId())
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("text", "matrix")))));
        expected.put("POST like", cell -> socialWrite(cell, 200));
        actual.put("POST like", cell -> status(cell.as(api.http().post().uri("/api/projects/{id}/like", cell.projectId()))));
        expected.put("DELETE like", cell -> socialWrite(cell, 200));
        actual.put("DELETE like", cell -> status(cell.as(api.http().delete().uri("/api/projects/{id}/like", cell.projectId()))));
        expected.put("POST remix", AccessMatrixIntegrationTests::remix);
        actual.put("POST remix", cell -> status(cell.as(api.http().post().uri("/api/projects/{id}/remix", cell.projectId()))));
        expected.put("GET asset content", AccessMatrixIntegrationTests::read);
        actual.put("GET asset content", cell -> status(cell.as(api.http().get().uri("/api/assets/{id}/content", cell.assetId()))));
        // A project's preview (issue 17) is heard and changed under the project's rule, whatever the audio's own place.
        expected.put("GET preview", AccessMatrixIntegrationTests::read);
        actual.put("GET preview", cell -> status(cell.as(api.http().get().uri("/api/projects/{id}/preview", cell.projectId()))));
        expected.put("GET preview content", AccessMatrixIntegrationTests::read);
        actual.put("GET preview content", cell -> status(cell.as(api.http().get().uri("/api/projects/{id}/preview/content", cell.projectId()))));
        expected.put("PUT preview", AccessMatrixIntegrationTests::write);
        actual.put("PUT preview", cell -> status(cell.as(api.http().put().uri("/api/projects/{id}/preview", cell.projectId())
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("assetId", cell.assetId().toString())))));
        // Starting a resumable upload into the project (issue 19) writes it: edit access, as a presigned upload does.
        expected.put("POST multipart upload", cell -> write(cell) == 200 ? 201 : write(cell));
        actual.put("POST multipart upload", cell -> status(cell.as(api.http().post().uri("/api/projects/{id}/assets/multipart-uploads", cell.projectId())
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("filename", "take.wav", "sizeBytes", 1000, "contentType", "audio/wav")))));
        // Processing is off in this suite: where the asset is readable its outputs are 409 NOT_PROCESSED, else the same refusal.
        expected.put("GET asset peaks", cell -> read(cell) == 200 ? 409 : read(cell));
        actual.put("GET asset peaks", cell -> status(cell.as(api.http().get().uri("/api/assets/{id}/peaks", cell.assetId()))));
        expected.put("GET asset preview", cell -> read(cell) == 200 ? 409 : read(cell));
        actual.put("GET asset preview", cell -> status(cell.as(api.http().get().uri("/api/assets/{id}/preview", cell.assetId()))));
        expected.put("POST shares", cell -> cell.caller() == Caller.ANONYMOUS ? 401 : cell.caller() == Caller.OWNER ? 201
                : read(cell) == 200 ? 403 : read(cell));
        actual.put("POST shares", cell -> status(cell.as(api.http().post().uri("/api/projects/{id}/shares", cell.projectId())
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("accessLevel", "view")))));

        // Lists of public projects (issue 18): a project is listed (200 here) only when public, whatever link the caller
        // holds; 404 here means "not listed". The other user follows the owner; nobody follows themselves.
        api.http().put().uri("/api/users/{id}/follow", owner.id()).header(HttpHeaders.AUTHORIZATION, other.bearer()).exchange().expectStatus().isOk();
        expected.put("listed in the owner's public projects", cell -> "public".equals(cell.visibility()) ? 200 : 404);
        actual.put("listed in the owner's public projects", cell -> listed(cell, cell.as(api.http().get().uri("/api/users/{id}/projects?limit=100", owner.id()))));
        expected.put("listed in the following feed", cell -> cell.caller() == Caller.ANONYMOUS ? 401
                : cell.caller() == Caller.OTHER && "public".equals(cell.visibility()) ? 200 : 404);
        actual.put("listed in the following feed", cell -> listed(cell, cell.as(api.http().get().uri("/api/feed?following=true&limit=100"))));

        List<String> mismatches = new ArrayList<>();
        int checked = 0;
        for (Caller caller : Caller.values()) {
            for (String visibility : List.of("private", "unlisted", "public")) {
                for (Token token : Token.values()) {
                    UUID projectId = fixtures.project(owner, visibility);
                    UUID assetId = fixtures.asset(owner, projectId);
                    api.http().put().uri("/api/projects/{id}/preview", projectId).header(HttpHeaders.AUTHORIZATION, owner.bearer())
                            .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("assetId", assetId.toString()))
                            .exchange().expectStatus().isOk();
                    String tokenValue = switch (token) {
                        case NONE -> null;
                        case VIEW, REMIX, EDIT -> (String) fixtures.share(owner, projectId, token.name().toLowerCase()).get("token");
                        case EXPIRED -> fixtures.expiredShare(owner, projectId, "edit");
                        case REVOKED -> fixtures.revokedShare(owner, projectId, "edit");
                    };
                    User user = switch (caller) {
                        case OWNER -> owner;
                        case OTHER -> other;
                        case ANONYMOUS -> null;
                    };
                    Cell cell = new Cell(caller, visibility, token, user, projectId, tokenValue, assetId);
                    for (String operation : expected.keySet()) {
                        int want = expected.get(operation).apply(cell);
                        int got = actual.get(operation).apply(cell);
                        checked++;
                        if (want != got) {
                            mismatches.add(cell + " × " + operation + ": expected " + want + ", got " + got);
                        }
                    }
                }
            }
        }
        assertThat(mismatches).as("cells answering otherwise than the contract").isEmpty();
        assertThat(checked).isEqualTo(3 * 3 * 6 * expected.size());
    }

    @Test
    void shouldAcceptTheTokenAsAQueryParameterAndNeverOpenAnotherProjectWithIt() {
        User owner = api.signUp();
        User other = api.signUp();
        UUID shared = fixtures.project(owner, "private");
        UUID notShared = fixtures.project(owner, "private");
        String token = (String) fixtures.share(owner, shared, "edit").get("token");
        api.http().get().uri("/api/projects/{id}/comments?share={t}", shared, token).exchange().expectStatus().isOk();
        api.http().post().uri("/api/projects/{id}/like?share={t}", shared, token).header(HttpHeaders.AUTHORIZATION, other.bearer())
                .exchange().expectStatus().isOk();
        Api.assertProblem(api.http().get().uri("/api/projects/{id}/comments?share={t}", notShared, token).exchange(), 404, "NOT_FOUND");
        Api.assertProblem(api.http().post().uri("/api/projects/{id}/like", notShared).header(HttpHeaders.AUTHORIZATION, other.bearer())
                .header(ProjectAccess.SHARE_HEADER, token).exchange(), 404, "NOT_FOUND");
    }

    /**
     * Notifications follow the same rule: a notification shows its project (and comment) exactly when its recipient
     * may read the project now, without a share link (a notification carries none): the owner always, someone else
     * only while it is unlisted or public, never once it is private, even holding an edit link, and nobody once it
     * is deleted.
     */
    @Test
    void shouldShowANotificationsProjectExactlyWhenItsRecipientMayReadIt() {
        List<String> mismatches = new ArrayList<>();
        for (String visibility : List.of("private", "unlisted", "public", "deleted")) {
            // Fresh users each time: each has exactly the notifications of this project.
            User owner = api.signUp();
            User other = api.signUp();
            UUID projectId = fixtures.project(owner, "public");
            // The other user comments (told to the owner), the owner answers (a reply for the other), the other likes.
            String otherComment = (String) api.http().post().uri("/api/projects/{id}/comments", projectId)
                    .header(HttpHeaders.AUTHORIZATION, other.bearer()).contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("text", "Nice"))
                    .exchange().expectStatus().isCreated().expectBody(Api.MAP).returnResult().getResponseBody().get("id");
            api.http().post().uri("/api/projects/{id}/comments", projectId).header(HttpHeaders.AUTHORIZATION, owner.bearer())
                    .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("text", "Thanks", "parentId", otherComment))
                    .exchange().expectStatus().isCreated();
            api.http().post().uri("/api/projects/{id}/like", projectId).header(HttpHeaders.AUTHORIZATION, other.bearer())
                    .exchange().expectStatus().isOk();
            fixtures.share(owner, projectId, "edit");
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(15))
                    .until(() -> notificationsOf(other).size() == 1 && notificationsOf(owner).size() == 2);
            if (visibility.equals("deleted")) {
                api.http().delete().uri("/api/projects/{id}", projectId).header(HttpHeaders.AUTHORIZATION, owner.bearer())
                        .exchange().expectStatus().isNoContent();
            }
            else {
                db.sql("UPDATE projects SET visibility = :visibility WHERE id = :id").bind("visibility", visibility).bind("id", projectId)
                        .fetch().rowsUpdated().block(java.time.Duration.ofSeconds(5));
            }
            boolean othersMayRead = !visibility.equals("private") && !visibility.equals("deleted");
            boolean ownerMayRead = !visibility.equals("deleted");
            for (Map.Entry<User, Boolean> recipient : Map.of(other, othersMayRead, owner, ownerMayRead).entrySet()) {
                for (Map<String, Object> notification : notificationsOf(recipient.getKey())) {
                    boolean shown = notification.get("project") != null;
                    if (shown != recipient.getValue() || !shown && String.valueOf(notification).contains(projectId.toString())) {
                        mismatches.add((recipient.getKey() == owner ? "owner" : "other") + " × " + visibility + ": expected the project "
                                + (recipient.getValue() ? "shown" : "hidden") + ", got " + notification);
                    }
                }
            }
        }
        assertThat(mismatches).as("notifications showing otherwise than the access rule").isEmpty();
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> notificationsOf(User recipient) {
        return (List<Map<String, Object>>) api.http().get().uri("/api/notifications")
                .header(HttpHeaders.AUTHORIZATION, recipient.bearer()).exchange().expectStatus().isOk().expectBody(Api.MAP)
                .returnResult().getResponseBody().get("items");
    }

    /** 200 when the page lists the cell's project, 404 when it does not, the status when the list itself was refused. */
    static int listed(Cell cell, WebTestClient.RequestHeadersSpec<?> spec) {
        var result = spec.exchange().expectBody(String.class).returnResult();
        if (result.getStatus().value() != 200) {
            return result.getStatus().value();
        }
        String body = result.getResponseBody();
        return body != null && body.contains(cell.projectId().toString()) ? 200 : 404;
    }

    static int status(WebTestClient.RequestHeadersSpec<?> spec) {
        return spec.exchange().returnResult(String.class).getStatus().value();
    }
}
