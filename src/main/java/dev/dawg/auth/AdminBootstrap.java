package dev.dawg.auth;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

import dev.dawg.platform.config.DawgProperties;
import dev.dawg.platform.web.ApiProblem;
import dev.dawg.users.UserAccount;
import dev.dawg.users.UserAccounts;
import reactor.core.publisher.Mono;

/**
 * Makes sure the account named by DAWG_ADMIN_EMAIL exists and holds the ADMIN role, so a fresh installation
 * has someone who may manage the system sample library. An existing account is promoted, never overwritten:
 * its password stays the one its owner chose.
 */
@Component
class AdminBootstrap implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(AdminBootstrap.class);

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
                .flatMap(found -> found.map(this::promote).orElseGet(() -> create(email)));
    }

    private Mono<Void> promote(UserAccount existing) {
        if (existing.roles().contains(Role.ADMIN)) {
            return Mono.empty();
        }
        return accounts.setRoles(existing.id(), EnumSet.of(Role.USER, Role.ADMIN))
                .doOnSuccess(done -> log.info("Granted ADMIN to the existing account {}", existing.email()));
    }

    private Mono<Void> create(String email) {
        String password = auth.adminPassword();
        if (password.length() < PasswordHasher.MIN_LENGTH || password.length() > PasswordHasher.MAX_LENGTH) {
            return Mono.error(new IllegalStateException("DAWG_ADMIN_EMAIL is set but no account exists for it: set "
                    + "DAWG_ADMIN_PASSWORD (" + PasswordHasher.MIN_LENGTH + " to " + PasswordHasher.MAX_LENGTH
                    + " characters) so the administrator account can be created"));
        }
        String username = "admin";
        return passwords.hash(password)
                .flatMap(hash -> accounts.create(email.toLowerCase(Locale.ROOT), username, "Administrator", hash,
                        EnumSet.of(Role.USER, Role.ADMIN)))
                .doOnNext(created -> log.info("Created the administrator account {} (username '{}')", email, username))
                .then()
                // Another node starting at the same moment created it first: promote that one instead.
                .onErrorResume(ex -> ex instanceof ApiProblem problem && problem.status().value() == 409,
                        ex -> accounts.findByLogin(email).flatMap(this::promote));
    }
}
