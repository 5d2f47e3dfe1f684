package dev.dawg.platform.web;

import java.net.ConnectException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeoutException;

import io.r2dbc.spi.R2dbcException;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import io.r2dbc.spi.R2dbcTimeoutException;
import io.r2dbc.spi.R2dbcTransientResourceException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.core.annotation.Order;
import org.springframework.core.codec.DecodingException;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.data.redis.RedisConnectionFailureException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.codec.HttpMessageReader;
import org.springframework.http.codec.ServerCodecConfigurer;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.stereotype.Component;
import org.springframework.util.InvalidMimeTypeException;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.support.RouterFunctionMapping;
import org.springframework.web.server.MethodNotAllowedException;
import org.springframework.web.server.NotAcceptableStatusException;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebInputException;
import org.springframework.web.server.UnsupportedMediaTypeStatusException;
import org.springframework.web.server.WebExceptionHandler;
import org.springframework.web.util.DisconnectedClientHelper;

import dev.dawg.platform.persistence.SqlErrors;

/**
 * Maps every failure that reaches the web layer to one problem+json response. It sits before Spring Boot's
 * default error handler, so functional routes, filters and the framework itself all answer in one shape;
 * a 5xx never carries internals (the log line with the same request id does).
 */
@Component
@Order(-2)
class ProblemExceptionHandler implements WebExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemExceptionHandler.class);
    private static final List<HttpMethod> ROUTED_METHODS = List.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.POST,
            HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE);

    private final ProblemWriter writer;
    private final RouterFunctionMapping routes;
    private final List<HttpMessageReader<?>> readers;

    ProblemExceptionHandler(ProblemWriter writer, @Qualifier("routerFunctionMapping") RouterFunctionMapping routes, ServerCodecConfigurer codecs) {
        this.writer = writer;
        this.routes = routes;
        this.readers = codecs.getReaders();
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable failure) {
        if (exchange.getResponse().isCommitted()) {
            return Mono.error(failure);
        }
        if (isRouteNotFound(failure)) {
            // Functional routes do not answer 405 by themselves: a path that exists for other methods is one.
            return allowedMethods(exchange).flatMap(allowed -> {
                if (allowed.isEmpty()) {
                    return writer.write(exchange, ApiProblem.notFound("No resource at " + exchange.getRequest().getPath().value()));
                }
                return writer.write(exchange, ApiProblem.of(HttpStatus.METHOD_NOT_ALLOWED, "METHOD_NOT_ALLOWED",
                                exchange.getRequest().getMethod() + " is not supported here; allowed: " + String.join(", ", allowed))
                        .withHeader(HttpHeaders.ALLOW, String.join(", ", allowed)));
            });
        }
        // The request id filter's context is gone once the chain has failed: this handler runs after it.
        return RequestIds.inMdc(RequestIds.of(exchange), () -> writer.write(exchange, toProblem(failure, exchange)));
    }

    private ApiProblem toProblem(Throwable failure, ServerWebExchange exchange) {
        if (failure instanceof ApiProblem problem) {
            return problem;
        }
        if (hasCause(failure, DataBufferLimitException.class)) {
            return ApiProblem.payloadTooLarge("The request body is larger than this endpoint accepts");
        }
        if (hasCause(failure, InvalidMimeTypeException.class)) {
            // An unparseable Content-Type (no subtype, an unknown charset...) names no type this API reads.
            return ApiProblem.unsupportedMediaType("The Content-Type header is not a valid media type; send application/json");
        }
        if (SqlErrors.isUnstorableText(failure)) {
            return ApiProblem.malformed("The request contains characters that cannot be stored (such as NUL)");
        }
        if (failure instanceof UnsupportedMediaTypeStatusException unsupported) {
            return ApiProblem.unsupportedMediaType("Content type " + unsupported.getContentType() + " is not supported here; use "
                    + unsupported.getSupportedMediaTypes());
        }
        if (failure instanceof ServerWebInputException || failure instanceof DecodingException) {
            return ApiProblem.malformed("The request body or a parameter could not be read: send valid JSON of the documented shape");
        }
        if (failure instanceof MethodNotAllowedException notAllowed) {
            List<String> allowed = notAllowed.getSupportedMethods().stream().map(HttpMethod::name).sorted().toList();
            return ApiProblem.of(HttpStatus.METHOD_NOT_ALLOWED, "METHOD_NOT_ALLOWED", notAllowed.getHttpMethod() + " is not supported here")
                    .withHeader(HttpHeaders.ALLOW, String.join(", ", allowed));
        }
        if (failure instanceof NotAcceptableStatusException) {
            return ApiProblem.of(HttpStatus.NOT_ACCEPTABLE, "NOT_ACCEPTABLE", "No acceptable representation; ask for application/json");
        }
        if (failure instanceof AuthenticationException) {
            return ApiProblem.unauthorized("Authentication is required");
        }
        if (failure instanceof AccessDeniedException) {
            return ApiProblem.forbidden("You may not do this");
        }
        if (failure instanceof DuplicateKeyException) {
            return ApiProblem.conflict("This conflicts with an existing resource");
        }
        DependencyUnavailableException unavailable = causeOf(failure, DependencyUnavailableException.class);
        if (unavailable != null || isDependencyUnavailable(failure)) {
            log.warn("A dependency is unavailable for {} {}: {}", exchange.getRequest().getMethod(),
                    exchange.getRequest().getPath().value(), rootMessage(failure));
            return ApiProblem.serviceUnavailable(unavailable != null ? unavailable.publicDetail()
                    : "The service is temporarily unavailable; retry shortly");
        }
        if (failure instanceof ResponseStatusException statusException) {
            HttpStatus status = HttpStatus.resolve(statusException.getStatusCode().value());
            if (status != null && status.is4xxClientError()) {
                return ApiProblem.of(status, codeFor(status), status.getReasonPhrase());
            }
        }
        if (DisconnectedClientHelper.isClientDisconnectedException(failure)) {
            // A client that closed its tab mid-request is not a server error (nobody will read this answer).
            log.debug("Client went away during {} {}: {}", exchange.getRequest().getMethod(),
                    exchange.getRequest().getPath().value(), rootMessage(failure));
            return internalError();
        }
        log.error("Unexpected failure on {} {}", exchange.getRequest().getMethod(), exchange.getRequest().getPath().value(), failure);
        return internalError();
    }

    private static ApiProblem internalError() {
        return ApiProblem.of(HttpStatus.INTERNAL_SERVER_ERROR, "INTERNAL_ERROR",
                "Something went wrong on our side; quote the requestId if you report it");
    }

    private static boolean isRouteNotFound(Throwable failure) {
        return failure instanceof ResponseStatusException statusException
                && statusException.getStatusCode().value() == 404
                && !(failure instanceof ApiProblem);
    }

    private Mono<List<String>> allowedMethods(ServerWebExchange exchange) {
        RouterFunction<?> router = routes.getRouterFunction();
        if (router == null) {
            return Mono.just(List.of());
        }
        HttpMethod actual = exchange.getRequest().getMethod();
        ServerRequest original = ServerRequest.create(exchange, readers);
        return Flux.fromIterable(ROUTED_METHODS)
                .filter(method -> !method.equals(actual))
                .concatMap(method -> router.route(ServerRequest.from(original).method(method).build())
                        .map(handler -> method.name()))
                .collectList()
                .map(found -> {
                    List<String> allowed = new ArrayList<>(found);
                    if (allowed.contains("GET") && !allowed.contains("HEAD")) {
                        allowed.add("HEAD");
                    }
                    return allowed;
                })
                .onErrorReturn(List.of());
    }

    private static boolean isDependencyUnavailable(Throwable failure) {
        Set<Class<? extends Throwable>> markers = Set.of(R2dbcTransientResourceException.class,
                R2dbcNonTransientResourceException.class, R2dbcTimeoutException.class, TimeoutException.class,
                ConnectException.class, DataAccessResourceFailureException.class, QueryTimeoutException.class,
                TransientDataAccessException.class, RedisConnectionFailureException.class);
        for (Throwable t = failure; t != null; t = t.getCause()) {
            for (Class<? extends Throwable> marker : markers) {
                if (marker.isInstance(t)) {
                    return true;
                }
            }
            if (t.getClass().getName().startsWith("io.r2dbc.pool") || t.getClass().getName().contains("PoolAcquire")) {
                return true;
            }
            if (t instanceof R2dbcException r2dbc && r2dbc.getSqlState() != null && r2dbc.getSqlState().startsWith("08")) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasCause(Throwable failure, Class<? extends Throwable> type) {
        return causeOf(failure, type) != null;
    }

    private static <T extends Throwable> T causeOf(Throwable failure, Class<T> type) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    private static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }

    private static String codeFor(HttpStatus status) {
        return switch (status) {
            case BAD_REQUEST -> "MALFORMED_REQUEST";
            case UNAUTHORIZED -> "UNAUTHORIZED";
            case FORBIDDEN -> "FORBIDDEN";
            case NOT_FOUND -> "NOT_FOUND";
            case CONFLICT -> "CONFLICT";
            case GONE -> "GONE";
            case CONTENT_TOO_LARGE -> "PAYLOAD_TOO_LARGE";
            case UNSUPPORTED_MEDIA_TYPE -> "UNSUPPORTED_MEDIA_TYPE";
            case PRECONDITION_REQUIRED -> "PRECONDITION_REQUIRED";
            case TOO_MANY_REQUESTS -> "RATE_LIMITED";
            default -> status.name();
        };
    }
}
