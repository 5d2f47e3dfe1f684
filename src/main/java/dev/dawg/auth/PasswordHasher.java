package dev.dawg.auth;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;
import org.springframework.stereotype.Component;

/**
 * Argon2id at OWASP's minimum (19 MiB, 2 passes, 1 lane). Each hash costs ~150 ms of CPU, so it runs on its own
 * scheduler sized to the cores, never on an event loop; checking against an unknown account still costs one
 * hash, so response time does not tell whether an account exists.
 */
@Component
class PasswordHasher implements DisposableBean {

    static final int MIN_LENGTH = 10;
    static final int MAX_LENGTH = 128;

    private final Argon2PasswordEncoder encoder = new Argon2PasswordEncoder(16, 32, 1, 19 * 1024, 2);
    private final Scheduler scheduler = Schedulers.newBoundedElastic(Runtime.getRuntime().availableProcessors(),
            10_000, "password-hashing");
    // Made once, starting at start-up on the hashing scheduler (not holding up start-up, where the cold JIT makes it
    // take seconds), so the first unknown-account login costs one hash like every other, not two.
    private final Mono<String> decoyHash = Mono.fromCallable(() -> encoder.encode("decoy-password-for-unknown-accounts"))
            .subscribeOn(scheduler)
            .cache();

    PasswordHasher() {
        decoyHash.subscribe();
    }

    Mono<String> hash(String password) {
        return Mono.fromCallable(() -> encoder.encode(password)).subscribeOn(scheduler);
    }

    /** Verifies against the stored hash, or against a decoy when there is no account (same cost, always false). */
    Mono<Boolean> matches(String password, String storedHash) {
        if (storedHash == null) {
            return decoyHash.flatMap(decoy -> Mono.fromCallable(() -> {
                encoder.matches(password, decoy); // the same cost as a real check; the answer is no whatever it says
                return false;
            }).subscribeOn(scheduler));
        }
        return Mono.fromCallable(() -> encoder.matches(password, storedHash)).subscribeOn(scheduler);
    }

    @Override
    public void destroy() {
        scheduler.dispose();
    }
}
