package dev.dawg.platform.health;

import java.time.Duration;

import reactor.core.publisher.Mono;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.r2dbc.core.DatabaseClient;

import dev.dawg.assets.storage.ObjectStorage;

/**
 * The {@code db} and {@code storage} health components (Redis comes from Spring Boot as {@code redis}); each
 * answers within a short timeout so a hung dependency reads as DOWN instead of hanging the probe.
 */
@Configuration(proxyBeanMethods = false)
class DependencyHealthIndicators {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    @Bean("db")
    ReactiveHealthIndicator dbHealthIndicator(DatabaseClient database) {
        return () -> database.sql("SELECT 1").fetch().first()
                .map(row -> Health.up().withDetail("database", "PostgreSQL").build())
                .timeout(TIMEOUT)
                .onErrorResume(ex -> Mono.just(Health.down().withDetail("error", ex.getClass().getSimpleName()).build()));
    }

    @Bean("storage")
    ReactiveHealthIndicator storageHealthIndicator(ObjectStorage storage) {
        return () -> storage.ready().then(storage.bucketExists())
                .map(exists -> exists ? Health.up().withDetail("bucket", storage.bucket()).build()
                        : Health.down().withDetail("bucket", storage.bucket() + " is missing").build())
                .timeout(TIMEOUT)
                .onErrorResume(ex -> Mono.just(Health.down().withDetail("error", ex.getClass().getSimpleName()).build()));
    }
}
