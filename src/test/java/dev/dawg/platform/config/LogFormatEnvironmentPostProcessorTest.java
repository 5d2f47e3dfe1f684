package dev.dawg.platform.config;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.logging.logback.StructuredLogEncoder;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

import dev.dawg.platform.web.RequestIds;

import static org.assertj.core.api.Assertions.assertThat;

/** DAWG_LOG_FORMAT=json turns log lines into JSON documents that carry the request id; anything else keeps text. */
class LogFormatEnvironmentPostProcessorTest {

    private static ConfigurableEnvironment environmentWith(Map<String, Object> variables) {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new MapPropertySource("variables", variables));
        new LogFormatEnvironmentPostProcessor().postProcessEnvironment(environment, new SpringApplication());
        return environment;
    }

    @Test
    void shouldWriteEachLogLineAsJsonWithTheRequestId() {
        ConfigurableEnvironment environment = environmentWith(Map.of("DAWG_LOG_FORMAT", "json"));
        String format = environment.getProperty("logging.structured.format.console");
        assertThat(format).isNotBlank();

        // The encoder Spring Boot's logging system installs for that property, fed one event of a request.
        LoggerContext loggers = new LoggerContext();
        loggers.putObject(Environment.class.getName(), environment);
        StructuredLogEncoder encoder = new StructuredLogEncoder();
        encoder.setContext(loggers);
        encoder.setFormat(format);
        encoder.start();
        LoggingEvent event = new LoggingEvent(getClass().getName(), loggers.getLogger("dev.dawg.projects"), Level.ERROR,
                "Unexpected failure on GET /api/projects", null, null);
        event.setMDCPropertyMap(Map.of(RequestIds.CONTEXT_KEY, "json-log-id-42"));

        String line = new String(encoder.encode(event), StandardCharsets.UTF_8);
        assertThat(line).endsWith("\n").hasLineCount(1);
        JsonNode json = JsonMapper.builder().build().readTree(line);
        assertThat(json.path(RequestIds.CONTEXT_KEY).asString()).isEqualTo("json-log-id-42");
        assertThat(json.path("message").asString()).isEqualTo("Unexpected failure on GET /api/projects");
        assertThat(json.path("level").asString()).isEqualTo("ERROR");
    }

    @Test
    void shouldKeepReadableLinesUnlessJsonIsAsked() {
        assertThat(environmentWith(Map.of()).getProperty("logging.structured.format.console")).isNull();
        assertThat(environmentWith(Map.of("DAWG_LOG_FORMAT", "text")).getProperty("logging.structured.format.console")).isNull();
    }

    @Test
    void shouldAcceptTheFormatInAnyCaseAndWithSpaces() {
        assertThat(environmentWith(Map.of("DAWG_LOG_FORMAT", " JSON ")).getProperty("logging.structured.format.console")).isNotNull();
    }
}
