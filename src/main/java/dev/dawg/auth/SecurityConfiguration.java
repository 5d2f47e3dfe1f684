package dev.dawg.auth;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

import reactor.core.publisher.Mono;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.PathContainer;
import org.springframework.security.core.Authentication;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationResult;
import org.springframework.security.authorization.ReactiveAuthorizationManager;
import org.springframework.security.config.web.server.SecurityWebFiltersOrder;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.security.web.server.authentication.AuthenticationWebFilter;
import org.springframework.security.web.server.authentication.ServerAuthenticationEntryPointFailureHandler;
import org.springframework.security.web.server.authorization.AuthorizationContext;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.WebFilterChainProxy;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.firewall.HttpStatusExchangeRejectedHandler;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedHandler;
import org.springframework.security.web.server.firewall.ServerWebExchangeFirewall;
import org.springframework.security.web.server.firewall.StrictServerWebExchangeFirewall;
import org.springframework.security.web.server.header.HttpHeaderWriterWebFilter;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;
import org.springframework.web.cors.reactive.CorsConfigurationSource;
import org.springframework.web.cors.reactive.UrlBasedCorsConfigurationSource;

import dev.dawg.platform.config.DawgProperties;
import dev.dawg.platform.web.ApiProblem;
import dev.dawg.platform.web.ProblemWriter;
import dev.dawg.platform.web.RequestIds;

/**
 * The one security filter chain: stateless, no sessions or CSRF tokens (clients authenticate every request
 * with a bearer token or an API key), hardened headers, the CORS allowlist, and 401/403 as problem+json.
 */
@Configuration(proxyBeanMethods = false)
public class SecurityConfiguration {

    @Bean
    SecurityWebFilterChain securityWebFilterChain(ServerHttpSecurity http, ProblemWriter problems,
            CorsConfigurationSource cors, AccessTokens accessTokens, ApiKeys apiKeys, Environment environment,
            ObjectProvider<TokenlessPaths> tokenlessPaths) {
        ServerAuthenticationEntryPoint unauthorized = (exchange, ex) -> problems.write(exchange,
                ApiProblem.unauthorized(ex instanceof org.springframework.security.oauth2.server.resource.InvalidBearerTokenException
                                || ex instanceof org.springframework.security.authentication.BadCredentialsException
                                ? "The access token or API key is invalid or expired"
                                : "A valid access token or API key is required")
                        .withHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer"));
        AuthenticationWebFilter apiKeyFilter = new AuthenticationWebFilter(ApiKeyAuthentication.manager(apiKeys));
        apiKeyFilter.setServerAuthenticationConverter(ApiKeyAuthentication.converter());
        apiKeyFilter.setRequiresAuthenticationMatcher(exchange -> ApiKeyAuthentication.hasKey(exchange)
                ? ServerWebExchangeMatcher.MatchResult.match() : ServerWebExchangeMatcher.MatchResult.notMatch());
        apiKeyFilter.setAuthenticationFailureHandler(new ServerAuthenticationEntryPointFailureHandler(unauthorized));
        apiKeyFilter.setSecurityContextRepository(NoOpServerSecurityContextRepository.getInstance());
        List<TokenlessPaths> tokenless = tokenlessPaths.orderedStream().toList();
        BearerTokenConverter bearer = new BearerTokenConverter();
        return http
                .oauth2ResourceServer(resourceServer -> resourceServer
                        .authenticationEntryPoint(unauthorized)
                        .bearerTokenConverter(exchange -> tokenless.stream().anyMatch(paths -> paths.covers(exchange.getRequest().getPath().value()))
                                ? Mono.empty() : bearer.convert(exchange))
                        .jwt(jwt -> jwt.jwtDecoder(accessTokens.decoder())
                                .jwtAuthenticationConverter(token -> {
                                    try {
                                        return Mono.just(new CallerAuthentication(accessTokens.callerOf(token)));
                                    }
                                    catch (IllegalArgumentException ex) {
                                        return Mono.error(new org.springframework.security.oauth2.server.resource.InvalidBearerTokenException("Malformed subject"));
                                    }
                                })))
                .addFilterAt(apiKeyFilter, SecurityWebFiltersOrder.AUTHENTICATION)
                .csrf(ServerHttpSecurity.CsrfSpec::disable)
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .logout(ServerHttpSecurity.LogoutSpec::disable)
                .requestCache(ServerHttpSecurity.RequestCacheSpec::disable)
                .securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
                // Spring's CORS filter in all but its refusal, which answers in the problem shape.
                .cors(ServerHttpSecurity.CorsSpec::disable)
                .addFilterAt(new AllowlistCorsFilter(cors, problems), SecurityWebFiltersOrder.CORS)
                // Spring's header writers replaced by one (AnswerHeaders), in their place in the chain.
                .headers(ServerHttpSecurity.HeaderSpec::disable)
                .addFilterAt(new HttpHeaderWriterWebFilter(new AnswerHeaders()), SecurityWebFiltersOrder.HTTP_HEADERS_WRITER)
                .exceptionHandling(handling -> handling
                        .authenticationEntryPoint(unauthorized)
                        .accessDeniedHandler((exchange, ex) -> problems.write(exchange,
                                ApiProblem.forbidden("You may not do this"))))
                .authorizeExchange(exchanges -> exchanges.anyExchange().access(new PathRules(environment)))
                .build();
    }

    /**
     * The path rules, decided at once from the path: Spring Security's list of matchers asked each of its matchers
     * through a reactive chain on every request, for rules that all but the actuator's answer "permit" (issue 20).
     * Per route rules (scopes, signed-in) are each router's {@link RouteAccess}.
     * <ol>
     * <li>Springdoc's generated document: denied (the served one is the hand-kept {@code /v3/api-docs}).
     * <li>{@code /actuator/health} and its probes: public, statuses only (management.endpoint.health).
     * <li>The rest of the actuator (metrics, prometheus, info): a signed-in administrator, unless the request came in
     * on the management port (DAWG_MANAGEMENT_PORT), which a deployment keeps private.
     * <li>Everything else, {@code GET /ws} included (the realtime handshake authenticates its own {@code ?token=} and
     * lets anonymous callers in): permitted here.
     * </ol>
     */
    static final class PathRules implements ReactiveAuthorizationManager<AuthorizationContext> {

        private static final Mono<AuthorizationResult> GRANTED = Mono.just(new AuthorizationDecision(true));
        private static final Mono<AuthorizationResult> DENIED = Mono.just(new AuthorizationDecision(false));
        private static final List<PathPattern> SPRINGDOC = patterns("/v3/springdoc", "/v3/springdoc.yaml");
        private static final List<PathPattern> HEALTH = patterns("/actuator/health", "/actuator/health/**");
        private static final List<PathPattern> ACTUATOR = patterns("/actuator", "/actuator/**");

        private final ServerWebExchangeMatcher managementPort;

        PathRules(Environment environment) {
            this.managementPort = arrivedOnManagementPort(environment);
        }

        @Override
        public Mono<AuthorizationResult> authorize(Mono<Authentication> authentication, AuthorizationContext context) {
            ServerWebExchange exchange = context.getExchange();
            PathContainer path = exchange.getRequest().getPath().pathWithinApplication();
            if (matches(SPRINGDOC, path)) {
                return DENIED;
            }
            if (!matches(ACTUATOR, path) || matches(HEALTH, path)) {
                return GRANTED;
            }
            return managementPort.matches(exchange).flatMap(onManagementPort -> onManagementPort.isMatch() ? GRANTED
                    : SIGNED_IN_ADMINISTRATOR.authorize(authentication, context));
        }

        private static boolean matches(List<PathPattern> patterns, PathContainer path) {
            for (PathPattern pattern : patterns) {
                if (pattern.matches(path)) {
                    return true;
                }
            }
            return false;
        }

        /** Parsed as Spring Security's {@code pathMatchers} parse them. */
        private static List<PathPattern> patterns(String... patterns) {
            PathPatternParser parser = PathPatternParser.defaultInstance;
            return java.util.Arrays.stream(patterns).map(pattern -> parser.parse(parser.initFullPathPattern(pattern))).toList();
        }
    }

    /** An administrator signed in with an access token: an API key, whatever its owner, carries no scope for this. */
    static final ReactiveAuthorizationManager<AuthorizationContext> SIGNED_IN_ADMINISTRATOR = (authentication, context) ->
            authentication.map(found -> {
                CurrentUser user = CallerAuthentication.currentUser(found);
                return (AuthorizationResult) new AuthorizationDecision(user != null && !user.viaApiKey() && user.isAdmin());
            }).defaultIfEmpty(new AuthorizationDecision(false));

    /** A request to the management server, when it listens on a port of its own (never when it shares the API's). */
    static ServerWebExchangeMatcher arrivedOnManagementPort(Environment environment) {
        return exchange -> {
            Integer management = environment.getProperty("local.management.port", Integer.class);
            Integer api = environment.getProperty("local.server.port", Integer.class);
            InetSocketAddress local = exchange.getRequest().getLocalAddress();
            boolean separate = management != null && management > 0 && !management.equals(api) && local != null
                    && local.getPort() == management;
            return separate ? ServerWebExchangeMatcher.MatchResult.match() : ServerWebExchangeMatcher.MatchResult.notMatch();
        };
    }

    /**
     * Spring Security would wrap every filter of its chain in an observation on every request (a third of the
     * CPU of a cached read); {@code http.server.requests} still times each request as a whole.
     */
    @Bean
    SecurityObservationSettings noPerFilterObservations() {
        return SecurityObservationSettings.noObservations();
    }

    /**
     * Spring Security's filter chain proxy, replaced by {@link DirectSecurityChainProxy}: the same steps without a
     * {@code Flux} per request, its chains' filters run through a {@link dev.dawg.platform.web.DirectFilterChain}
     * ({@link DirectSecurityFilters}). Replaced as a bean rather than configured: the proxy's steps are private.
     */
    @Bean
    static BeanPostProcessor directSecurityChainProxy(ObjectProvider<SecurityWebFilterChain> chains,
            ObjectProvider<ServerWebExchangeFirewall> firewall, ObjectProvider<ServerExchangeRejectedHandler> rejected) {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String beanName) {
                List<SecurityWebFilterChain> declared;
                // No chain declared: Spring's proxy runs its default chain, which is not a bean; left as it is.
                if (bean instanceof WebFilterChainProxy && !(bean instanceof DirectSecurityChainProxy)
                        && !(declared = chains.orderedStream().toList()).isEmpty()) {
                    return new DirectSecurityChainProxy(declared,
                            firewall.getIfUnique(StrictServerWebExchangeFirewall::new),
                            rejected.getIfUnique(HttpStatusExchangeRejectedHandler::new), new DirectSecurityFilters());
                }
                return bean;
            }
        };
    }

    /** Spring's strict firewall, its character checks without its regexes ({@link FirewallCharacters}). */
    @Bean
    ServerWebExchangeFirewall exchangeFirewall() {
        return FirewallCharacters.firewall();
    }

    /**
     * The firewall's refusals (encoded slashes or backslashes in the path, control characters in headers...)
     * answer in the one problem shape instead of Spring Security's bare 400.
     */
    @Bean
    ServerExchangeRejectedHandler exchangeRejectedHandler(ProblemWriter problems) {
        return (exchange, rejected) -> problems.write(exchange,
                ApiProblem.malformed("The request path or a header contains characters that are not allowed"));
    }

    @Bean
    CorsConfigurationSource corsConfigurationSource(DawgProperties properties) {
        CorsConfiguration config = new CorsConfiguration();
        List<String> origins = properties.web().corsOrigins().stream().map(String::trim).filter(o -> !o.isEmpty()).toList();
        config.setAllowedOrigins(origins);
        config.setAllowedMethods(List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"));
        // AccessKey and X-Upload-Key: the one-upload keys of a PUT through the server (the DAWG client sends the former).
        config.setAllowedHeaders(List.of("Authorization", "Content-Type", "If-Match", "If-None-Match", "X-API-Key",
                "X-Share-Token", RequestIds.HEADER, "Range", "AccessKey", "X-Upload-Key"));
        config.setExposedHeaders(List.of("ETag", "Location", RequestIds.HEADER, "Retry-After", "RateLimit-Limit",
                "RateLimit-Remaining", "RateLimit-Reset", "Content-Range", "Accept-Ranges", "Content-Disposition"));
        config.setAllowCredentials(true);
        config.setMaxAge(Duration.ofHours(1));
        UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
        source.registerCorsConfiguration("/**", config);
        return source;
    }
}
