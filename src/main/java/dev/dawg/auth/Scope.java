package dev.dawg.auth;

import java.util.Arrays;
import java.util.Optional;

/** A permission an API key can carry; signed-in users (JWT) hold them all. */
public enum Scope {
    PROJECTS_READ("projects:read"),
    PROJECTS_WRITE("projects:write"),
    ASSETS_READ("assets:read"),
    ASSETS_WRITE("assets:write"),
    SOCIAL_WRITE("social:write");

    private final String value;

    Scope(String value) {
        this.value = value;
    }

    public String value() {
        return value;
    }

    public static Optional<Scope> parse(String value) {
        return Arrays.stream(values()).filter(scope -> scope.value.equals(value)).findFirst();
    }
}
