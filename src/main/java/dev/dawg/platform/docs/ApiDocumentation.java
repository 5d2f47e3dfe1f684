package dev.dawg.platform.docs;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

import static dev.dawg.platform.web.OpenRoute.anyCaller;

/**
 * Serves the hand-kept OpenAPI document ({@code openapi/dawg-api.yaml}) at {@code /v3/api-docs}, read once at
 * start-up; Swagger UI at {@code /swagger-ui.html} renders it. Functional routes carry no annotations, so the
 * document is written next to the contract, and a test fails whenever a registered route is missing from it.
 */
@Configuration(proxyBeanMethods = false)
class ApiDocumentation {

    static final String DOCUMENT = "openapi/dawg-api.yaml";

    @Bean
    RouterFunction<ServerResponse> apiDocumentationRoutes(JsonMapper json) {
        byte[] document = json.writeValueAsBytes(load());
        return RouterFunctions.route()
                .GET("/v3/api-docs", anyCaller(request -> ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(document)))
                .build();
    }

    static Map<String, Object> load() {
        try (InputStream in = new ClassPathResource(DOCUMENT).getInputStream()) {
            return new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
        }
        catch (IOException ex) {
            throw new UncheckedIOException("The OpenAPI document " + DOCUMENT + " could not be read", ex);
        }
    }
}
