package dev.dawg.social;

import java.util.Set;

import reactor.core.publisher.Mono;

import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

import dev.dawg.platform.web.JsonBodies;
import dev.dawg.platform.web.JsonFields;
import dev.dawg.sharing.ProjectAccess.Grant;

/** Share tracking: a signed-in reader reports a share to a platform; anyone who may read the project sees the counts. */
@Component
class ShareCountHandler {

    private final ShareCounts shares;
    private final JsonBodies bodies;

    ShareCountHandler(ShareCounts shares, JsonBodies bodies) {
        this.shares = shares;
        this.bodies = bodies;
    }

    Mono<ServerResponse> count(ServerRequest request, Grant grant) {
        return bodies.object(request).map(body -> {
                    JsonFields fields = JsonFields.of(body).allowOnly(Set.of("platform"));
                    String platform = fields.requiredString("platform", 1, 32);
                    fields.validate();
                    return SharePlatform.of(platform, "platform");
                })
                .flatMap(platform -> shares.count(grant, platform))
                .flatMap(counted -> ServerResponse.ok().headers(counted.decision()::writeTo).bodyValue(counted.tally()));
    }

    Mono<ServerResponse> tally(ServerRequest request, Grant grant) {
        return shares.tally(grant.projectId()).flatMap(tally -> ServerResponse.ok().bodyValue(tally));
    }
}
