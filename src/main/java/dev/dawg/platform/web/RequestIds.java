package dev.dawg.platform.web;

import java.util.UUID;
import java.util.regex.Pattern;

import io.micrometer.context.ContextRegistry;
import org.slf4j.MDC;

import org.springframework.web.server.ServerWebExchange;

/**
 * The request id: echoed from {@code X-Request-Id} when it is sane, generated otherwise; kept in the exchange,
 * the Reactor context and (through context propagation) the logging MDC of every hop of the request.
 */
public final class RequestIds {

    public static final String HEADER = "X-Request-Id";
    public static final String CONTEXT_KEY = "requestId";
    private static final String ATTRIBUTE = RequestIds.class.getName();
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    static {
        ContextRegistry.getInstance().registerThreadLocalAccessor(CONTEXT_KEY,
                () -> MDC.get(CONTEXT_KEY), value -> MDC.put(CONTEXT_KEY, value), () -> MDC.remove(CONTEXT_KEY));
    }

    private RequestIds() {
    }

    static String assign(ServerWebExchange exchange) {
        String given = exchange.getRequest().getHeaders().getFirst(HEADER);
        String id = given != null && SAFE.matcher(given).matches() ? given : UUID.randomUUID().toString();
        exchange.getAttributes().put(ATTRIBUTE, id);
        return id;
    }

    /** The id of this exchange; assigned on the spot if the filter has not run (e.g. an early failure). */
    public static String of(ServerWebExchange exchange) {
        String id = exchange.getAttribute(ATTRIBUTE);
        return id != null ? id : assign(exchange);
    }
}
