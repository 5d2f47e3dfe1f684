package dev.dawg.auth;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.security.web.server.WebFilterChainProxy;

import dev.dawg.support.Api;
import dev.dawg.support.IntegrationTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The context's security proxy is {@link DirectSecurityChainProxy}, running the declared chain (a caller without a
 * token is refused with the chain's problem). That it keeps the application's firewall and rejected handler:
 * {@code MalformedInputIntegrationTests#shouldAnswerFirewallRefusalsAsProblems}.
 */
@IntegrationTest
class DirectSecurityChainProxyIntegrationTests {

    @Autowired
    ApplicationContext context;
    @Autowired
    Api api;

    @Test
    void shouldRunTheDeclaredChainThroughTheDirectProxy() {
        assertThat(context.getBean(WebFilterChainProxy.class)).isInstanceOf(DirectSecurityChainProxy.class);

        api.http().get().uri("/api/auth/me").exchange()
                .expectStatus().isUnauthorized()
                .expectHeader().contentType("application/problem+json")
                .expectBody().jsonPath("$.code").isEqualTo("UNAUTHORIZED");
    }
}
