package dev.dawg.projects.patch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class JsonPointerTest {

    @Test
    void shouldParseEmptyPointerAsWholeDocument() {
        assertThat(JsonPointer.parse("")).isEqualTo(JsonPointer.ROOT);
        assertThat(JsonPointer.parse("").isRoot()).isTrue();
    }

    @Test
    void shouldUnescapeTildeSequencesInRfcOrder() {
        assertThat(JsonPointer.parse("/a~1b/m~0n/~01").tokens()).containsExactly("a/b", "m~n", "~1");
    }

    @Test
    void shouldKeepEmptyTokens() {
        assertThat(JsonPointer.parse("/").tokens()).containsExactly("");
        assertThat(JsonPointer.parse("/foo//").tokens()).containsExactly("foo", "", "");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/", "/a~1b/m~0n", "/~01", "/projectData/tracks/0/clips/-", "/ /%/\"/\\"})
    void shouldRoundTripThroughToString(String text) {
        assertThat(JsonPointer.parse(text)).hasToString(text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "a/b", "/a~", "/a~2", "/~x", "#/a"})
    void shouldRejectInvalidSyntaxAsMalformed(String text) {
        assertThatThrownBy(() -> JsonPointer.parse(text))
                .isInstanceOfSatisfying(PatchException.class, e -> {
                    assertThat(e.reason()).isEqualTo(PatchException.Reason.MALFORMED_PATCH);
                    assertThat(e.pointer()).contains(text);
                });
    }

    @Test
    void shouldRejectMoreThanMaxSegments() {
        String deep = "/x".repeat(JsonPointer.MAX_SEGMENTS + 1);

        assertThatThrownBy(() -> JsonPointer.parse(deep))
                .isInstanceOfSatisfying(PatchException.class,
                        e -> assertThat(e.reason()).isEqualTo(PatchException.Reason.MALFORMED_PATCH))
                .hasMessageContaining("more than 1000 segments");
    }

    @Test
    void shouldAcceptExactlyMaxSegments() {
        assertThat(JsonPointer.parse("/x".repeat(JsonPointer.MAX_SEGMENTS)).depth()).isEqualTo(JsonPointer.MAX_SEGMENTS);
    }

    @Test
    void shouldRejectAMegabyteOfSlashesQuickly() {
        String hostile = "/".repeat(1_000_000);

        assertThatThrownBy(() -> JsonPointer.parse(hostile)).isInstanceOf(PatchException.class)
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(300));
    }

    @ParameterizedTest
    @CsvSource({"0,0", "7,7", "10,10", "2147483647,2147483647", "99999999999999999999,2147483647",
            "01,-1", "00,-1", "-1,-1", "1e0,-1", "' 1',-1", "+1,-1", "-,-1", "'',-1", "1.0,-1"})
    void shouldParseArrayIndicesWithoutLeadingZeros(String token, int expected) {
        assertThat(JsonPointer.arrayIndex(token)).isEqualTo(expected);
    }

    @Test
    void shouldNavigateParentAndLastToken() {
        JsonPointer pointer = JsonPointer.parse("/tracks/3/clips");

        assertThat(pointer.parent()).isEqualTo(JsonPointer.of("tracks", "3"));
        assertThat(pointer.lastToken()).isEqualTo("clips");
        assertThat(JsonPointer.of("tracks").append(3).append("a/b")).hasToString("/tracks/3/a~1b");
        assertThatThrownBy(JsonPointer.ROOT::parent).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void shouldDetectProperPrefixesTokenWise() {
        JsonPointer a = JsonPointer.parse("/a");

        assertThat(a.isProperPrefixOf(JsonPointer.parse("/a/b"))).isTrue();
        assertThat(JsonPointer.ROOT.isProperPrefixOf(a)).isTrue();
        assertThat(a.isProperPrefixOf(a)).isFalse();
        assertThat(a.isProperPrefixOf(JsonPointer.parse("/ab"))).isFalse();
        assertThat(JsonPointer.parse("/a/b").isProperPrefixOf(a)).isFalse();
    }

    @Test
    void shouldDefensivelyCopyTokens() {
        List<String> tokens = new java.util.ArrayList<>(List.of("a"));
        JsonPointer pointer = new JsonPointer(tokens);
        tokens.add("b");

        assertThat(pointer.tokens()).containsExactly("a");
    }
}
