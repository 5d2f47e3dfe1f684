package dev.dawg.platform.embedded;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.beans.factory.support.DefaultSingletonBeanRegistry;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationFailedEvent;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.Ordered;
import org.springframework.core.PriorityOrdered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.util.ClassUtils;

/**
 * Decides, for PostgreSQL, Redis and S3 independently, whether the configured external service is used
 * or the embedded one is started, and publishes the Spring properties that connect to it.
 *
 * <p>It runs as the first bean-definition post-processor (after the test framework's dynamic properties
 * are in place, before auto-configuration conditions are evaluated). Embedded servers are kept per data
 * directory and shared by the application contexts of the JVM (the test contexts); each is stopped when the last
 * context using it has closed or failed to start, after its beans (so in-flight requests finish before the database
 * goes away), or at the latest by Spring Boot's shutdown handlers.
 */
public final class EmbeddedServices implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedServices.class);
    private static final String PROPERTY_SOURCE = "dawgEmbeddedServices";
    private static final Map<String, EmbeddedServer> RUNNING = new ConcurrentHashMap<>();
    /** How many open application contexts use each running server; guarded by {@code RUNNING}. */
    private static final Map<String, Integer> USERS = new LinkedHashMap<>();

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        Lease lease = new Lease();
        context.addBeanFactoryPostProcessor(new Publisher(context.getEnvironment(), lease));
        // A context that fails to start must not leave servers behind that keep the JVM (and the data) busy; those
        // that other contexts still use stay up.
        context.addApplicationListener(event -> {
            if (event instanceof ApplicationFailedEvent) {
                lease.release();
            }
        });
    }

    private record Publisher(ConfigurableEnvironment environment, Lease lease)
            implements BeanDefinitionRegistryPostProcessor, PriorityOrdered {

        @Override
        public void postProcessBeanDefinitionRegistry(BeanDefinitionRegistry registry) {
            if (!environment.getPropertySources().contains(PROPERTY_SOURCE)) {
                environment.getPropertySources().addFirst(new MapPropertySource(PROPERTY_SOURCE, resolve(environment, lease)));
                if (registry instanceof DefaultSingletonBeanRegistry beans) {
                    // Registered before any other bean, so destroyed after all of them (the connection pools included).
                    beans.registerDisposableBean(EmbeddedServices.class.getName() + ".release", lease::release);
                }
            }
        }

        @Override
        public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
        }

        @Override
        public int getOrder() {
            return Ordered.HIGHEST_PRECEDENCE;
        }
    }

    /** The connection properties; the embedded servers this context now uses are added to its {@code lease}. */
    static Map<String, Object> resolve(ConfigurableEnvironment env, Lease lease) {
        Path dataDir = Path.of(env.getProperty("dawg.data-dir", "./data")).toAbsolutePath().normalize();
        String dbUrl = env.getProperty("dawg.db.url", "");
        String redisUrl = env.getProperty("dawg.redis.url", "");
        String s3Endpoint = env.getProperty("dawg.s3.endpoint", "");
        boolean embeddedAvailable = ClassUtils.isPresent("io.zonky.test.db.postgres.embedded.EmbeddedPostgres", null);
        if (!embeddedAvailable && (dbUrl.isBlank() || redisUrl.isBlank() || s3Endpoint.isBlank())) {
            throw new IllegalStateException("This build carries no embedded services (it was packaged with -Dproduction): "
                    + "set DAWG_DB_URL, DAWG_REDIS_URL and DAWG_S3_ENDPOINT (see the README's configuration table), "
                    + "or run from source with ./mvnw spring-boot:run");
        }

        // Start the embedded servers side by side: PostgreSQL dominates (initdb on the first start).
        Map<String, CompletableFuture<EmbeddedServer>> starting = new LinkedHashMap<>();
        if (dbUrl.isBlank()) {
            starting.put("postgres", startAsync("PostgreSQL", dataDir, lease, () -> startEmbedded("EmbeddedPostgresServer", dataDir.resolve("postgres"))));
        }
        if (redisUrl.isBlank()) {
            starting.put("redis", startAsync("Redis", dataDir, lease, () -> startEmbedded("EmbeddedRedisServer", dataDir.resolve("redis"))));
        }
        if (s3Endpoint.isBlank()) {
            starting.put("s3", startAsync("S3 endpoint", dataDir, lease, () -> startEmbedded("EmbeddedS3Server", dataDir.resolve("objects"))));
        }
        Map<String, Object> dawg = new LinkedHashMap<>();
        dawg.put("dawg.db.url", dbUrl);
        dawg.put("dawg.db.user", env.getProperty("dawg.db.user", ""));
        dawg.put("dawg.db.password", env.getProperty("dawg.db.password", ""));
        dawg.put("dawg.redis.url", redisUrl);
        for (CompletableFuture<EmbeddedServer> future : starting.values()) {
            EmbeddedServer server = future.join();
            dawg.putAll(server.connectionProperties());
            log.info("{} (data in {})", server.summary(), dataDir);
        }

        Map<String, Object> properties = new LinkedHashMap<>(dawg);
        DatabaseUrl database = DatabaseUrl.parse((String) dawg.get("dawg.db.url"));
        properties.put("dawg.db.url", database.plain());
        properties.put("spring.r2dbc.url", database.r2dbc());
        properties.put("spring.r2dbc.username", dawg.get("dawg.db.user"));
        properties.put("spring.r2dbc.password", dawg.get("dawg.db.password"));
        properties.put("spring.flyway.url", database.jdbc());
        properties.put("spring.flyway.user", dawg.get("dawg.db.user"));
        properties.put("spring.flyway.password", dawg.get("dawg.db.password"));
        String replica = env.getProperty("dawg.db.replica-url", "");
        if (!replica.isBlank()) {
            properties.put("dawg.db.replica-url", DatabaseUrl.parse(replica).plain());
        }
        properties.put("spring.data.redis.url", dawg.get("dawg.redis.url"));
        return properties;
    }

    /**
     * Starts one of this package's embedded servers by name: the production build compiles without them
     * (and without their libraries), so nothing here may refer to them directly.
     */
    private static EmbeddedServer startEmbedded(String className, Path directory) throws Exception {
        Class<?> type = Class.forName(EmbeddedServices.class.getPackageName() + "." + className);
        java.lang.reflect.Method start = type.getDeclaredMethod("start", Path.class);
        start.setAccessible(true);
        try {
            return (EmbeddedServer) start.invoke(null, directory);
        }
        catch (java.lang.reflect.InvocationTargetException ex) {
            throw ex.getCause() instanceof Exception cause ? cause : ex;
        }
    }

    interface Starter {
        EmbeddedServer start() throws Exception;
    }

    static CompletableFuture<EmbeddedServer> startAsync(String name, Path dataDir, Lease lease, Starter starter) {
        String key = name + " in " + dataDir;
        synchronized (RUNNING) {
            EmbeddedServer running = RUNNING.get(key);
            if (running != null) {
                lease.use(key);
                return CompletableFuture.completedFuture(running);
            }
        }
        return CompletableFuture.supplyAsync(() -> {
            try {
                EmbeddedServer server = starter.start();
                synchronized (RUNNING) {
                    RUNNING.put(key, server);
                    lease.use(key);
                }
                SpringApplication.getShutdownHandlers().add(() -> stop(key));
                return server;
            }
            catch (Exception ex) {
                throw new IllegalStateException("Could not start the embedded " + name + " in " + dataDir
                        + ": " + ex.getMessage() + ". Check that the data directory is writable, or set the "
                        + "environment variable for an external " + name + " (see the README)", ex);
            }
        });
    }

    /**
     * The embedded servers one application context uses, released when it closes or fails to start (both, when a
     * failed refresh destroys its beans): the servers no other context uses then stop.
     */
    static final class Lease {

        /** Guarded by {@code RUNNING}; emptied by the release, so a second one releases nothing. */
        private final Set<String> keys = new HashSet<>();

        private void use(String key) {
            USERS.merge(key, 1, Integer::sum);
            keys.add(key);
        }

        void release() {
            synchronized (RUNNING) {
                for (String key : keys) {
                    if (USERS.merge(key, -1, Integer::sum) <= 0) {
                        stop(key);
                    }
                }
                keys.clear();
            }
        }
    }

    private static void stop(String key) {
        EmbeddedServer server;
        synchronized (RUNNING) {
            server = RUNNING.remove(key);
            USERS.remove(key);
        }
        if (server != null) {
            try {
                server.close();
                log.info("Embedded {} stopped", key);
            }
            catch (Exception ex) {
                log.warn("Embedded {} did not stop cleanly: {}", key, ex.toString());
            }
        }
    }
}
