package dev.dawg.assets;

import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import dev.dawg.platform.web.ApiProblem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The part arithmetic of resumable uploads at S3's limits, and the part numbers a client may ask URLs for. */
class ResumableUploadsTest {

    static final long MIB = 1024 * 1024;
    static final long EIGHT_MIB = 8 * MIB;

    @Test
    void shouldKeepTheConfiguredPartSizeWhileTheFileTakesAtMostTenThousandParts() {
        assertThat(ResumableUploads.partSize(1, EIGHT_MIB)).isEqualTo(EIGHT_MIB);
        assertThat(ResumableUploads.partSize(10_000 * EIGHT_MIB, EIGHT_MIB)).isEqualTo(EIGHT_MIB);
        assertThat(ResumableUploads.partCount(10_000 * EIGHT_MIB, EIGHT_MIB)).isEqualTo(10_000);
        assertThat(ResumableUploads.partCount(1, EIGHT_MIB)).isOne();
        assertThat(ResumableUploads.partCount(EIGHT_MIB, EIGHT_MIB)).isOne();
        assertThat(ResumableUploads.partCount(EIGHT_MIB + 1, EIGHT_MIB)).isEqualTo(2);
    }

    @Test
    void shouldGrowThePartSizeInWholeMebibytesPastTenThousandParts() {
        for (long size : List.of(10_000 * EIGHT_MIB + 1, 500L * 1024 * MIB * 1024 / 10, 5L * 1024 * 1024 * MIB, 5L * 1024 * 1024 * MIB * 1024)) {
            long part = ResumableUploads.partSize(size, EIGHT_MIB);
            assertThat(part % MIB).isZero();
            assertThat(part).isGreaterThanOrEqualTo(EIGHT_MIB);
            assertThat(ResumableUploads.partCount(size, part)).isBetween(1, ResumableUploads.MAX_PARTS);
            // Every part but the last is the part size (at least S3's 5 MiB), the last the rest, and they add up.
            int count = ResumableUploads.partCount(size, part);
            long last = ResumableUploads.partLength(size, part, count);
            assertThat(last).isBetween(1L, part);
            assertThat((count - 1) * part + last).isEqualTo(size);
        }
        assertThat(ResumableUploads.partSize(10_000 * EIGHT_MIB + 1, EIGHT_MIB)).isEqualTo(9 * MIB);
    }

    @Test
    void shouldSplitAFileIntoPartsOfThePartSizeAndARest() {
        long size = 3 * 5 * MIB + 500_000;
        assertThat(ResumableUploads.partCount(size, 5 * MIB)).isEqualTo(4);
        assertThat(List.of(1, 2, 3, 4).stream().map(n -> ResumableUploads.partLength(size, 5 * MIB, n)))
                .containsExactly(5 * MIB, 5 * MIB, 5 * MIB, 500_000L);
    }

    @Test
    void shouldAcceptOnlyDistinctPartNumbersOfTheUpload() {
        assertThat(ResumableUploads.partNumbers(body("{\"partNumbers\":[3,1]}"), 3)).containsExactly(3, 1);
        for (String bad : List.of("{}", "{\"partNumbers\":[]}", "{\"partNumbers\":[0]}", "{\"partNumbers\":[4]}", "{\"partNumbers\":[1,1]}",
                "{\"partNumbers\":[\"1\"]}", "{\"partNumbers\":[2147483648]}", "{\"partNumbers\":1}", "{\"partNumbers\":[1],\"x\":1}",
                "{\"partNumbers\":[null]}")) {
            assertThatThrownBy(() -> ResumableUploads.partNumbers(body(bad), 3)).as(bad).isInstanceOf(ApiProblem.class)
                    .extracting(problem -> ((ApiProblem) problem).code()).isEqualTo("VALIDATION_FAILED");
        }
        StringBuilder many = new StringBuilder("{\"partNumbers\":[1");
        for (int i = 2; i <= ResumableUploads.MAX_URLS_PER_REQUEST + 1; i++) {
            many.append(',').append(i);
        }
        assertThatThrownBy(() -> ResumableUploads.partNumbers(body(many + "]}"), ResumableUploads.MAX_PARTS)).isInstanceOf(ApiProblem.class);
    }

    private static ObjectNode body(String json) {
        return (ObjectNode) JsonMapper.builder().build().readTree(json);
    }
}
