package dev.dawg.platform.web;

import org.springframework.http.MediaType;
import org.springframework.web.server.ServerWebExchange;

/**
 * Another error shape than problem+json, for the requests of an API dialect mounted beside ours (a client that reads
 * errors its own way). {@link ProblemWriter} asks each dialect bean whether it answers a request; the status,
 * headers and the problem itself stay the same, only the body is written the dialect's way.
 */
public interface ErrorDialect {

    /** Whether this dialect answers {@code exchange} (usually: the request's path is under the dialect's base). */
    boolean answers(ServerWebExchange exchange);

    MediaType contentType();

    /** The error body, serialised as JSON. */
    Object body(ApiProblem problem, ServerWebExchange exchange);
}
