package dev.dawg.platform.web;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Field-by-field reading of a JSON object body that collects every problem before failing once with a 400
 * {@code VALIDATION_FAILED} listing them all; unknown and read-only fields are rejected by name.
 */
public final class JsonFields {

    private final ObjectNode body;
    private final List<ApiProblem.FieldError> errors = new ArrayList<>();

    private JsonFields(ObjectNode body) {
        this.body = body;
    }

    public static JsonFields of(ObjectNode body) {
        return new JsonFields(body);
    }

    /** Rejects fields outside {@code allowed}; {@code readOnly} ones get a message saying they cannot be set. */
    public JsonFields allowOnly(Set<String> allowed, Set<String> readOnly) {
        for (String name : body.propertyNames()) {
            if (readOnly.contains(name)) {
                errors.add(new ApiProblem.FieldError(name, "is read-only and cannot be set"));
            }
            else if (!allowed.contains(name)) {
                errors.add(new ApiProblem.FieldError(name, "is not a known field"));
            }
        }
        return this;
    }

    public JsonFields allowOnly(Set<String> allowed) {
        return allowOnly(allowed, Set.of());
    }

    public boolean has(String name) {
        return body.has(name);
    }

    public String requiredString(String name, int min, int max) {
        JsonNode node = body.get(name);
        if (node == null || node.isNull()) {
            errors.add(new ApiProblem.FieldError(name, "is required"));
            return null;
        }
        return checkString(name, node, min, max);
    }

    /** An optional string; absent gives empty, JSON null gives {@code Optional.of("")} only when nullable. */
    public Optional<String> optionalString(String name, int min, int max) {
        JsonNode node = body.get(name);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        return Optional.ofNullable(checkString(name, node, min, max));
    }

    public String matching(String name, String value, Pattern pattern, String message) {
        if (value != null && !pattern.matcher(value).matches()) {
            errors.add(new ApiProblem.FieldError(name, message));
        }
        return value;
    }

    public Optional<Integer> optionalInt(String name, int min, int max) {
        JsonNode node = body.get(name);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt()) {
            errors.add(new ApiProblem.FieldError(name, "must be a whole number"));
            return Optional.empty();
        }
        int value = node.asInt();
        if (value < min || value > max) {
            errors.add(new ApiProblem.FieldError(name, "must be between " + min + " and " + max));
            return Optional.empty();
        }
        return Optional.of(value);
    }

    public Optional<List<String>> optionalStringList(String name, int maxItems, int maxLength) {
        JsonNode node = body.get(name);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isArray()) {
            errors.add(new ApiProblem.FieldError(name, "must be an array of strings"));
            return Optional.empty();
        }
        if (node.size() > maxItems) {
            errors.add(new ApiProblem.FieldError(name, "must have at most " + maxItems + " items"));
            return Optional.empty();
        }
        List<String> values = new ArrayList<>();
        for (JsonNode item : node) {
            if (!item.isString() || item.stringValue().isBlank() || item.stringValue().length() > maxLength) {
                errors.add(new ApiProblem.FieldError(name, "items must be non-blank strings of at most " + maxLength + " characters"));
                return Optional.empty();
            }
            values.add(item.stringValue().trim());
        }
        return Optional.of(values);
    }

    public Optional<String> optionalUrl(String name, int max) {
        Optional<String> value = optionalString(name, 0, max);
        value.filter(v -> !v.isEmpty()).ifPresent(v -> {
            try {
                URI uri = URI.create(v);
                if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme()) || uri.getHost() == null) {
                    errors.add(new ApiProblem.FieldError(name, "must be an http(s) URL"));
                }
            }
            catch (IllegalArgumentException ex) {
                errors.add(new ApiProblem.FieldError(name, "must be an http(s) URL"));
            }
        });
        return value;
    }

    public Optional<ObjectNode> optionalObject(String name) {
        JsonNode node = body.get(name);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isObject()) {
            errors.add(new ApiProblem.FieldError(name, "must be a JSON object"));
            return Optional.empty();
        }
        return Optional.of((ObjectNode) node);
    }

    public void reject(String name, String message) {
        errors.add(new ApiProblem.FieldError(name, message));
    }

    /** Throws the collected problems, if any. */
    public void validate() {
        if (!errors.isEmpty()) {
            throw ApiProblem.validation(errors);
        }
    }

    private String checkString(String name, JsonNode node, int min, int max) {
        if (!node.isString()) {
            errors.add(new ApiProblem.FieldError(name, "must be a string"));
            return null;
        }
        String value = node.stringValue();
        int length = value.codePointCount(0, value.length());
        if (length < min || length > max) {
            errors.add(new ApiProblem.FieldError(name, min == max ? "must be " + min + " characters"
                    : "must be " + min + " to " + max + " characters"));
            return null;
        }
        return value;
    }
}
