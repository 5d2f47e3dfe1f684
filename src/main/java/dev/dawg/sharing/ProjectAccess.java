package dev.dawg.sharing;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.UUID;

import io.r2dbc.spi.Readable;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

import dev.dawg.auth.CallerHandler;
import dev.dawg.auth.CurrentUser;
import dev.dawg.auth.RouteAccess;
import dev.dawg.auth.SignedInHandler;
import dev.dawg.platform.web.ApiProblem;
import dev.dawg.platform.web.Ids;

/**
 * The one access rule: what a caller may do with a project, from ownership, visibility and a share link.
 * Projects, assets, comments, likes and realtime subscriptions all ask here; none decides on its own.
 *
 * <p>Without read access the answer is 404, so a private project's existence never leaks; an expired share
 * link that is the caller's only way in is a 410. Queries that read a project anyway can join the share link
 * themselves ({@link #SHARE_JOIN}, {@link #SHARE_COLUMNS}) and call {@link #decide} to save a round trip.
 */
@Component
public class ProjectAccess {

    public static final String SHARE_HEADER = "X-Share-Token";
    public static final String SHARE_PARAM = "share";
    /** Joins the share link named by the {@code :shareToken} parameter to a query over {@code projects p}. */
    public static final String SHARE_JOIN =
            " LEFT JOIN share_links s ON s.token = :shareToken AND s.project_id = p.id AND s.revoked_at IS NULL ";
    public static final String SHARE_COLUMNS = " s.access_level AS share_level, s.expires_at AS share_expires_at ";

    private final DatabaseClient db;
    private final Clock clock;

    ProjectAccess(DatabaseClient db) {
        this.db = db;
        this.clock = Clock.systemUTC();
    }

    /** A live share link as a query found it: its level and expiry. */
    public record ShareFacts(AccessLevel level, Instant expiresAt) {

        /** The share columns of a row read with {@link #SHARE_COLUMNS}; null when no live link matched. */
        public static ShareFacts from(Readable row) {
            String level = row.get("share_level", String.class);
            if (level == null) {
                return null;
            }
            OffsetDateTime expires = row.get("share_expires_at", OffsetDateTime.class);
            return new ShareFacts(AccessLevel.ofShareLevel(level).orElseThrow(), expires == null ? null : expires.toInstant());
        }
    }

    /** What one caller may do with one project. */
    public record Grant(UUID projectId, UUID ownerId, Visibility visibility, AccessLevel level, Optional<CurrentUser> caller) {

        public boolean isOwner() {
            return level == AccessLevel.OWNER;
        }

        /** The signed-in caller; only for routes declared signed-in ({@code RouteAccess.signedIn}), 401 otherwise. */
        public CurrentUser user() {
            return caller.orElseThrow(RouteAccess::signInRequired);
        }

        public boolean allows(AccessLevel needed) {
            return level.includes(needed);
        }

        /** Fails with 403 when the caller may read the project but not do {@code needed} (existence is known). */
        public Grant require(AccessLevel needed) {
            if (!allows(needed)) {
                throw ApiProblem.forbidden(switch (needed) {
                    case OWNER -> "Only the project's owner may do this";
                    case EDIT -> "You may read this project but not change it";
                    case REMIX -> "This project may not be remixed with the access you have";
                    case VIEW -> "You may not read this project";
                });
            }
            return this;
        }
    }

    /** A handler of a route on one project, handed the caller's grant on it. */
    @FunctionalInterface
    public interface GrantHandler {

        Mono<ServerResponse> handle(ServerRequest request, Grant grant);
    }

    /**
     * For a route on {@code /…/{id}}: the caller's grant on that project, which must reach {@code needed} (404 for an
     * id naming no project the caller may read, 403 when the level is short), handed to {@code handler}. Declare the
     * route with {@code RouteAccess.anyone} for reads anonymous callers may make, or {@code signedIn} for writes.
     */
    public OnPath onPath(AccessLevel needed, GrantHandler handler) {
        return new OnPath(needed, handler);
    }

    /** {@link #onPath}: a handler for both kinds of route declaration. */
    public final class OnPath implements CallerHandler, SignedInHandler {

        private final AccessLevel needed;
        private final GrantHandler handler;

        private OnPath(AccessLevel needed, GrantHandler handler) {
            this.needed = needed;
            this.handler = handler;
        }

        @Override
        public Mono<ServerResponse> handle(ServerRequest request, Optional<CurrentUser> caller) {
            return Ids.parse(request.pathVariable("id"), "Project")
                    .flatMap(projectId -> grant(caller, projectId, shareToken(request)))
                    .flatMap(grant -> handler.handle(request, grant.require(needed)));
        }

        @Override
        public Mono<ServerResponse> handle(ServerRequest request, CurrentUser user) {
            return handle(request, Optional.of(user));
        }
    }

    public Mono<Grant> grant(Optional<CurrentUser> caller, UUID projectId, String shareToken) {
        return db.sql("SELECT p.owner_id, p.visibility, " + SHARE_COLUMNS + " FROM projects p " + SHARE_JOIN
                        + " WHERE p.id = :id AND p.deleted_at IS NULL")
                .bind("id", projectId)
                .bind("shareToken", shareToken == null ? "" : shareToken)
                .map(row -> decide(caller, projectId, row.get("owner_id", UUID.class),
                        Visibility.parse(row.get("visibility", String.class)).orElseThrow(), ShareFacts.from(row)))
                .one()
                .switchIfEmpty(Mono.error(() -> notFound()));
    }

    /**
     * The rule itself. The owner has every right; public projects may be read and remixed by anyone, unlisted
     * ones read; a live share link adds its level. Writing still needs a signed-in caller, which the handlers
     * of writes ask for first (an anonymous holder of an edit link gets 401, not a write).
     */
    public Grant decide(Optional<CurrentUser> caller, UUID projectId, UUID ownerId, Visibility visibility, ShareFacts share) {
        if (caller.isPresent() && caller.get().id().equals(ownerId)) {
            return new Grant(projectId, ownerId, visibility, AccessLevel.OWNER, caller);
        }
        AccessLevel level = switch (visibility) {
            case PUBLIC -> AccessLevel.REMIX;
            case UNLISTED -> AccessLevel.VIEW;
            case PRIVATE -> null;
        };
        boolean shareExpired = share != null && share.expiresAt() != null && !share.expiresAt().isAfter(clock.instant());
        if (share != null && !shareExpired && (level == null || share.level().includes(level))) {
            level = share.level();
        }
        if (level == null) {
            throw shareExpired ? ApiProblem.gone("This share link has expired") : notFound();
        }
        return new Grant(projectId, ownerId, visibility, level, caller);
    }

    /** The share token a request carries, in the {@code X-Share-Token} header or the {@code ?share=} parameter. */
    public static String shareToken(ServerRequest request) {
        String header = request.headers().firstHeader(SHARE_HEADER);
        if (header != null && !header.isBlank()) {
            return header.trim();
        }
        return request.queryParam(SHARE_PARAM).filter(value -> !value.isBlank()).orElse(null);
    }

    public static ApiProblem notFound() {
        return ApiProblem.notFound("Project not found");
    }
}
