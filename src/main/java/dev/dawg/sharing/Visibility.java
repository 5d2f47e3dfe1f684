package dev.dawg.sharing;

import java.util.Locale;
import java.util.Optional;

/** Who can find and read a project without a share link. */
public enum Visibility {
    /** The owner only. */
    PRIVATE,
    /** Anyone holding the id (or link), but never listed in search, others' lists or public profiles. */
    UNLISTED,
    /** Anyone, and it is listed and searchable. */
    PUBLIC;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Visibility> parse(String value) {
        return switch (value == null ? "" : value) {
            case "private" -> Optional.of(PRIVATE);
            case "unlisted" -> Optional.of(UNLISTED);
            case "public" -> Optional.of(PUBLIC);
            default -> Optional.empty();
        };
    }
}
