package dev.dawg.notifications;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

import dev.dawg.auth.CurrentUser;
import dev.dawg.events.Activity;
import dev.dawg.platform.web.ApiProblem;
import dev.dawg.platform.web.Ids;
import dev.dawg.platform.web.JsonBodies;
import dev.dawg.platform.web.JsonFields;
import dev.dawg.platform.web.Pages;

/** The caller's own notifications: list, unread count, mark read, delete, and which types they receive. */
@Component
class NotificationHandler {

    private static final List<String> TYPE_NAMES = Arrays.stream(Activity.Type.values()).map(Activity.Type::value).toList();

    private final Notifications notifications;
    private final NotificationViews views;
    private final JsonBodies bodies;

    NotificationHandler(Notifications notifications, NotificationViews views, JsonBodies bodies) {
        this.notifications = notifications;
        this.views = views;
        this.bodies = bodies;
    }

    /** {@code ?unread=true} keeps the unread ones, {@code ?type=} one type; latest activity first, keyset pages. */
    Mono<ServerResponse> list(ServerRequest request, CurrentUser user) {
        int limit = Pages.limit(request);
        Notifications.Filter filter = filter(request);
        List<String> cursor = Pages.cursor(request, 2);
        Instant afterUpdatedAt = cursor == null ? null : cursorPart(cursor.get(0), Instant::parse);
        UUID afterId = cursor == null ? null : cursorPart(cursor.get(1), UUID::fromString);
        return notifications.list(user.id(), filter, limit + 1, afterUpdatedAt, afterId)
                .map(views::view)
                .collectList()
                .flatMap(fetched -> ServerResponse.ok().bodyValue(Pages.keysetBody(fetched, limit,
                        last -> Pages.encodeCursor(last.updatedAt().toString(), last.id().toString()))));
    }

    private static Notifications.Filter filter(ServerRequest request) {
        String unread = request.queryParam("unread").orElse("false");
        if (!unread.equals("true") && !unread.equals("false")) {
            throw ApiProblem.validation("unread", "must be true or false");
        }
        Activity.Type type = request.queryParam("type").filter(value -> !value.isEmpty())
                .map(value -> Activity.Type.parse(value)
                        .orElseThrow(() -> ApiProblem.validation("type", "must be one of " + String.join(", ", TYPE_NAMES))))
                .orElse(null);
        return new Notifications.Filter(unread.equals("true"), type);
    }

    Mono<ServerResponse> unreadCount(ServerRequest request, CurrentUser user) {
        return notifications.unreadCount(user.id()).flatMap(count -> ServerResponse.ok().bodyValue(Map.of("count", count)));
    }

    Mono<ServerResponse> markRead(ServerRequest request, CurrentUser user) {
        return Ids.parse(request.pathVariable("id"), "Notification")
                .flatMap(id -> notifications.markRead(user.id(), id))
                .flatMap(found -> found ? ServerResponse.noContent().build() : Mono.error(notFound()));
    }

    Mono<ServerResponse> markAllRead(ServerRequest request, CurrentUser user) {
        return notifications.markAllRead(user.id()).flatMap(marked -> ServerResponse.ok().bodyValue(Map.of("marked", marked)));
    }

    /** Someone else's notification, like one that does not exist, is a 404. */
    Mono<ServerResponse> delete(ServerRequest request, CurrentUser user) {
        return Ids.parse(request.pathVariable("id"), "Notification")
                .flatMap(id -> notifications.delete(user.id(), id))
                .flatMap(deleted -> deleted ? ServerResponse.noContent().build() : Mono.error(notFound()));
    }

    Mono<ServerResponse> settings(ServerRequest request, CurrentUser user) {
        return notifications.muted(user.id()).flatMap(NotificationHandler::settingsAnswer);
    }

    /** {@code {"like": false, ...}}: each type named is received (true) or muted (false); types left out keep their setting. */
    Mono<ServerResponse> updateSettings(ServerRequest request, CurrentUser user) {
        return bodies.object(request)
                .map(NotificationHandler::readSettings)
                .flatMap(wanted -> notifications.receive(user.id(), wanted))
                .flatMap(NotificationHandler::settingsAnswer);
    }

    private static Map<Activity.Type, Boolean> readSettings(ObjectNode body) {
        JsonFields fields = JsonFields.of(body).allowOnly(Set.copyOf(TYPE_NAMES));
        Map<Activity.Type, Boolean> wanted = new LinkedHashMap<>();
        for (String name : body.propertyNames()) {
            JsonNode value = body.get(name);
            Activity.Type type = Activity.Type.parse(name).orElse(null);
            if (type == null) {
                continue;
            }
            if (!value.isBoolean()) {
                fields.reject(name, "must be true (receive) or false (muted)");
                continue;
            }
            wanted.put(type, value.booleanValue());
        }
        fields.validate();
        return wanted;
    }

    private static Mono<ServerResponse> settingsAnswer(Set<Activity.Type> muted) {
        Map<String, Boolean> settings = new LinkedHashMap<>();
        for (Activity.Type type : Activity.Type.values()) {
            settings.put(type.value(), !muted.contains(type));
        }
        return ServerResponse.ok().bodyValue(settings);
    }

    private static ApiProblem notFound() {
        return ApiProblem.notFound("Notification not found");
    }

    private static <T> T cursorPart(String value, Function<String, T> parse) {
        try {
            return parse.apply(value);
        }
        catch (DateTimeParseException | IllegalArgumentException ex) {
            throw ApiProblem.validation("cursor", "is not a cursor this list gave out");
        }
    }
}
