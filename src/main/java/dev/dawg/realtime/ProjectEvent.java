package dev.dawg.realtime;

import java.util.UUID;

/**
 * Something that happened to a project that live sessions should see. Features build these with the
 * factory methods and hand them to {@link ProjectEvents}; the realtime hub gives each an {@code eventId} and
 * an {@code at} when it publishes it.
 *
 * @param ownerId the project's owner, who also receives the event without subscribing
 * @param data the event's {@code data} member as the contract defines it for {@code type}
 * @param ownerOnly delivered to the owner's sessions only, not to the project's subscribers
 */
public record ProjectEvent(String type, UUID projectId, UUID ownerId, Actor actor, Object data, boolean ownerOnly) {

    public static final String PROJECT_UPDATED = "project:updated";
    public static final String COMMENT_ADDED = "comment:added";
    public static final String LIKE_ADDED = "like:added";
    public static final String PROJECT_SHARED = "project:shared";
    public static final String PROJECT_REMIXED = "project:remixed";

    /** Who caused the event. */
    public record Actor(UUID id, String username) {
    }

    /** {@code data} of {@code project:updated}: the new version and, for a PATCH, the patch that made it. */
    public record ProjectUpdated(int version, Object patch, String patchType) {
    }

    public static ProjectEvent projectUpdated(UUID projectId, UUID ownerId, Actor actor, int version, Object patch, String patchType) {
        return new ProjectEvent(PROJECT_UPDATED, projectId, ownerId, actor, new ProjectUpdated(version, patch, patchType), false);
    }

    public static ProjectEvent commentAdded(UUID projectId, UUID ownerId, Actor actor, Object comment) {
        return new ProjectEvent(COMMENT_ADDED, projectId, ownerId, actor, comment, false);
    }

    public static ProjectEvent likeAdded(UUID projectId, UUID ownerId, Actor actor, long likeCount) {
        return new ProjectEvent(LIKE_ADDED, projectId, ownerId, actor, java.util.Map.of("likeCount", likeCount), false);
    }

    public static ProjectEvent projectShared(UUID projectId, UUID ownerId, Actor actor, String accessLevel) {
        return new ProjectEvent(PROJECT_SHARED, projectId, ownerId, actor, java.util.Map.of("accessLevel", accessLevel), true);
    }

    /** To the original's owner: someone remixed their project into {@code remixId}. */
    public static ProjectEvent projectRemixed(UUID projectId, UUID ownerId, Actor actor, UUID remixId, long remixCount) {
        return new ProjectEvent(PROJECT_REMIXED, projectId, ownerId, actor,
                java.util.Map.of("remixId", remixId, "remixCount", remixCount), true);
    }
}
