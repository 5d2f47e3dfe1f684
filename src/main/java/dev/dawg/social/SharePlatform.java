package dev.dawg.social;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

import dev.dawg.platform.web.ApiProblem;

/** Where a project was shared to, from the bounded set the share counts keep; written in the API as {@code copy_link}. */
public enum SharePlatform {

    COPY_LINK, TWITTER, FACEBOOK, REDDIT, WHATSAPP, EMAIL;

    private static final String NAMES = Arrays.stream(values()).map(SharePlatform::wire).collect(Collectors.joining(", "));

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The platform named {@code value}; anything else is a 400 on {@code field}. */
    public static SharePlatform of(String value, String field) {
        for (SharePlatform platform : values()) {
            if (platform.wire().equals(value)) {
                return platform;
            }
        }
        throw ApiProblem.validation(field, "must be one of " + NAMES);
    }
}
