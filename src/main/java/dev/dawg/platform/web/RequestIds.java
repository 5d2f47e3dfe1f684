package dev.dawg.platform.web;

import java.util.UUID;
import java.util.function.Supplier;

import org.slf4j.MDC;
import reactor.core.publisher.Mono;
import reactor.util.context.ContextView;

import org.springframework.web.server.ServerWebExchange;

/**
 * The request id: echoed from {@code X-Request-Id} when it is sane, generated otherwise; kept in the exchange,
 * the Reactor context, Spring's log prefix of the exchange, and the logging MDC of every line written for the
 * request.
 *
 * <p>The MDC is filled only where a line is written ({@link #logged}, the access log, the error handler), not on
 * every hop of every request: Reactor's automatic context propagation, which did that, restored the thread locals
 * around each signal of each operator and cost about a fifth of a request's CPU (issue 20); nor by the operators that
 * restore thread locals by themselves ({@link ReactorThreadLocals}).
 */
public final class RequestIds {

    public static final String HEADER = "X-Request-Id";
    public static final String CONTEXT_KEY = "requestId";
    private static final String ATTRIBUTE = RequestIds.class.getName();

    private RequestIds() {
    }

    static String assign(ServerWebExchange exchange) {
        String given = exchange.getRequest().getHeaders().getFirst(HEADER);
        String id = given != null && isSafe(given) ? given : UUID.randomUUID().toString();
        exchange.getAttributes().put(ATTRIBUTE, id);
        // Spring's own log lines of this exchange ("[id] Completed 200 OK") carry it too.
        exchange.getAttributes().put(ServerWebExchange.LOG_ID_ATTRIBUTE, id);
        return id;
    }

    /** {@code [A-Za-z0-9._:-]{1,128}}, without a regular expression (it ran on every request). */
    static boolean isSafe(String id) {
        int length = id.length();
        if (length == 0 || length > 128) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            char c = id.charAt(i);
            boolean safe = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == ':' || c == '-';
            if (!safe) {
                return false;
            }
        }
        return true;
    }

    /** The id of this exchange; assigned on the spot if the filter has not run (e.g. an early failure). */
    public static String of(ServerWebExchange exchange) {
        String id = exchange.getAttribute(ATTRIBUTE);
        return id != null ? id : assign(exchange);
    }

    /**
     * Writes a request's log line with its id in the MDC, e.g. in a fallback:
     * {@code .onErrorResume(ex -> RequestIds.logged(() -> log.warn("...", ex.toString())).thenReturn(fallback))}.
     */
    public static <T> Mono<T> logged(Runnable logging) {
        return Mono.deferContextual(context -> {
            inMdc(context, () -> {
                logging.run();
                return null;
            });
            return Mono.empty();
        });
    }

    /** Runs {@code work} with the id of the request in {@code context} (if any) in the MDC, restoring what was there. */
    public static <T> T inMdc(ContextView context, Supplier<T> work) {
        String id = context.getOrDefault(CONTEXT_KEY, null);
        return id == null ? work.get() : inMdc(id, work);
    }

    /** Runs {@code work} with {@code id} in the MDC, restoring what was there. */
    public static <T> T inMdc(String id, Supplier<T> work) {
        String previous = MDC.get(CONTEXT_KEY);
        MDC.put(CONTEXT_KEY, id);
        try {
            return work.get();
        }
        finally {
            if (previous != null) {
                MDC.put(CONTEXT_KEY, previous);
            }
            else {
                MDC.remove(CONTEXT_KEY);
            }
        }
    }
}
