package dev.dawg;

import org.junit.jupiter.api.Nested;
import org.testcontainers.containers.MinIOContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.postgresql.PostgreSQLContainer;

import com.redis.testcontainers.RedisContainer;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.dawg.assets.AssetDownloadIntegrationTests;
import dev.dawg.assets.AssetUploadIntegrationTests;
import dev.dawg.assets.PresignedUploadIntegrationTests;
import dev.dawg.auth.AuthIntegrationTests;
import dev.dawg.platform.PlatformIntegrationTests;
import dev.dawg.projects.NoLostUpdateIntegrationTests;
import dev.dawg.projects.ProjectIntegrationTests;
import dev.dawg.realtime.LiveProjectEventsIntegrationTests;
import dev.dawg.sharing.ShareLinkIntegrationTests;
import dev.dawg.social.SocialIntegrationTests;

/**
 * The same scenarios as the default integration tests, against real PostgreSQL, Redis and MinIO containers.
 * Skipped where no Docker engine runs (as on the development machines here); the containers are wired through
 * the same DAWG_* settings a deployment uses, so this also proves that nothing embedded starts then.
 */
@Testcontainers(disabledWithoutDocker = true)
class ContainerizedScenariosTest {

    @Container
    static final PostgreSQLContainer postgres = new PostgreSQLContainer("postgres:17-alpine");

    @Container
    static final RedisContainer redis = new RedisContainer("redis:7-alpine");

    @Container
    static final MinIOContainer minio = new MinIOContainer("minio/minio:RELEASE.2025-09-07T16-13-09Z");

    @DynamicPropertySource
    static void containers(DynamicPropertyRegistry registry) {
        registry.add("dawg.db.url", () -> "postgresql://" + postgres.getHost() + ":" + postgres.getFirstMappedPort() + "/" + postgres.getDatabaseName());
        registry.add("dawg.db.user", postgres::getUsername);
        registry.add("dawg.db.password", postgres::getPassword);
        registry.add("dawg.redis.url", () -> "redis://" + redis.getRedisHost() + ":" + redis.getRedisPort());
        registry.add("dawg.s3.endpoint", minio::getS3URL);
        registry.add("dawg.s3.access-key", minio::getUserName);
        registry.add("dawg.s3.secret-key", minio::getPassword);
    }

    @Nested
    class Platform extends PlatformIntegrationTests {
    }

    @Nested
    class AssetUploads extends AssetUploadIntegrationTests {
    }

    @Nested
    class PresignedUploads extends PresignedUploadIntegrationTests {
    }

    @Nested
    class AssetDownloads extends AssetDownloadIntegrationTests {
    }

    @Nested
    class Auth extends AuthIntegrationTests {
    }

    @Nested
    class Projects extends ProjectIntegrationTests {
    }

    @Nested
    class NoLostUpdates extends NoLostUpdateIntegrationTests {
    }

    @Nested
    class ShareLinks extends ShareLinkIntegrationTests {
    }

    @Nested
    class Social extends SocialIntegrationTests {
    }

    @Nested
    class LiveProjectEvents extends LiveProjectEventsIntegrationTests {
    }
}
