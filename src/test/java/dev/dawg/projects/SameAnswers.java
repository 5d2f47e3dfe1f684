package dev.dawg.projects;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.springframework.http.HttpHeaders;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import static org.assertj.core.api.Assertions.assertThat;

/** The one comparison of a read answered by the cached-read fast path with the framework's answer to it. */
final class SameAnswers {

    private SameAnswers() {
    }

    /** Same status, headers (but the request id) and body bytes. */
    static void assertSameAnswer(EntityExchangeResult<byte[]> fast, EntityExchangeResult<byte[]> framework) {
        assertThat(fast.getStatus()).isEqualTo(framework.getStatus());
        assertThat(withoutRequestId(fast.getResponseHeaders())).isEqualTo(withoutRequestId(framework.getResponseHeaders()));
        assertThat(fast.getResponseBody()).isEqualTo(framework.getResponseBody());
    }

    private static Map<String, List<String>> withoutRequestId(HttpHeaders headers) {
        Map<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.forEach((name, values) -> copy.put(name, values));
        copy.remove("X-Request-Id");
        return copy;
    }
}
