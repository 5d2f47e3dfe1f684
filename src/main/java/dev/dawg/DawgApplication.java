package dev.dawg;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.metrics.buffering.BufferingApplicationStartup;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Entry point of dawg-server, the backend of the DAWG browser DAW. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class DawgApplication {

    public static void main(String[] args) {
        SpringApplication app = new SpringApplication(DawgApplication.class);
        // -Ddawg.startup-steps=true: where start-up time goes, at /actuator/startup (when exposed; README, Performance).
        if (Boolean.getBoolean("dawg.startup-steps")) {
            app.setApplicationStartup(new BufferingApplicationStartup(20_000));
        }
        app.run(args);
    }
}
