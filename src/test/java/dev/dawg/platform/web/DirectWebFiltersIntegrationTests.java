package dev.dawg.platform.web;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webflux.autoconfigure.WebHttpHandlerBuilderCustomizer;
import org.springframework.context.ApplicationContext;
import org.springframework.security.web.server.WebFilterChainProxy;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.adapter.WebHttpHandlerBuilder;

import dev.dawg.support.IntegrationTest;

import static org.assertj.core.api.Assertions.assertThat;

/** The server's web handler is built with the application's filters as one, each in Spring's order. */
@IntegrationTest
class DirectWebFiltersIntegrationTests {

    @Autowired
    ApplicationContext context;

    @Test
    void shouldHandSpringTheApplicationsFiltersAsOneInTheirOrder() {
        // As Spring Boot builds the server's handler: the context's filters, then every customizer.
        WebHttpHandlerBuilder builder = WebHttpHandlerBuilder.applicationContext(context);
        context.getBeanProvider(WebHttpHandlerBuilderCustomizer.class).orderedStream().forEach(customizer -> customizer.customize(builder));
        List<WebFilter> handedToSpring = new ArrayList<>();
        builder.filters(handedToSpring::addAll);

        List<WebFilter> declared = context.getBeanProvider(WebFilter.class).orderedStream().toList();
        assertThat(declared).hasSizeGreaterThan(5).hasAtLeastOneElementOfType(WebFilterChainProxy.class)
                .hasAtLeastOneElementOfType(RequestIdFilter.class);
        // In the context's order (which counts the @Order of @Bean methods too): the request id first, the security filters before the
        // body limit, the context shortcut last.
        assertThat(handedToSpring).singleElement().isInstanceOfSatisfying(DirectWebFilters.InOrder.class,
                inOrder -> assertThat(inOrder.filters()).containsExactlyElementsOf(declared));
        assertThat(declared.get(0)).isInstanceOf(RequestIdFilter.class);
        assertThat(declared.get(declared.size() - 1)).isInstanceOf(ContextShortcutFilter.class);
    }
}
