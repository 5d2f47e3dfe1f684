package dev.dawg.auth;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

import dev.dawg.platform.config.DawgProperties;
import dev.dawg.platform.web.ApiProblem;
import dev.dawg.users.UserAccount;
import dev.dawg.users.UserAccounts;
import dev.dawg.users.Role;
import reactor.core.publisher.Mono;

/**
 * Makes sure the account named by DAWG_ADMIN_EMAIL exists and holds the ADMIN role, so a fresh installation
 * has someone who may manage the system sample library. Only an account it creates itself is made administrator:
 * an existing account without the role may have been registered by anyone who guessed the address, so the node
 * refuses to start and says why (the operator picks another address or grants the role knowingly), rather than
 * start with an administrator it cannot vouch for or, silently, with none.
 */
@Component
class AdminBootstrap implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(AdminBootstrap.class);
    private static final String USERNAME = "admin";

    private final DawgProperties.Auth auth;
    private final UserAccounts accounts;
    private final PasswordHasher passwords;

    AdminBootstrap(DawgProperties properties, UserAccounts accounts, PasswordHasher passwords) {
        this.auth = properties.auth();
        this.accounts = accounts;
        this.passwords = passwords;
    }

    @Override
    public void run(ApplicationArguments args) {
        String email = auth.adminEmail().trim();
        if (email.isEmpty()) {
            return;
        }
        // Runs once on the main thread during start-up, never on an event loop.
        ensureAdmin(email).block(Duration.ofSeconds(30));
    }

    Mono<Void> ensureAdmin(String email) {
        return accounts.findByLogin(email)
                .map(Optional::of)
                .defaultIfEmpty(Optional.empty())
                .flatMap(found -> found.map(existing -> alreadyAdmin(email, existing)).orElseGet(() -> create(email, USERNAME)));
    }

    private Mono<Void> alreadyAdmin(String email, UserAccount existing) {
        if (existing.roles().contains(Role.ADMIN)) {
            return Mono.empty();
        }
        return Mono.error(new IllegalStateException("DAWG_ADMIN_EMAIL is " + email + ", but an account with this email already "
                + "exists (username '" + existing.username() + "') and is not an administrator. Anyone may have registered it, "
                + "so it is not promoted. Set DAWG_ADMIN_EMAIL to an address no account uses (the account is then created), "
                + "or, if this account is known to be yours, grant it the role in the database: "
                + "UPDATE users SET roles = ARRAY['USER','ADMIN'] WHERE id = '" + existing.id() + "'"));
    }

    private Mono<Void> create(String email, String username) {
        String password = auth.adminPassword();
        if (password.length() < PasswordHasher.MIN_LENGTH || password.length() > PasswordHasher.MAX_LENGTH) {
            return Mono.error(new IllegalStateException("DAWG_ADMIN_EMAIL is set but no account exists for it: set "
                    + "DAWG_ADMIN_PASSWORD (" + PasswordHasher.MIN_LENGTH + " to " + PasswordHasher.MAX_LENGTH
                    + " characters) so the administrator account can be created"));
        }
        return passwords.hash(password)
                .flatMap(hash -> accounts.create(email.toLowerCase(Locale.ROOT), username, "Administrator", hash,
                        EnumSet.of(Role.USER, Role.ADMIN)))
                .doOnNext(created -> log.info("Created the administrator account {} (username '{}')", email, created.username()))
                .then()
                .onErrorResume(ex -> ex instanceof ApiProblem problem && problem.status().value() == 409, ex -> {
                    if ("username".equals(((ApiProblem) ex).properties().get("field")) && USERNAME.equals(username)) {
                        // Someone holds the username: the administrator takes another, it needs no particular name.
                        return create(email, USERNAME + "_" + UUID.randomUUID().toString().substring(0, 8));
                    }
                    // Another node starting at the same moment created it first (or someone registered the email).
                    return accounts.findByLogin(email).flatMap(existing -> alreadyAdmin(email, existing));
                });
    }
}
