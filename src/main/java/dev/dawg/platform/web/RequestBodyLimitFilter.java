package dev.dawg.platform.web;

import reactor.core.publisher.Mono;

import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import dev.dawg.platform.config.DawgProperties;

/**
 * Refuses a JSON body whose declared length is over the limit before a byte of it is read (chunked bodies
 * are cut by the codecs' in-memory limit instead). Multipart uploads have their own, larger limit.
 *
 * <p>It runs just inside the security chain (which reads no body), so the 413 carries the security and CORS
 * headers of any other answer and a browser can read it.
 */
@Component
@Order(RequestBodyLimitFilter.ORDER)
class RequestBodyLimitFilter implements WebFilter {

    /** Right after Spring Security's filter chain proxy (WebFluxSecurityConfiguration orders it at -100). */
    static final int ORDER = -99;

    private final long maxBytes;

    RequestBodyLimitFilter(DawgProperties properties) {
        this.maxBytes = properties.web().maxRequestBody().toBytes();
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        long length = exchange.getRequest().getHeaders().getContentLength();
        MediaType type = exchange.getRequest().getHeaders().getContentType();
        boolean multipart = type != null && MediaType.MULTIPART_FORM_DATA.isCompatibleWith(type);
        if (length > maxBytes && !multipart) {
            return Mono.error(ApiProblem.payloadTooLarge("The request body is " + length + " bytes; the limit is " + maxBytes));
        }
        return chain.filter(exchange);
    }
}
