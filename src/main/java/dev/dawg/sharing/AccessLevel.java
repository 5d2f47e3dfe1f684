package dev.dawg.sharing;

import java.util.Locale;
import java.util.Optional;

/** What a caller may do with a project, each level including the ones before it. */
public enum AccessLevel {
    /** Read the project, its history, comments and assets; like, comment and play it. */
    VIEW,
    /** Also make one's own copy (a remix). */
    REMIX,
    /** Also write it (PUT/PATCH, upload assets), under the same optimistic-locking rules as the owner. */
    EDIT,
    /** Everything, including delete, visibility, sharing and restoring versions. */
    OWNER;

    public boolean includes(AccessLevel other) {
        return compareTo(other) >= 0;
    }

    /** The wire name of a share link's level ({@code view}, {@code remix}, {@code edit}). */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** A share link's level from its wire name; {@code owner} is never a share level. */
    public static Optional<AccessLevel> ofShareLevel(String value) {
        return switch (value == null ? "" : value) {
            case "view" -> Optional.of(VIEW);
            case "remix" -> Optional.of(REMIX);
            case "edit" -> Optional.of(EDIT);
            default -> Optional.empty();
        };
    }
}
