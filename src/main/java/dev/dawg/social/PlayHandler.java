package dev.dawg.social;

import reactor.core.publisher.Mono;

import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

import dev.dawg.platform.web.ClientAddress;
import dev.dawg.sharing.AccessLevel;
import dev.dawg.sharing.ProjectAccess;

/** Plays: anyone who may read a project counts a play, at most once per listener per window. */
@Component
class PlayHandler {

    private final Plays plays;
    private final ProjectAccess access;

    PlayHandler(Plays plays, ProjectAccess access) {
        this.plays = plays;
        this.access = access;
    }

    Mono<ServerResponse> play(ServerRequest request) {
        return access.grantOnPath(request, AccessLevel.VIEW)
                .flatMap(grant -> plays.count(grant.projectId(), grant.caller()
                        .map(user -> "user:" + user.id())
                        .orElseGet(() -> "ip:" + ClientAddress.of(request))))
                .then(ServerResponse.noContent().build());
    }
}
