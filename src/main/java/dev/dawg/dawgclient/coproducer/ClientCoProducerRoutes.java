package dev.dawg.dawgclient.coproducer;

import reactor.core.publisher.Mono;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

import dev.dawg.auth.CurrentUser;
import dev.dawg.dawgclient.DawgClientProperties;
import dev.dawg.platform.web.ApiProblem;

import static dev.dawg.auth.RouteAccess.signedInAnyScope;

/**
 * The DAWG client's AI co-producer calls (suggestions, generated variations, status) are out of this server's scope
 * (issue 17): each answers 501 in the dialect's error shape, so the client shows a message instead of a bare failure.
 * The body is not read.
 */
@Configuration(proxyBeanMethods = false)
class ClientCoProducerRoutes {

    @Bean
    RouterFunction<ServerResponse> dawgClientCoProducerRouter(DawgClientProperties properties) {
        return RouterFunctions.route().path(properties.path() + "/co-producer", b -> b
                .POST("/suggestions", signedInAnyScope(ClientCoProducerRoutes::notOffered))
                .POST("/generate", signedInAnyScope(ClientCoProducerRoutes::notOffered))
                .GET("/status", signedInAnyScope(ClientCoProducerRoutes::notOffered)))
                .build();
    }

    private static Mono<ServerResponse> notOffered(ServerRequest request, CurrentUser user) {
        return Mono.error(ApiProblem.of(HttpStatus.NOT_IMPLEMENTED, "NOT_IMPLEMENTED",
                "The AI co-producer is not available on this server"));
    }
}
