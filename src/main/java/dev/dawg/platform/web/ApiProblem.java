package dev.dawg.platform.web;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;

/**
 * A failure that the client caused or must know about, carried to the one problem+json writer. Features
 * throw or emit these; the status and the code are decided here, never from exception messages.
 */
public final class ApiProblem extends RuntimeException {

    /** One rejected input field, in the {@code errors} array of a validation problem. */
    public record FieldError(String field, String message) {
    }

    private final HttpStatus status;
    private final String code;
    private final Map<String, Object> properties;
    private final List<FieldError> errors;
    private final HttpHeaders headers;

    private ApiProblem(HttpStatus status, String code, String detail, Map<String, Object> properties,
            List<FieldError> errors, HttpHeaders headers) {
        super(detail, null, false, false);
        this.status = status;
        this.code = code;
        this.properties = properties;
        this.errors = errors;
        this.headers = headers;
    }

    public static ApiProblem of(HttpStatus status, String code, String detail) {
        return new ApiProblem(status, code, detail, new LinkedHashMap<>(), List.of(), new HttpHeaders());
    }

    public static ApiProblem validation(List<FieldError> errors) {
        String detail = errors.size() == 1 ? errors.get(0).field() + ": " + errors.get(0).message()
                : errors.size() + " fields are invalid";
        return new ApiProblem(HttpStatus.BAD_REQUEST, "VALIDATION_FAILED", detail, new LinkedHashMap<>(), List.copyOf(errors),
                new HttpHeaders());
    }

    public static ApiProblem validation(String field, String message) {
        return validation(List.of(new FieldError(field, message)));
    }

    public static ApiProblem malformed(String detail) {
        return of(HttpStatus.BAD_REQUEST, "MALFORMED_REQUEST", detail);
    }

    public static ApiProblem unauthorized(String detail) {
        return of(HttpStatus.UNAUTHORIZED, "UNAUTHORIZED", detail);
    }

    public static ApiProblem forbidden(String detail) {
        return of(HttpStatus.FORBIDDEN, "FORBIDDEN", detail);
    }

    /** An API key without the scope the operation needs (a signed-in user holds every scope). */
    public static ApiProblem insufficientScope(String detail) {
        return of(HttpStatus.FORBIDDEN, "INSUFFICIENT_SCOPE", detail);
    }

    public static ApiProblem notFound(String detail) {
        return of(HttpStatus.NOT_FOUND, "NOT_FOUND", detail);
    }

    public static ApiProblem conflict(String detail) {
        return of(HttpStatus.CONFLICT, "CONFLICT", detail);
    }

    public static ApiProblem gone(String detail) {
        return of(HttpStatus.GONE, "GONE", detail);
    }

    public static ApiProblem payloadTooLarge(String detail) {
        return of(HttpStatus.CONTENT_TOO_LARGE, "PAYLOAD_TOO_LARGE", detail);
    }

    public static ApiProblem unsupportedMediaType(String detail) {
        return of(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "UNSUPPORTED_MEDIA_TYPE", detail);
    }

    public static ApiProblem preconditionRequired(String detail) {
        return of(HttpStatus.PRECONDITION_REQUIRED, "PRECONDITION_REQUIRED", detail);
    }

    public static ApiProblem serviceUnavailable(String detail) {
        return of(HttpStatus.SERVICE_UNAVAILABLE, "SERVICE_UNAVAILABLE", detail).withHeader(HttpHeaders.RETRY_AFTER, "5");
    }

    /** Adds a member to the problem body, e.g. {@code currentVersion} on a version conflict. */
    public ApiProblem with(String name, Object value) {
        properties.put(name, value);
        return this;
    }

    public ApiProblem withHeader(String name, String value) {
        headers.set(name, value);
        return this;
    }

    public HttpStatus status() {
        return status;
    }

    public String code() {
        return code;
    }

    public String detail() {
        return getMessage();
    }

    public Map<String, Object> properties() {
        return properties;
    }

    public List<FieldError> errors() {
        return errors;
    }

    public HttpHeaders headers() {
        return headers;
    }
}
