package dev.dawg.platform.config;

import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Keeps the R2DBC PostgreSQL driver from ever logging bound SQL values (password hashes, profile data), whatever
 * level is configured: the driver reads its {@code io.r2dbc.postgresql.PARAM} level once, when it first binds,
 * so it must be off before the logging system starts; changing it later has no effect either way.
 */
class BoundValuesLoggingEnvironmentPostProcessor implements EnvironmentPostProcessor {

    static final String BOUND_VALUES_LOGGER = "logging.level.io.r2dbc.postgresql.PARAM";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        environment.getPropertySources().addFirst(new MapPropertySource("dawgNoBoundValuesInLogs",
                Map.of(BOUND_VALUES_LOGGER, "OFF")));
    }
}
