package dev.dawg;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Entry point of dawg-server, the backend of the DAWG browser DAW. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class DawgApplication {

    public static void main(String[] args) {
        SpringApplication.run(DawgApplication.class, args);
    }
}
