package dev.dawg.auth;

import java.util.LinkedHashMap;
import java.util.Map;

import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.stereotype.Component;

import dev.dawg.platform.web.ApiProblem;
import dev.dawg.users.Role;
import dev.dawg.users.UserAccount;
import dev.dawg.users.UserAccounts;

/** The signed-in user's own account as every API shows it to them (never the password hash). */
@Component
public class AccountView {

    private final UserAccounts accounts;
    private final JsonMapper json;

    AccountView(UserAccounts accounts, JsonMapper json) {
        this.accounts = accounts;
        this.json = json;
    }

    /** The caller's account as it is now; 401 when it no longer exists. */
    public Mono<Map<String, Object>> current(CurrentUser user) {
        return accounts.findById(user.id())
                .switchIfEmpty(Mono.error(() -> ApiProblem.unauthorized("The account no longer exists")))
                .map(this::of);
    }

    public Map<String, Object> of(UserAccount account) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", account.id());
        view.put("email", account.email());
        view.put("username", account.username());
        view.put("displayName", account.displayName());
        view.put("bio", account.bio());
        view.put("avatarUrl", account.avatarUrl());
        JsonNode settings = json.readTree(account.settingsJson());
        view.put("settings", settings instanceof ObjectNode ? settings : json.createObjectNode());
        view.put("roles", account.roles().stream().map(Role::name).sorted().toList());
        view.put("createdAt", account.createdAt());
        view.put("updatedAt", account.updatedAt());
        return view;
    }
}
