package dev.dawg.platform.config;

import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Turns {@code DAWG_LOG_FORMAT=json} into Spring Boot's structured (Logstash JSON) console logging before the
 * logging system starts; any other value keeps readable lines.
 */
class LogFormatEnvironmentPostProcessor implements EnvironmentPostProcessor {

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        String format = environment.getProperty("DAWG_LOG_FORMAT", environment.getProperty("dawg.log-format", "text"));
        if ("json".equalsIgnoreCase(format.trim())) {
            environment.getPropertySources().addFirst(new MapPropertySource("dawgLogFormat",
                    Map.of("logging.structured.format.console", "logstash")));
        }
    }
}
