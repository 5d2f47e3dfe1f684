package dev.dawg.events;

import java.util.Optional;
import java.util.UUID;

/**
 * Something a user did that another user is told about: {@code actorId} liked, commented on or remixed
 * {@code recipientId}'s project, or followed them. Built with the factory methods and handed to
 * {@link ActivityNotifier} once the action is stored.
 *
 * @param projectId the project it happened on; null for a follow
 * @param commentId the comment written, for a comment
 * @param answeredCommentId the comment it answers, for a reply (null otherwise): the notifier need not look it up
 */
public record Activity(Type type, UUID actorId, UUID recipientId, UUID projectId, UUID commentId, UUID answeredCommentId) {

    /** The kinds of activity, as the API names them. */
    public enum Type {
        LIKE("like"), COMMENT("comment"), REPLY("reply"), REMIX("remix"), FOLLOW("follow");

        private final String value;

        Type(String value) {
            this.value = value;
        }

        public String value() {
            return value;
        }

        public static Optional<Type> parse(String value) {
            for (Type type : values()) {
                if (type.value.equals(value)) {
                    return Optional.of(type);
                }
            }
            return Optional.empty();
        }
    }

    public static Activity liked(UUID actorId, UUID ownerId, UUID projectId) {
        return new Activity(Type.LIKE, actorId, ownerId, projectId, null, null);
    }

    /**
     * A comment on the owner's project. When it answers another comment ({@code answeredCommentId}), the notifier
     * also tells that comment's author (a {@code reply}); the caller need not know who that is.
     */
    public static Activity commented(UUID actorId, UUID ownerId, UUID projectId, UUID commentId, UUID answeredCommentId) {
        return new Activity(Type.COMMENT, actorId, ownerId, projectId, commentId, answeredCommentId);
    }

    /** {@code actorId} remixed the owner's project {@code projectId} (the original, not the private remix). */
    public static Activity remixed(UUID actorId, UUID ownerId, UUID projectId) {
        return new Activity(Type.REMIX, actorId, ownerId, projectId, null, null);
    }

    public static Activity followed(UUID followerId, UUID followedId) {
        return new Activity(Type.FOLLOW, followerId, followedId, null, null, null);
    }
}
