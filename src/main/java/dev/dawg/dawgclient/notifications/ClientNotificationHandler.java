package dev.dawg.dawgclient.notifications;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

import dev.dawg.auth.CurrentUser;
import dev.dawg.dawgclient.ClientPage;
import dev.dawg.notifications.Notification;
import dev.dawg.notifications.NotificationInbox;
import dev.dawg.platform.web.ApiProblem;
import dev.dawg.platform.web.Ids;
import dev.dawg.platform.web.JsonBodies;
import dev.dawg.platform.web.JsonFields;

/**
 * The DAWG client's notification calls, on the native inbox: its type names ({@code project_liked}, ...), its
 * {@code data} members (who did it, the project's title), {@code {success, message}} answers and its settings
 * (per kind of e-mail; here, per type received at all).
 */
@Component
class ClientNotificationHandler {

    /** Native type → the client's. */
    private static final Map<String, String> TYPES = Map.of("like", "project_liked", "comment", "project_commented", "reply",
            "comment_replied", "remix", "project_remixed", "follow", "user_followed");
    /** The client's settings → the native types they switch. */
    private static final Map<String, List<String>> SETTINGS = Map.of("emailOnLike", List.of("like"), "emailOnComment",
            List.of("comment", "reply"), "emailOnFollow", List.of("follow"), "emailOnRemix", List.of("remix"));

    private final NotificationInbox inbox;
    private final JsonBodies bodies;

    ClientNotificationHandler(NotificationInbox inbox, JsonBodies bodies) {
        this.inbox = inbox;
        this.bodies = bodies;
    }

    /** {@code ?page=&limit=&unreadOnly=&type=} → {@code {notifications, unreadCount, pagination}}. */
    Mono<ServerResponse> list(ServerRequest request, CurrentUser user) {
        ClientPage page = ClientPage.of(request);
        boolean unreadOnly = switch (request.queryParam("unreadOnly").map(String::trim).orElse("false")) {
            case "true" -> true;
            case "false", "" -> false;
            default -> throw ApiProblem.validation("unreadOnly", "must be true or false");
        };
        String type = request.queryParam("type").map(String::trim).filter(value -> !value.isEmpty())
                .map(value -> TYPES.entrySet().stream().filter(entry -> entry.getValue().equals(value)).map(Map.Entry::getKey).findFirst()
                        .orElseThrow(() -> ApiProblem.validation("type", "must be one of " + String.join(", ", TYPES.values()))))
                .orElse(null);
        return inbox.page(user.id(), unreadOnly, type, page.limit(), page.offset())
                .flatMap(found -> {
                    Map<String, Object> pagination = new LinkedHashMap<>();
                    pagination.put("page", page.page());
                    pagination.put("limit", page.limit());
                    pagination.put("total", found.total());
                    pagination.put("hasMore", page.offset() + found.items().size() < found.total());
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("notifications", found.items().stream().map(notification -> view(notification, user.id())).toList());
                    body.put("unreadCount", found.unreadCount());
                    body.put("pagination", pagination);
                    return ServerResponse.ok().bodyValue(body);
                });
    }

    Mono<ServerResponse> markRead(ServerRequest request, CurrentUser user) {
        return Ids.parse(request.pathVariable("id"), "Notification")
                .flatMap(id -> inbox.markRead(user.id(), id))
                .flatMap(found -> found ? done("Notification marked as read", null) : Mono.error(notFound()));
    }

    Mono<ServerResponse> markAllRead(ServerRequest request, CurrentUser user) {
        return inbox.markAllRead(user.id()).flatMap(count -> done("Marked " + count + " notifications as read", count));
    }

    Mono<ServerResponse> delete(ServerRequest request, CurrentUser user) {
        return Ids.parse(request.pathVariable("id"), "Notification")
                .flatMap(id -> inbox.delete(user.id(), id))
                .flatMap(found -> found ? done("Notification deleted", null) : Mono.error(notFound()));
    }

    Mono<ServerResponse> settings(ServerRequest request, CurrentUser user) {
        return inbox.received(user.id()).flatMap(received -> ServerResponse.ok().bodyValue(settingsOf(received)));
    }

    /**
     * {@code {emailOnLike?, emailOnComment?, emailOnFollow?, emailOnRemix?, pushEnabled?}}: this server sends no
     * e-mail, so each switches whether that kind of notification is made at all; {@code pushEnabled} is answered true
     * and not kept (live delivery on {@code /ws} is always on).
     */
    Mono<ServerResponse> updateSettings(ServerRequest request, CurrentUser user) {
        return bodies.object(request)
                .map(ClientNotificationHandler::wanted)
                .flatMap(wanted -> inbox.receive(user.id(), wanted))
                .flatMap(received -> {
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("success", true);
                    body.put("message", "Notification settings updated");
                    body.put("settings", settingsOf(received));
                    return ServerResponse.ok().bodyValue(body);
                });
    }

    private static Map<String, Boolean> wanted(ObjectNode body) {
        JsonFields fields = JsonFields.of(body).allowOnly(Set.of("emailOnLike", "emailOnComment", "emailOnFollow", "emailOnRemix",
                "pushEnabled"));
        Map<String, Boolean> wanted = new LinkedHashMap<>();
        for (String name : body.propertyNames()) {
            JsonNode value = body.get(name);
            if (!value.isBoolean()) {
                fields.reject(name, "must be true or false");
                continue;
            }
            SETTINGS.getOrDefault(name, List.of()).forEach(type -> wanted.put(type, value.booleanValue()));
        }
        fields.validate();
        return wanted;
    }

    private static Map<String, Object> settingsOf(Set<String> received) {
        Map<String, Object> settings = new LinkedHashMap<>();
        SETTINGS.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(setting -> settings.put(setting.getKey(), received.containsAll(setting.getValue())));
        settings.put("pushEnabled", true);
        return settings;
    }

    /** A notification as the client's list renders one: its type name and the data members of that type. */
    static Map<String, Object> view(Notification notification, UUID recipientId) {
        Notification.Actor latest = notification.actors().isEmpty() ? null : notification.actors().get(0);
        Optional<Notification.ProjectRef> project = Optional.ofNullable(notification.project());
        Map<String, Object> data = new LinkedHashMap<>();
        String by = switch (notification.type()) {
            case "like" -> "likedBy";
            case "comment" -> "commentedBy";
            case "reply" -> "repliedBy";
            case "remix" -> "remixedBy";
            default -> "follower";
        };
        if (notification.type().equals("remix")) {
            data.put("originalProjectId", project.map(Notification.ProjectRef::id).orElse(null));
            data.put("originalProjectTitle", project.map(Notification.ProjectRef::title).orElse(null));
        }
        else if (!notification.type().equals("follow")) {
            data.put("projectId", project.map(Notification.ProjectRef::id).orElse(null));
            data.put("projectTitle", project.map(Notification.ProjectRef::title).orElse(null));
        }
        if (notification.commentId() != null) {
            data.put("commentId", notification.commentId());
        }
        data.put(by + "UserId", latest == null ? null : latest.id());
        data.put(by + "Username", latest == null ? null : latest.username());
        data.put("actorCount", notification.actorCount());
        data.put("summary", notification.summary());
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", notification.id());
        view.put("userId", recipientId);
        view.put("type", TYPES.getOrDefault(notification.type(), notification.type()));
        view.put("data", data);
        view.put("isRead", notification.read());
        view.put("createdAt", notification.updatedAt());
        return view;
    }

    private static Mono<ServerResponse> done(String message, Long count) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("success", true);
        body.put("message", message);
        if (count != null) {
            body.put("count", count);
        }
        return ServerResponse.ok().bodyValue(body);
    }

    private static ApiProblem notFound() {
        return ApiProblem.notFound("Notification not found");
    }
}
