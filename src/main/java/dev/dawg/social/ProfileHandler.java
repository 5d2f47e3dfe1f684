package dev.dawg.social;

import java.time.Instant;
import java.util.UUID;

import reactor.core.publisher.Mono;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

import dev.dawg.platform.web.ApiProblem;
import dev.dawg.platform.web.Pages;
import dev.dawg.users.UserAccounts;
import dev.dawg.users.UserAccount;

import static dev.dawg.platform.web.OpenRoute.anyCaller;

/** Public profiles and user search: only what anyone may see (never an email). */
@Configuration(proxyBeanMethods = false)
class ProfileHandler {

    /** A profile as anyone sees it. */
    record PublicProfile(UUID id, String username, String displayName, String bio, String avatarUrl, Instant createdAt,
            long publicProjectCount) {
    }

    private final UserAccounts accounts;
    private final DatabaseClient db;

    ProfileHandler(UserAccounts accounts, DatabaseClient db) {
        this.accounts = accounts;
        this.db = db;
    }

    @Bean
    RouterFunction<ServerResponse> userRouter() {
        return RouterFunctions.route()
                .GET("/api/users/{username}", anyCaller(this::profile))
                .GET("/api/search/users", anyCaller(this::search))
                .build();
    }

    Mono<ServerResponse> profile(ServerRequest request) {
        return accounts.findByUsername(request.pathVariable("username"))
                .switchIfEmpty(Mono.error(() -> ApiProblem.notFound("User not found")))
                .flatMap(account -> db.sql("SELECT count(*) AS n FROM projects WHERE owner_id = :id AND visibility = 'public' AND deleted_at IS NULL")
                        .bind("id", account.id())
                        .map(row -> row.get("n", Long.class))
                        .one()
                        .map(count -> toProfile(account, count)))
                .flatMap(profile -> ServerResponse.ok().bodyValue(profile));
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
