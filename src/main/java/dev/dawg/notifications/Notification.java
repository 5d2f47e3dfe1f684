package dev.dawg.notifications;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A notification as its recipient sees it: a group of one type of activity on one project (none for a follow), with
 * how many distinct people did it and the latest of them. {@code project} is null when the recipient can no
 * longer read the project (made private, deleted): a notification never shows what the access rule would not.
 */
public record Notification(UUID id, String type, boolean read, Instant readAt, int actorCount, List<Actor> actors,
        ProjectRef project, UUID commentId, String summary, Instant createdAt,
        Instant updatedAt) {

    /** Actors shown with a notification, latest first. */
    static final int SHOWN_ACTORS = 3;

    /** Someone who did it. */
    public record Actor(UUID id, String username, String displayName, String avatarUrl) {
    }

    /** The project it is about, as far as the recipient may read it. */
    public record ProjectRef(UUID id, String title) {
    }

    /** "Ada and 499 others liked “Night drive”", in the words of a notification list. */
    static String summary(String type, int actorCount, List<Actor> actors, ProjectRef project) {
        String who = actors.isEmpty() ? "Someone" : name(actors.get(0));
        int others = actorCount - 1;
        if (others == 1) {
            who += " and 1 other";
        }
        else if (others > 1) {
            who += " and " + others + " others";
        }
        String what = project == null ? "a project" : "“" + project.title() + "”";
        return who + switch (type) {
            case "like" -> " liked " + what;
            case "comment" -> " commented on " + what;
            case "reply" -> " replied to your comment on " + what;
            case "remix" -> " remixed " + what;
            case "follow" -> " followed you";
            default -> " did something";
        };
    }

    private static String name(Actor actor) {
        return actor.displayName() != null && !actor.displayName().isBlank() ? actor.displayName() : actor.username();
    }
}
