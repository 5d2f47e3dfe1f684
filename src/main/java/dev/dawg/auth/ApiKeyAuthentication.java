package dev.dawg.auth;

import reactor.core.publisher.Mono;

import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.server.authentication.ServerAuthenticationConverter;
import org.springframework.web.server.ServerWebExchange;

/** Turns an {@code X-API-Key} header into a caller with that key's scopes; a wrong or revoked key is a 401. */
final class ApiKeyAuthentication {

    static final String HEADER = "X-API-Key";

    private ApiKeyAuthentication() {
    }

    static ServerAuthenticationConverter converter() {
        return exchange -> Mono.justOrEmpty(exchange.getRequest().getHeaders().getFirst(HEADER))
                .map(PresentedKey::new);
    }

    static ReactiveAuthenticationManager manager(ApiKeys keys) {
        return authentication -> {
            String key = ((PresentedKey) authentication).key;
            return keys.authenticate(key)
                    .switchIfEmpty(Mono.error(() -> new BadCredentialsException("Unknown or revoked API key")))
                    .map(owner -> (Authentication) new CallerAuthentication(
                            new CurrentUser(owner.userId(), owner.username(), owner.roles(), owner.scopes(), true)));
        };
    }

    static boolean hasKey(ServerWebExchange exchange) {
        return exchange.getRequest().getHeaders().containsHeader(HEADER);
    }

    /** The key as presented, before it is checked. */
    private static final class PresentedKey extends org.springframework.security.authentication.AbstractAuthenticationToken {
        private final String key;

        PresentedKey(String key) {
            super(java.util.List.of());
            this.key = key;
        }

        @Override
        public Object getCredentials() {
            return key;
        }

        @Override
        public Object getPrincipal() {
            return "api-key";
        }
    }
}
