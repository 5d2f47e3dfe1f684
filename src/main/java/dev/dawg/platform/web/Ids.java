package dev.dawg.platform.web;

import java.util.UUID;

import reactor.core.publisher.Mono;

/** Path ids: anything that is not a UUID names no resource, so it is a 404, not a 400 or a 500. */
public final class Ids {

    private Ids() {
    }

    public static Mono<UUID> parse(String value, String what) {
        return isUuid(value) ? Mono.just(UUID.fromString(value)) : Mono.error(ApiProblem.notFound(what + " not found"));
    }

    /** {@code 8-4-4-4-12} hexadecimal digits, checked without a regular expression (it ran on every request with an id). */
    static boolean isUuid(String value) {
        if (value == null || value.length() != 36) {
            return false;
        }
        for (int i = 0; i < 36; i++) {
            char c = value.charAt(i);
            boolean valid = i == 8 || i == 13 || i == 18 || i == 23 ? c == '-'
                    : c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
            if (!valid) {
                return false;
            }
        }
        return true;
    }
}
