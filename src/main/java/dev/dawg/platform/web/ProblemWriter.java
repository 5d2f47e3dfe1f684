package dev.dawg.platform.web;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;

/**
 * Writes an {@link ApiProblem} as RFC 9457 {@code application/problem+json}: the one error shape of the API,
 * used by the exception handler, the security entry points and the WebSocket handshake alike; or, for a request an
 * {@link ErrorDialect} answers, in that dialect's shape.
 */
@Component
public class ProblemWriter {

    private static final String TYPE_BASE = "https://dawg.dev/problems/";

    private final JsonMapper json;
    private final List<ErrorDialect> dialects;

    ProblemWriter(JsonMapper json, List<ErrorDialect> dialects) {
        this.json = json;
        this.dialects = List.copyOf(dialects);
    }

    public Map<String, Object> body(ApiProblem problem, ServerWebExchange exchange) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", TYPE_BASE + problem.code().toLowerCase(Locale.ROOT).replace('_', '-'));
        body.put("title", problem.status().getReasonPhrase());
        body.put("status", problem.status().value());
        body.put("detail", problem.detail());
        body.put("instance", exchange.getRequest().getPath().value());
        body.put("code", problem.code());
        body.put("requestId", RequestIds.of(exchange));
        if (!problem.errors().isEmpty()) {
            body.put("errors", problem.errors());
        }
        problem.properties().forEach(body::putIfAbsent);
        return body;
    }

    public Mono<Void> write(ServerWebExchange exchange, ApiProblem problem) {
        ServerHttpResponse response = exchange.getResponse();
        if (response.isCommitted()) {
            return Mono.empty();
        }
        response.setStatusCode(problem.status());
        response.getHeaders().putAll(problem.headers());
        ErrorDialect dialect = dialects.stream().filter(candidate -> candidate.answers(exchange)).findFirst().orElse(null);
        response.getHeaders().setContentType(dialect == null ? MediaType.APPLICATION_PROBLEM_JSON : dialect.contentType());
        response.getHeaders().set(RequestIds.HEADER, RequestIds.of(exchange));
        byte[] bytes = json.writeValueAsBytes(dialect == null ? body(problem, exchange) : dialect.body(problem, exchange));
        DataBuffer buffer = response.bufferFactory().wrap(bytes);
        return response.writeWith(Mono.just(buffer));
    }
}
