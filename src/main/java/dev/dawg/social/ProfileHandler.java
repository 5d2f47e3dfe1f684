package dev.dawg.social;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import reactor.core.publisher.Mono;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

import dev.dawg.auth.CurrentUser;
import dev.dawg.auth.RouteAccess;
import dev.dawg.platform.web.ApiProblem;
import dev.dawg.platform.web.Pages;
import dev.dawg.social.follows.UserPaths;
import dev.dawg.users.UserAccounts;
import dev.dawg.users.UserAccount;

import static dev.dawg.platform.web.OpenRoute.anyCaller;

/**
 * Public profiles and user search: only what anyone may see (never an email). A profile is found by id or username
 * and carries the follower, following and public project counts, and whether the caller follows the user.
 */
@Configuration(proxyBeanMethods = false)
class ProfileHandler {

    /** A profile as anyone sees it. */
    record PublicProfile(UUID id, String username, String displayName, String bio, String avatarUrl, Instant createdAt,
            long publicProjectCount) {
    }

    /**
     * Anyone, and an API key of any scope, as before follows existed; the route still hands over the caller (if any)
     * for {@code followedByMe}, which is why it is declared here rather than with OpenRoute.
     */
    private static final RouteAccess ANY_CALLER = new RouteAccess(RouteAccess.Kind.ANY_CALLER, Set.of());

    private final UserAccounts accounts;
    private final UserPaths users;
    private final DatabaseClient db;

    ProfileHandler(UserAccounts accounts, UserPaths users, DatabaseClient db) {
        this.accounts = accounts;
        this.users = users;
        this.db = db;
    }

    @Bean
    RouterFunction<ServerResponse> userRouter() {
        return RouterFunctions.route()
                .GET("/api/users/{username}", new RouteAccess.Guarded(ANY_CALLER, this::profile))
                .GET("/api/search/users", anyCaller(this::search))
                .build();
    }

    Mono<ServerResponse> profile(ServerRequest request, Optional<CurrentUser> caller) {
        return users.resolve(request.pathVariable("username"))
                .flatMap(account -> counts(account.id(), caller.map(CurrentUser::id).orElse(null))
                        .map(counts -> profileBody(account, counts)))
                .flatMap(profile -> ServerResponse.ok().bodyValue(profile));
    }

    /** What a profile counts, and whether the caller follows the user, in one statement. */
    private record ProfileCounts(long publicProjects, long followers, long following, boolean followedByMe) {
    }

    private Mono<ProfileCounts> counts(UUID userId, UUID callerId) {
        String followed = callerId == null ? "false"
                : "EXISTS (SELECT 1 FROM follows f WHERE f.follower_id = :caller AND f.followee_id = u.id)";
        DatabaseClient.GenericExecuteSpec spec = db.sql("SELECT u.follower_count, u.following_count, " + followed + " AS followed, "
                        + "(SELECT count(*) FROM projects p WHERE p.owner_id = u.id AND p.visibility = 'public' AND p.deleted_at IS NULL) AS n "
                        + "FROM users u WHERE u.id = :id")
                .bind("id", userId);
        if (callerId != null) {
            spec = spec.bind("caller", callerId);
        }
        return spec.map(row -> new ProfileCounts(row.get("n", Long.class), row.get("follower_count", Integer.class),
                row.get("following_count", Integer.class), Boolean.TRUE.equals(row.get("followed", Boolean.class)))).one();
    }

    private static Map<String, Object> profileBody(UserAccount account, ProfileCounts counts) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", account.id());
        body.put("username", account.username());
        body.put("displayName", account.displayName());
        body.put("bio", account.bio());
        body.put("avatarUrl", account.avatarUrl());
        body.put("createdAt", account.createdAt());
        body.put("publicProjectCount", counts.publicProjects());
        body.put("followerCount", counts.followers());
        body.put("followingCount", counts.following());
        body.put("followedByMe", counts.followedByMe());
        return body;
    }

    Mono<ServerResponse> search(ServerRequest request) {
        String query = request.queryParam("q").map(String::trim).orElse("");
        if (query.isEmpty() || query.length() > 100) {
            return Mono.error(ApiProblem.validation("q", "must be 1 to 100 characters"));
        }
        Pages.OffsetPage page = Pages.offsetPage(request);
        return accounts.search(query, page.limit() + 1, page.offset())
                .map(account -> toProfile(account, -1))
                .collectList()
                .flatMap(found -> ServerResponse.ok().bodyValue(page.toBody(found)));
    }

    private static PublicProfile toProfile(UserAccount account, long publicProjects) {
        return new PublicProfile(account.id(), account.username(), account.displayName(), account.bio(), account.avatarUrl(),
                account.createdAt(), publicProjects);
    }
}
