package dev.dawg.auth;

import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.reactive.CorsConfigurationSource;
import org.springframework.web.cors.reactive.CorsProcessor;
import org.springframework.web.cors.reactive.CorsUtils;
import org.springframework.web.cors.reactive.DefaultCorsProcessor;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import dev.dawg.platform.web.ApiProblem;
import dev.dawg.platform.web.ProblemWriter;

/**
 * Spring's CORS filter with one difference: a request from an origin outside DAWG_CORS_ORIGINS (or a preflight
 * asking for a method or header the API does not allow) is refused in the one problem shape, not with an empty 403.
 */
final class AllowlistCorsFilter implements WebFilter {

    private final CorsConfigurationSource source;
    private final CorsProcessor processor = new DefaultCorsProcessor();
    private final ProblemWriter problems;

    AllowlistCorsFilter(CorsConfigurationSource source, ProblemWriter problems) {
        this.source = source;
        this.problems = problems;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        CorsConfiguration config = source.getCorsConfiguration(exchange);
        if (!processor.process(config, exchange)) {
            return problems.write(exchange, ApiProblem.forbidden("This cross-origin request is not allowed: the origin "
                    + exchange.getRequest().getHeaders().getFirst(HttpHeaders.ORIGIN)
                    + " is not in DAWG_CORS_ORIGINS, or it asks for a method or header the API does not accept"));
        }
        if (CorsUtils.isPreFlightRequest(exchange.getRequest())) {
            return Mono.empty();
        }
        return chain.filter(exchange);
    }
}
