package dev.dawg.social.follows;

import java.util.UUID;
import java.util.regex.Pattern;

import reactor.core.publisher.Mono;

import org.springframework.stereotype.Component;

import dev.dawg.platform.web.ApiProblem;
import dev.dawg.users.UserAccount;
import dev.dawg.users.UserAccounts;

/**
 * The user a {@code /api/users/{id or username}} path names. A username is at most 30 characters, a UUID 36 with
 * hyphens, so the two never collide; an unknown user is a 404.
 */
@Component
public class UserPaths {

    private static final Pattern UUID_TEXT = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private final UserAccounts accounts;

    UserPaths(UserAccounts accounts) {
        this.accounts = accounts;
    }

    public Mono<UserAccount> resolve(String idOrUsername) {
        Mono<UserAccount> found = UUID_TEXT.matcher(idOrUsername).matches() ? accounts.findById(UUID.fromString(idOrUsername))
                : accounts.findByUsername(idOrUsername);
        return found.switchIfEmpty(Mono.error(() -> ApiProblem.notFound("User not found")));
    }
}
