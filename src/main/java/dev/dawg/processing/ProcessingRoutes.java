package dev.dawg.processing;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

import static dev.dawg.auth.RouteAccess.anyone;
import static dev.dawg.auth.Scope.ASSETS_READ;

/** Routes of an asset's processing outputs: waveform peaks and the preview, read as the asset's content is. */
@Configuration(proxyBeanMethods = false)
class ProcessingRoutes {

    @Bean
    RouterFunction<ServerResponse> processingRouter(ProcessedOutputHandler outputs) {
        return RouterFunctions.route()
                .path("/api/assets/{id}", builder -> builder
                        .GET("/peaks", anyone(ASSETS_READ, outputs::peaks))
                        .GET("/preview", anyone(ASSETS_READ, outputs::preview)))
                .build();
    }
}
