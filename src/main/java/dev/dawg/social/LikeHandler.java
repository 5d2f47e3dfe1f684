package dev.dawg.social;

import java.util.Map;

import reactor.core.publisher.Mono;

import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

import dev.dawg.sharing.ProjectAccess.Grant;

/** Like and unlike: idempotent, for anyone signed in who may read the project; a new like is announced. */
@Component
class LikeHandler {

    private final ProjectLikes likes;

    LikeHandler(ProjectLikes likes) {
        this.likes = likes;
    }

    Mono<ServerResponse> like(ServerRequest request, Grant grant) {
        return likes.like(grant).flatMap(LikeHandler::answer);
    }

    Mono<ServerResponse> unlike(ServerRequest request, Grant grant) {
        return likes.unlike(grant).flatMap(LikeHandler::answer);
    }

    private static Mono<ServerResponse> answer(ProjectLikes.Liking liking) {
        return ServerResponse.ok().headers(liking.decision()::writeTo)
                .bodyValue(Map.of("liked", liking.liked(), "likeCount", liking.likeCount()));
    }
}
