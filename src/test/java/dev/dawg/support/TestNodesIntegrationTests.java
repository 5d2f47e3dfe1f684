package dev.dawg.support;

import org.junit.jupiter.api.Test;
import reactor.netty.http.HttpResources;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.http.client.ReactorResourceFactory;

import static org.assertj.core.api.Assertions.assertThat;

@IntegrationTest
class TestNodesIntegrationTests {

    @Autowired
    private Api api;

    @Autowired
    private Environment environment;

    @Test
    void shouldCloseASecondNodeWithoutDisposingTheEventLoopsTheTestContextRunsOn() {
        HttpResources shared = HttpResources.get();
        try (ConfigurableApplicationContext secondNode = TestNodes.startBeside(environment)) {
            assertThat(secondNode.getBean(ReactorResourceFactory.class).getLoopResources()).isNotSameAs(shared);
            Api.against(secondNode).signUp();
        }
        assertThat(HttpResources.get()).as("the global resources, still the same live ones").isSameAs(shared);
        api.signUp();
    }
}
