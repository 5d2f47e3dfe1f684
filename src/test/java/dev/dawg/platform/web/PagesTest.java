package dev.dawg.platform.web;

import java.util.Collections;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.mock.web.reactive.function.server.MockServerRequest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Offset pages never hand out a cursor that the server then refuses. */
class PagesTest {

    @Test
    void shouldStopHandingOutCursorsAtTheDeepestOffsetServed() {
        List<Integer> fullPage = Collections.nCopies(21, 0);
        Map<String, Object> lastServable = page(Pages.MAX_OFFSET - 40, 20).toBody(fullPage);
        String next = (String) lastServable.get("nextCursor");
        assertThat(next).isNotNull();
        Pages.OffsetPage atTheCap = Pages.offsetPage(MockServerRequest.builder().queryParam("limit", "20").queryParam("cursor", next).build());
        assertThat(atTheCap.offset()).isEqualTo(Pages.MAX_OFFSET - 20);

        assertThat(atTheCap.toBody(fullPage).get("nextCursor")).as("offset %d is served", Pages.MAX_OFFSET).isNotNull();
        assertThat(page(Pages.MAX_OFFSET, 20).toBody(fullPage).get("nextCursor")).isNull();
        assertThat(page(Pages.MAX_OFFSET - 10, 20).toBody(fullPage).get("nextCursor")).isNull();
        assertThatThrownBy(() -> page(Pages.MAX_OFFSET + 1, 20)).isInstanceOf(ApiProblem.class);
    }

    private static Pages.OffsetPage page(int offset, int limit) {
        return Pages.offsetPage(MockServerRequest.builder().queryParam("limit", Integer.toString(limit))
                .queryParam("cursor", Pages.encodeCursor(Integer.toString(offset))).build());
    }
}
