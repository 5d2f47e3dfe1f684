package dev.dawg.support;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.annotation.Import;

/**
 * An integration test against the whole server on a random port, talking to real PostgreSQL, Redis and S3:
 * the embedded ones by default, the services named by {@code DAWG_DB_URL}, {@code DAWG_REDIS_URL} and
 * {@code DAWG_S3_ENDPOINT} when those are set, or containers in {@code ContainerizedScenariosTest}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        // A known key lets tests forge the bad tokens (expired, wrong issuer...) that must be refused.
        "dawg.auth.jwt-secret=" + IntegrationTest.JWT_SECRET })
@AutoConfigureWebTestClient(timeout = "30s")
@Import(Api.class)
public @interface IntegrationTest {

    String JWT_SECRET = "integration-tests-hs256-secret-0123456789abcdef";
}
