package dev.dawg.assets.storage;

import reactor.core.publisher.Mono;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.dawg.platform.health.HealthChecks;

/** The {@code storage} health component: the S3 endpoint answers and the bucket exists. */
@Configuration(proxyBeanMethods = false)
class StorageHealthIndicator {

    @Bean("storage")
    ReactiveHealthIndicator storageHealthIndicator(ObjectStorage storage) {
        return HealthChecks.bounded(Mono.defer(() -> storage.ready().then(storage.bucketExists()))
                .map(exists -> exists ? Health.up().withDetail("bucket", storage.bucket()).build()
                        : Health.down().withDetail("bucket", storage.bucket() + " is missing").build()));
    }
}
