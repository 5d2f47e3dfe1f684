package dev.dawg.events;

import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.dawg.auth.CurrentUser;

/**
 * Something that happened to a project that live sessions should see. Features build these with the
 * factory methods and hand them to {@link ProjectEventPublisher}; the realtime hub gives each an {@code eventId} and
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
    /** Never sent to clients: tells every node to re-check its subscribers' access to the project now. */
    public static final String ACCESS_CHANGED = "project:access-changed";

    /** Who caused the event. */
    public record Actor(UUID id, String username) {

        public static Actor of(CurrentUser user) {
            return new Actor(user.id(), user.username());
        }
    }

    /**
     * {@code data} of {@code project:updated}: the new version and, for a PATCH, the patch that made it. The patch
     * is left out when it is absent, or when the event would be too large to fan out (clients then reload).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ProjectUpdated(int version, Object patch, String patchType) {
    }

    public static ProjectEvent projectUpdated(UUID projectId, UUID ownerId, Actor actor, int version, Object patch, String patchType) {
        return new ProjectEvent(PROJECT_UPDATED, projectId, ownerId, actor, new ProjectUpdated(version, patch, patchType), false);
    }

    public static ProjectEvent commentAdded(UUID projectId, UUID ownerId, Actor actor, Object comment) {
        return new ProjectEvent(COMMENT_ADDED, projectId, ownerId, actor, comment, false);
    }

    public static ProjectEvent likeAdded(UUID projectId, UUID ownerId, Actor actor, long likeCount) {
        return new ProjectEvent(LIKE_ADDED, projectId, ownerId, actor, Map.of("likeCount", likeCount), false);
    }

    public static ProjectEvent projectShared(UUID projectId, UUID ownerId, Actor actor, String accessLevel) {
        return new ProjectEvent(PROJECT_SHARED, projectId, ownerId, actor, Map.of("accessLevel", accessLevel), true);
    }

    /** To the original's owner: someone remixed their project into {@code remixId}. */
    public static ProjectEvent projectRemixed(UUID projectId, UUID ownerId, Actor actor, UUID remixId, long remixCount) {
        return new ProjectEvent(PROJECT_REMIXED, projectId, ownerId, actor,
                Map.of("remixId", remixId, "remixCount", remixCount), true);
    }

    /**
     * Who may read the project has changed (visibility changed, a share link revoked or expired early): live
     * sessions re-check their access before they receive anything more, and those who lost it are told so
     * ({@code error} {@code NOT_FOUND}). Without this signal they are re-checked within
     * {@code DAWG_REALTIME_ACCESS_RECHECK} anyway.
     */
    public static ProjectEvent accessChanged(UUID projectId, UUID ownerId) {
        return new ProjectEvent(ACCESS_CHANGED, projectId, ownerId, null, null, false);
    }

    /** The same event with other {@code data}; the publisher uses it to drop a patch too large to fan out. */
    public ProjectEvent withData(Object otherData) {
        return new ProjectEvent(type, projectId, ownerId, actor, otherData, ownerOnly);
    }
}
