package dev.dawg.auth;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.context.ApplicationContext;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.handler.SimpleUrlHandlerMapping;
import org.springframework.web.reactive.socket.WebSocketHandler;

import dev.dawg.platform.web.OpenRoute;
import dev.dawg.platform.web.RouteTable;

/**
 * The route → scope table: every registered route with the {@link RouteAccess} its router declared next to its
 * path. Read at start-up, which fails on a route without a declaration (so no route can be added without saying
 * what an API key needs for it), by the API documentation test (every route documented, with its scopes) and by
 * the test that calls every route with a key of each scope.
 *
 * <p>WebSocket endpoints take no API key (the handshake authenticates {@code ?token=} itself, and a connection
 * without one is anonymous), so they are {@link RouteAccess.Kind#ANY_CALLER}.
 */
@Component
public class RouteScopes implements SmartInitializingSingleton {

    /** One route as registered: {@code GET /api/projects/{id}}. */
    public record Route(String method, String path, RouteAccess access) {

        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    private static final RouteAccess ANY_CALLER = new RouteAccess(RouteAccess.Kind.ANY_CALLER, Set.of());
    private static final RouteAccess WEBSOCKET = ANY_CALLER;

    private final ApplicationContext context;
    private volatile List<Route> routes;

    RouteScopes(ApplicationContext context) {
        this.context = context;
    }

    @Override
    public void afterSingletonsInstantiated() {
        routes = collect(context);
    }

    /** Every route of the running application, in the order its routers were registered. */
    public List<Route> routes() {
        return routes != null ? routes : collect(context);
    }

    static List<Route> collect(ApplicationContext context) {
        List<Route> found = new ArrayList<>();
        context.getBeanProvider(RouterFunction.class).orderedStream().forEach(router -> found.addAll(of(router)));
        context.getBeansOfType(SimpleUrlHandlerMapping.class).values()
                .forEach(mapping -> mapping.getHandlerMap().forEach((path, handler) -> {
                    if (handler instanceof WebSocketHandler) {
                        // Opened with a GET (the upgrade request).
                        found.add(new Route("GET", path.getPatternString(), WEBSOCKET));
                    }
                }));
        return List.copyOf(found);
    }

    /**
     * One (possibly nested) router's routes with their access. A route without a method or without a declared access is
     * an error, as is anything {@link RouteTable} cannot read, so a route can never drop out of the table unnoticed.
     */
    public static List<Route> of(RouterFunction<?> router) {
        List<Route> found = new ArrayList<>();
        for (RouteTable.Entry entry : RouteTable.of(router)) {
            if (entry.methods().isEmpty()) {
                throw new IllegalStateException("The route at " + entry.path()
                        + " names no HTTP method, so neither its scope nor its documentation can be checked: give it one");
            }
            RouteAccess access;
            if (entry.handler() instanceof RouteAccess.Guarded guarded) {
                access = guarded.access();
            }
            else if (entry.handler() instanceof OpenRoute) {
                access = ANY_CALLER;
            }
            else {
                throw new IllegalStateException("The route " + entry.methods() + " " + entry.path() + " does not declare what an "
                        + "API key needs to call it: wrap its handler in RouteAccess.anyone(scope, ...), RouteAccess.signedIn(scope, ...), "
                        + "RouteAccess.account(...) or OpenRoute.anyCaller(...) in its router");
            }
            for (String method : entry.methods()) {
                found.add(new Route(method, entry.path(), access));
            }
        }
        return found;
    }
}
