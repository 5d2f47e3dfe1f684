package dev.dawg.platform.web;

import java.util.UUID;
import java.util.regex.Pattern;

import reactor.core.publisher.Mono;

/** Path ids: anything that is not a UUID names no resource, so it is a 404, not a 400 or a 500. */
public final class Ids {

    private static final Pattern UUID_TEXT = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private Ids() {
    }

    public static Mono<UUID> parse(String value, String what) {
        return value != null && UUID_TEXT.matcher(value).matches() ? Mono.just(UUID.fromString(value))
                : Mono.error(ApiProblem.notFound(what + " not found"));
    }
}
