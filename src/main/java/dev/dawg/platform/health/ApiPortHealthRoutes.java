package dev.dawg.platform.health;

import reactor.core.publisher.Mono;

import org.springframework.boot.actuate.autoconfigure.web.server.ConditionalOnManagementPort;
import org.springframework.boot.actuate.autoconfigure.web.server.ManagementPortType;
import org.springframework.boot.actuate.endpoint.ApiVersion;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.web.WebServerNamespace;
import org.springframework.boot.health.actuate.endpoint.ReactiveHealthEndpointWebExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

import static dev.dawg.platform.web.OpenRoute.anyCaller;

/**
 * When the actuator has a port of its own ({@code DAWG_MANAGEMENT_PORT}), health and its probes still answer on the
 * API port at their usual paths (load balancers and {@code curl localhost:8080/actuator/health} keep working), from
 * the same health endpoint, statuses only: Spring Boot can add a probe to the API port only at a one-segment path.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnManagementPort(ManagementPortType.DIFFERENT)
class ApiPortHealthRoutes {

    @Bean
    RouterFunction<ServerResponse> apiPortHealthRouter(ReactiveHealthEndpointWebExtension health) {
        return RouterFunctions.route()
                .GET("/actuator/health", anyCaller(request -> answer(health)))
                .GET("/actuator/health/liveness", anyCaller(request -> answer(health, "liveness")))
                .GET("/actuator/health/readiness", anyCaller(request -> answer(health, "readiness")))
                .build();
    }

    private static Mono<ServerResponse> answer(ReactiveHealthEndpointWebExtension health, String... path) {
        return health.health(ApiVersion.LATEST, WebServerNamespace.SERVER, SecurityContext.NONE, path)
                .flatMap(response -> response.getBody() == null ? ServerResponse.status(response.getStatus()).build()
                        : ServerResponse.status(response.getStatus()).contentType(MediaType.APPLICATION_JSON).bodyValue(response.getBody()));
    }
}
