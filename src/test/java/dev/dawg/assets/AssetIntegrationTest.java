package dev.dawg.assets;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.context.annotation.Import;
import org.springframework.test.context.TestPropertySource;

import dev.dawg.support.IntegrationTest;

/**
 * An integration test of assets. All asset test classes share these settings, hence one application
 * context: a 16 MB upload limit (so "too large" is cheap to send, while a 12 MB file still takes the
 * multipart path with 8 MB parts), resumable uploads in parts of 5 MB (the S3 minimum, so a file under the
 * limit still takes four parts) and a one-second sweep.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@IntegrationTest
@TestPropertySource(properties = { "dawg.assets.max-upload-size=16MB", "dawg.assets.sweep-interval=1s",
        "dawg.assets.resumable-part-size=5MB" })
@Import(AssetApi.class)
public @interface AssetIntegrationTest {

    long MAX_UPLOAD = 16L * 1024 * 1024;
}
