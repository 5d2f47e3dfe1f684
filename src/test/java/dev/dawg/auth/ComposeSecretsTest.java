package dev.dawg.auth;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code compose.yaml} ships no signing key: a copied default would let anyone who read it sign tokens. */
class ComposeSecretsTest {

    @Test
    @SuppressWarnings("unchecked")
    void shouldRequireTheJwtSecretFromTheEnvironmentWithAMessage() throws IOException {
        Map<String, Object> compose;
        try (Reader reader = Files.newBufferedReader(Path.of("compose.yaml"))) {
            compose = new Yaml().load(reader);
        }
        Map<String, Object> server = (Map<String, Object>) ((Map<String, Object>) compose.get("services")).get("server");
        Object secret = ((Map<String, Object>) server.get("environment")).get("DAWG_JWT_SECRET");
        // Compose's ${VAR:?message}: refuses to start, with the message, when the variable is unset or empty.
        assertThat(secret).asString().matches("\\$\\{DAWG_JWT_SECRET:\\?set DAWG_JWT_SECRET .+}");
    }
}
