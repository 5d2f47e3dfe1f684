package dev.dawg.platform.web;

import java.util.Arrays;
import java.util.List;

import org.springframework.http.HttpMethod;
import org.springframework.http.server.PathContainer;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * A route whose body may be larger than {@code DAWG_MAX_REQUEST_BODY} (the streamed uploads), declared as a bean by
 * the feature that owns it. Its body is still bounded, by {@code maxBytes}, in the same place as every other body.
 */
public record RequestBodyAllowance(HttpMethod method, List<PathPattern> paths, long maxBytes) {

    public static RequestBodyAllowance of(HttpMethod method, long maxBytes, String... paths) {
        return new RequestBodyAllowance(method, Arrays.stream(paths).map(PathPatternParser.defaultInstance::parse).toList(),
                maxBytes);
    }

    boolean covers(HttpMethod requestMethod, PathContainer path) {
        return method.equals(requestMethod) && paths.stream().anyMatch(pattern -> pattern.matches(path));
    }
}
