package dev.dawg.dawgclient;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;

import dev.dawg.platform.web.ApiProblem;
import dev.dawg.platform.web.ErrorDialect;
import dev.dawg.platform.web.RequestIds;

/**
 * Errors of the dialect as the DAWG client reads them: {@code {"error":{"message","code","details"}}}, with the
 * status and headers of our problem unchanged. The client shows {@code error.message}, so a validation failure's
 * message names its fields ("password: must be at least 10 characters"), and the fields are also listed one by one
 * under {@code fields} for a program to read.
 */
@Component
class DawgClientErrors implements ErrorDialect {

    private final DawgClientProperties properties;

    DawgClientErrors(DawgClientProperties properties) {
        this.properties = properties;
    }

    @Override
    public boolean answers(ServerWebExchange exchange) {
        return properties.covers(exchange.getRequest().getPath().value());
    }

    @Override
    public MediaType contentType() {
        return MediaType.APPLICATION_JSON;
    }

    @Override
    public Object body(ApiProblem problem, ServerWebExchange exchange) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("message", message(problem));
        error.put("code", problem.code());
        if (!problem.errors().isEmpty()) {
            // Not "details": the client appends each detail's message to the toast, which already names every field.
            error.put("fields", problem.errors().stream().map(field -> Map.of("path", field.field(), "message", field.message())).toList());
        }
        else if (!problem.properties().isEmpty()) {
            error.put("details", problem.properties());
        }
        error.put("requestId", RequestIds.of(exchange));
        return Map.of("error", error);
    }

    static String message(ApiProblem problem) {
        List<ApiProblem.FieldError> fields = problem.errors();
        if (fields.isEmpty()) {
            return problem.detail();
        }
        String each = fields.stream().map(field -> (field.field().isEmpty() ? "body" : field.field()) + ": " + field.message())
                .collect(Collectors.joining(", "));
        return fields.size() == 1 ? each : "Validation failed: " + each;
    }
}
