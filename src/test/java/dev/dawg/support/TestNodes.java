package dev.dawg.support;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.http.client.ReactorResourceFactory;

import dev.dawg.DawgApplication;

/**
 * Servers a test starts by itself, beside the test context's own, in the same JVM.
 * <p>
 * Each gets event loops of its own. By default every Spring context in a JVM runs on Reactor Netty's global
 * resources, and closing one context disposes them under the others; that close could then wait forever on a loop
 * that was shutting down ("Failed to submit a listener notification task", cf. reactor-netty#3509), which hung a
 * CI run for ten minutes.
 */
public final class TestNodes {

    /** What a second node shares with the test context's: its database, Redis, storage and signing secret. */
    private static final List<String> SHARED_PROPERTIES = List.of("dawg.redis.url", "dawg.data-dir", "dawg.db.url",
            "dawg.db.user", "dawg.db.password", "dawg.s3.endpoint", "dawg.s3.access-key", "dawg.s3.secret-key",
            "dawg.s3.bucket", "dawg.s3.region");

    private TestNodes() {
    }

    /** Another node of the cluster the test context's node is in, with {@code overrides} set on it alone. */
    public static ConfigurableApplicationContext startBeside(Environment testContext, Map<String, String> overrides) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("server.port", "0");
        properties.put("dawg.auth.jwt-secret", IntegrationTest.JWT_SECRET);
        for (String name : SHARED_PROPERTIES) {
            properties.put(name, testContext.getProperty(name, ""));
        }
        properties.putAll(overrides);
        return start(properties.entrySet().stream().map(entry -> "--" + entry.getKey() + "=" + entry.getValue())
                .toArray(String[]::new));
    }

    /** Another node of the cluster the test context's node is in. */
    public static ConfigurableApplicationContext startBeside(Environment testContext) {
        return startBeside(testContext, Map.of());
    }

    /** A server started from these command-line arguments, on event loops of its own. */
    public static ConfigurableApplicationContext start(String... args) {
        return new SpringApplicationBuilder(DawgApplication.class)
                .initializers((GenericApplicationContext context) -> context.registerBean(ReactorResourceFactory.class,
                        TestNodes::ownResources))
                .run(args);
    }

    private static ReactorResourceFactory ownResources() {
        ReactorResourceFactory resources = new ReactorResourceFactory();
        resources.setUseGlobalResources(false);
        return resources;
    }
}
