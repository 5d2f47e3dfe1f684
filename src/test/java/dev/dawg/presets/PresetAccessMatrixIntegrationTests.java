package dev.dawg.presets;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.dawg.support.Api;
import dev.dawg.support.Api.User;
import dev.dawg.support.IntegrationTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The access matrix of the preset routes: owner, another user, an administrator and an anonymous caller × a private
 * and a public preset × every operation, each answering exactly as the one access rule says (a private preset exists
 * for its owner only: 404 for anyone else, an administrator's removal aside; 403 only where the caller can see it).
 */
@IntegrationTest
class PresetAccessMatrixIntegrationTests {

    enum Caller { OWNER, OTHER, ADMIN, ANONYMOUS }

    @Autowired
    Api api;
    @Autowired
    DatabaseClient db;

    record Cell(Caller caller, boolean isPublic) {

        boolean signedIn() {
            return caller != Caller.ANONYMOUS;
        }

        boolean readable() {
            return caller == Caller.OWNER || isPublic;
        }

        @Override
        public String toString() {
            return caller + " × " + (isPublic ? "public" : "private");
        }
    }

    /** Signed in first (401), then 404 when the caller cannot see it, then {@code allowed} or 403. */
    static int write(Cell cell, boolean allowed, int success) {
        if (!cell.signedIn()) {
            return 401;
        }
        if (!cell.readable()) {
            return 404;
        }
        return allowed ? success : 403;
    }

    @Test
    void shouldAnswerEveryCallerAndVisibilityExactlyAsTheAccessRuleSays() {
        PresetFixtures presets = new PresetFixtures(api, db);
        User owner = api.signUp();
        Map<Caller, User> users = new LinkedHashMap<>();
        users.put(Caller.OWNER, owner);
        users.put(Caller.OTHER, api.signUp());
        users.put(Caller.ADMIN, api.admin());
        users.put(Caller.ANONYMOUS, null);

        // In order: the deletion comes last, on the cell's own preset.
        Map<String, Function<Cell, Integer>> expected = new LinkedHashMap<>();
        Map<String, BiFunction<User, UUID, WebTestClient.ResponseSpec>> actual = new LinkedHashMap<>();
        expected.put("GET", cell -> cell.readable() ? 200 : 404);
        actual.put("GET", presets::get);
        expected.put("GET list", cell -> 200);
        actual.put("GET list", (user, id) -> presets.list(user, "ownerId=" + owner.id()));
        expected.put("PATCH", cell -> write(cell, cell.caller() == Caller.OWNER, 200));
        actual.put("PATCH", (user, id) -> presets.patch(user, id, Map.of("description", "changed")));
        expected.put("POST downloads", cell -> cell.signedIn() ? cell.readable() ? 200 : 404 : 401);
        actual.put("POST downloads", presets::download);
        expected.put("PUT rating", cell -> write(cell, cell.caller() != Caller.OWNER, 200));
        actual.put("PUT rating", (user, id) -> presets.rate(user, id, Map.of("rating", 4)));
        expected.put("DELETE rating", cell -> write(cell, cell.caller() != Caller.OWNER, 200));
        actual.put("DELETE rating", presets::unrate);
        expected.put("PUT featured", cell -> cell.caller() == Caller.ADMIN ? cell.isPublic() ? 200 : 409 : write(cell, false, 0));
        actual.put("PUT featured", presets::feature);
        expected.put("DELETE featured", cell -> cell.caller() == Caller.ADMIN ? 200 : write(cell, false, 0));
        actual.put("DELETE featured", presets::unfeature);
        expected.put("DELETE", cell -> cell.caller() == Caller.ADMIN ? 204 : write(cell, cell.caller() == Caller.OWNER, 204));
        actual.put("DELETE", presets::delete);

        List<String> mismatches = new ArrayList<>();
        int checked = 0;
        for (Caller caller : Caller.values()) {
            for (boolean isPublic : new boolean[] { false, true }) {
                Cell cell = new Cell(caller, isPublic);
                UUID id = presets.preset(owner, isPublic);
                for (String operation : expected.keySet()) {
                    int want = expected.get(operation).apply(cell);
                    int got = actual.get(operation).apply(users.get(caller), id).returnResult(String.class).getStatus().value();
                    checked++;
                    if (want != got) {
                        mismatches.add(cell + " × " + operation + ": expected " + want + ", got " + got);
                    }
                }
                boolean deleted = caller == Caller.OWNER || caller == Caller.ADMIN;
                int status = presets.get(owner, id).returnResult(String.class).getStatus().value();
                if (status != (deleted ? 404 : 200)) {
                    mismatches.add(cell + ": afterwards the owner reads " + status);
                }
                if (!deleted) {
                    // Nothing anyone else did changed it.
                    presets.get(owner, id).expectBody().jsonPath("$.description").isEqualTo("")
                            .jsonPath("$.ratingCount").isEqualTo(0);
                }
            }
        }
        assertThat(mismatches).as("cells answering otherwise than the access rule").isEmpty();
        assertThat(checked).isEqualTo(4 * 2 * expected.size());
    }
}
