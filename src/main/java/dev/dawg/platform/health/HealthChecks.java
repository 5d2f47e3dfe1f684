package dev.dawg.platform.health;

import java.time.Duration;

import reactor.core.publisher.Mono;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.r2dbc.core.DatabaseClient;

/**
 * The {@code db} health component (Redis comes from Spring Boot as {@code redis}; storage from the assets package),
 * and the one shape every dependency check takes: a short timeout, so a hung dependency reads as DOWN instead of
 * hanging the probe, and DOWN naming only the kind of error.
 */
@Configuration(proxyBeanMethods = false)
public class HealthChecks {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    /** A health indicator answering {@code check} within the timeout, or DOWN. */
    public static ReactiveHealthIndicator bounded(Mono<Health> check) {
        return () -> check.timeout(TIMEOUT)
                .onErrorResume(ex -> Mono.just(Health.down().withDetail("error", ex.getClass().getSimpleName()).build()));
    }

    @Bean("db")
    ReactiveHealthIndicator dbHealthIndicator(DatabaseClient database) {
        return bounded(Mono.defer(() -> database.sql("SELECT 1").fetch().first())
                .map(row -> Health.up().withDetail("database", "PostgreSQL").build()));
    }
}
