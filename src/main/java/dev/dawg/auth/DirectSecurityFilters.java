package dev.dawg.auth;

import java.util.List;

import org.springframework.security.web.server.WebFilterChainProxy.WebFilterChainDecorator;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import dev.dawg.platform.web.DirectFilterChain;

/** Builds the chain that {@code WebFilterChainProxy} runs a request's security filters through: a {@link DirectFilterChain}. */
final class DirectSecurityFilters implements WebFilterChainDecorator {

    @Override
    public WebFilterChain decorate(WebFilterChain original) {
        return original;
    }

    @Override
    public WebFilterChain decorate(WebFilterChain original, List<WebFilter> filters) {
        return DirectFilterChain.of(filters, original);
    }
}
