package dev.dawg.notifications;

import java.util.Optional;
import java.util.Set;

import org.springframework.stereotype.Component;

import dev.dawg.auth.CurrentUser;
import dev.dawg.platform.web.ApiProblem;
import dev.dawg.sharing.ProjectAccess;
import dev.dawg.sharing.Visibility;

/**
 * Turns stored notifications into what their recipient sees, asking the one access rule whether the recipient
 * may still read the project: if not (made private, deleted), the notification shows neither the project nor the
 * comment on it. A notification carries no share link, so a project the recipient reads only through one is not
 * shown either.
 */
@Component
class NotificationViews {

    private final ProjectAccess access;

    NotificationViews(ProjectAccess access) {
        this.access = access;
    }

    Notification view(Notifications.Stored stored) {
        boolean readable = stored.projectId() != null && mayRead(stored);
        Notification.ProjectRef project = readable ? new Notification.ProjectRef(stored.projectId(), stored.projectTitle()) : null;
        return new Notification(stored.id(), stored.type(), stored.readAt() != null, stored.readAt(), stored.actorCount(),
                stored.actors(), project, readable ? stored.commentId() : null,
                Notification.summary(stored.type(), stored.actorCount(), stored.actors(), project), stored.createdAt(),
                stored.updatedAt());
    }

    private boolean mayRead(Notifications.Stored stored) {
        if (stored.projectDeleted() || stored.projectOwnerId() == null) {
            return false;
        }
        // The recipient as a reader: the rule looks only at who they are, not at how they signed in.
        CurrentUser recipient = CurrentUser.fromAccessToken(stored.recipientId(), null, Set.of());
        try {
            access.decide(Optional.of(recipient), stored.projectId(), stored.projectOwnerId(),
                    Visibility.parse(stored.projectVisibility()).orElseThrow(), null);
            return true;
        }
        catch (ApiProblem refused) {
            return false;
        }
    }
}
