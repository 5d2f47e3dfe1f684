package dev.dawg.projects.patch;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Test helpers for reading JSON text and resources into Jackson trees. */
final class Json {

    static final JsonMapper MAPPER = JsonMapper.shared();

    private Json() {
    }

    static JsonNode parse(String json) {
        return MAPPER.readTree(json);
    }

    static List<JsonNode> resourceArray(String name) {
        try (InputStream in = Json.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + name);
            }
            List<JsonNode> cases = new ArrayList<>();
            MAPPER.readTree(in).forEach(cases::add);
            return cases;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
